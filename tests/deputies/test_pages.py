"""Public pages: the representatives answer, deputies, maslikhats, districts; query-count guards."""

import pytest

from deputies.models import CommissionMembership, Deputy, StandingCommission
from portal.panels import _PANELS, register_panel
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def test_home_search_goes_to_the_representatives_page(client):
    html = client.get("/ru/").content.decode()
    assert 'action="/ru/representatives/"' in html
    assert "Введите ваш адрес" in html or "Enter your address" in html


def test_representatives_page_answers_in_one_step(client, almaty_deputies, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/en/representatives/", {"address": "Almaty, Abylai Khan 15"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your representatives" in html and "Бірінші Депутат" in html
    for deputy in almaty_deputies["list"]:
        assert deputy.full_name in html
    assert "Екінші Депутат" not in html
    assert f'href="/en/deputies/{almaty_deputies["smd1"].pk}/"' in html
    assert "Party-list deputies" in html


def test_the_page_shows_a_picker_for_an_ambiguous_address(client, almaty_deputies):
    from tests.deputies.factories import cover

    cover(almaty_deputies["d1"], "Алматы", "мкр. Самал", "1-50")
    html = client.get("/ru/representatives/", {"address": "Алматы, Самал 2"}).content.decode()
    assert html.count('class="picker"') == 1
    assert (
        "?address=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B%2C%20%D0%BC%D0%BA%D1%80.%20%D0%A1%D0%B0%D0%BC%D0%B0%D0%BB%2C%202"
        in html
    )


def test_the_page_says_whom_to_ask_when_nothing_matches(client, almaty_deputies):
    response = client.get("/en/representatives/", {"address": "Almaty, Baker street 221"})
    html = response.content.decode()
    assert response.status_code == 200 and "No district found" in html and "election commission" in html


@pytest.mark.parametrize("address", ["", "x" * 201, "Алматы\x00"])
def test_malformed_address_is_a_400_page(client, address):
    response = client.get("/en/representatives/", {"address": address})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_vacant_seat_is_shown_as_vacant(client, almaty_deputies):
    smd = almaty_deputies["smd1"]
    smd.status = Deputy.Status.RECALLED
    smd.status_changed_on = "2025-10-01"
    smd.save()
    html = client.get("/en/representatives/", {"address": "Almaty, Abylai Khan 15"}).content.decode()
    assert "This seat is vacant." in html and "recalled by voters" in html


def test_demo_deputies_are_labelled(client, almaty_deputies):
    Deputy.objects.filter(pk=almaty_deputies["smd1"].pk).update(is_demo=True)
    html = client.get("/en/representatives/", {"address": "Almaty, Abylai Khan 15"}).content.decode()
    assert html.count("badge-demo") == 1
    assert "badge-demo" in client.get(f"/en/deputies/{almaty_deputies['smd1'].pk}/").content.decode()
    assert "badge-demo" in client.get("/en/deputies/").content.decode()
    assert "badge-demo" in client.get("/en/maslikhats/kz-75/").content.decode()


def test_panels_render_in_their_slots(client, almaty_deputies):
    seen = []

    def panel(request, **ctx):
        seen.append(sorted(ctx))
        return "<p>PANEL</p>"

    try:
        for slot in ("representatives.after", "deputy.record", "maslikhat.record"):
            register_panel(slot, "test-panel", panel)
        assert "PANEL" in client.get("/en/representatives/", {"address": "Almaty, Abylai Khan 15"}).content.decode()
        assert "PANEL" in client.get(f"/en/deputies/{almaty_deputies['smd1'].pk}/").content.decode()
        assert "PANEL" in client.get("/en/maslikhats/kz-75/").content.decode()
        assert seen == [["lookup"], ["deputy"], ["maslikhat"]]
    finally:
        for slot in ("representatives.after", "deputy.record", "maslikhat.record"):
            _PANELS[slot] = [e for e in _PANELS.get(slot, []) if e[1] != "test-panel"]


def test_deputy_list_filters_and_searches(client, almaty_deputies, django_assert_max_num_queries):
    DeputyFactory.create_batch(20, party_list=True, party="Ak Zhol")
    with django_assert_max_num_queries(6):
        html = client.get("/en/deputies/").content.decode()
    assert "Бірінші Депутат" in html
    html = client.get("/en/deputies/", {"party": "Amanat", "mandate": "party_list"}).content.decode()
    assert "Тізім Депутат 0" in html and "Бірінші Депутат" not in html
    html = client.get("/en/deputies/", {"q": "birinshi"}).content.decode()  # Latin letters find a Kazakh name
    assert "Бірінші Депутат" in html and "Екінші Депутат" not in html


def test_deputy_page_shows_the_record(client, almaty_deputies, django_assert_max_num_queries):
    deputy = almaty_deputies["smd1"]
    commission = StandingCommission.objects.create(
        maslikhat=almaty_deputies["maslikhat"], name_kk="Бюджет", name_ru="Бюджет", name_en="Budget"
    )
    CommissionMembership.objects.create(commission=commission, deputy=deputy, is_chair=True)
    deputy.reception_hours = "Mon 10:00-12:00"
    deputy.save()
    # The deputy with the commissions and every panel's per-deputy figures (letters' responsiveness,
    # the sessions record and programmes, the hearings counts) in one query; then the lists: letters'
    # published exchanges and slots, dissents, declarations and reports, petitions, hearings, recalls.
    with django_assert_max_num_queries(8):
        html = client.get(f"/en/deputies/{deputy.pk}/").content.decode()
    assert (
        "Budget" in html and "chair" in html and "Mon 10:00–12:00" in html
    )  # reception hours read in the page language
    assert client.get("/en/deputies/999999/").status_code == 404


def test_maslikhat_page_shows_composition_chair_commissions_districts(
    client, almaty_deputies, django_assert_max_num_queries
):
    chair = almaty_deputies["list"][0]
    chair.role = Deputy.Role.CHAIR
    chair.save()
    commission = StandingCommission.objects.create(
        maslikhat=almaty_deputies["maslikhat"], name_kk="Бюджет", name_ru="Бюджет", name_en="Budget"
    )
    CommissionMembership.objects.create(commission=commission, deputy=almaty_deputies["smd2"], is_chair=True)
    DeputyFactory.create_batch(10, party_list=True, party="Ak Zhol")
    # The letters panel's table adds 1 (the deputies with the rules and their counts), whatever the
    # rows; the sessions panel 1 (recent sessions).
    with django_assert_max_num_queries(9):
        html = client.get("/en/maslikhats/kz-75/").content.decode()
    assert "Tizim" not in html and chair.full_name in html
    assert "Ak Zhol" in html and "Budget" in html and "Екінші Депутат" in html
    assert client.get("/en/maslikhats/kz-00/").status_code == 404
    with django_assert_max_num_queries(4):
        assert client.get("/en/maslikhats/").status_code == 200


def test_district_page_draws_the_map_without_inline_styles(client, almaty_deputies):
    district = almaty_deputies["d1"]
    district.boundary = {"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.9, 43.2]]]}
    district.save()
    html = client.get(f"/en/districts/{district.pk}/").content.decode()
    assert "<svg" in html and 'class="district-shape"' in html and "style=" not in html
    assert "Abylai" in html or "Абылай" in html
    feature = client.get(f"/en/districts/{district.pk}/boundary.geojson").json()
    assert feature["geometry"]["type"] == "Polygon"


def test_open_data_downloads(client, almaty_deputies):
    assert client.get("/en/open-data/deputies.csv").content.decode().startswith("maslikhat,full_name,party")
    assert client.get("/en/open-data/districts.csv", {"maslikhat": "kz-75"}).content.decode().count("\n") == 9
    assert "persons" in client.get("/en/open-data/popolo.json").json()
    assert client.get("/en/open-data/deputies.csv", {"maslikhat": "nope"}).status_code == 404
