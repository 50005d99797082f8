"""Boundary generations: districts belong to a convocation; a new generation loads beside the one in
force; the lookup answers for a day (`on`); mandate ends and party-list vacancies. PostgreSQL and SQLite."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from deputies.imports import districts_import_rows
from deputies.models import AddressCoverage, Convocation, Deputy, ElectoralDistrict, Maslikhat
from deputies.selectors import (
    address_lookup,
    mandate_end,
    maslikhat_record,
    representatives_for_address,
)
from tests.deputies.factories import DeputyFactory, ElectoralDistrictFactory

pytestmark = pytest.mark.django_db

OLD = "maslikhat,district,settlement,street,houses\nkz-75,5,Алматы,ул. Иманова,all\nkz-75,6,Алматы,ул. Тимирязева,all\n"
NEW = "maslikhat,district,settlement,street,houses\nkz-75,5,Алматы,ул. Тимирязева,all\nkz-75,7,Алматы,ул. Иманова,all\n"
BEFORE, AFTER = datetime.date(2025, 6, 1), datetime.date(2028, 4, 1)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def numbers(text, on):
    return [[(d.convocation.number, d.number) for d in m.districts] for m in address_lookup(text, on=on).matches]


@pytest.fixture
def two_generations(tmp_path):
    call_command("import_districts", write(tmp_path, "old.csv", OLD))
    call_command(
        "import_districts", write(tmp_path, "new.csv", NEW), "--convocation", "9", "--elected-on", "2028-03-19"
    )


def test_a_new_generation_loads_beside_the_one_in_force(two_generations):
    eighth, ninth = Convocation.objects.filter(maslikhat__code="kz-75").order_by("number")
    assert (eighth.number, eighth.elected_on, ninth.number, ninth.elected_on) == (
        8,
        datetime.date(2023, 3, 19),
        9,
        datetime.date(2028, 3, 19),
    )
    # the old and the new district No. 5 both exist
    assert sorted(ElectoralDistrict.objects.filter(number=5).values_list("convocation__number", flat=True)) == [8, 9]
    assert AddressCoverage.objects.count() == 4
    assert numbers("Алматы, Иманова 3", BEFORE) == [[(8, 5)]]
    assert numbers("Алматы, Иманова 3", AFTER) == [[(9, 7)]]
    assert numbers("Алматы, Тимирязева 3", BEFORE) == [[(8, 6)]]
    assert numbers("Алматы, Тимирязева 3", AFTER) == [[(9, 5)]]
    # a street only the old generation knew is not answered from it in the new one
    AddressCoverage.objects.filter(district__convocation=ninth, street_key="imanov").delete()
    assert address_lookup("Алматы, Иманова 3", on=AFTER).matches == []


def test_importing_the_old_generation_again_changes_nothing(tmp_path, two_generations, capsys):
    capsys.readouterr()
    call_command("import_districts", write(tmp_path, "old.csv", OLD), "--convocation", "8")
    assert "created 0, updated 0, unchanged 2, districts created 0" in capsys.readouterr().out


def test_an_unrecorded_convocation_needs_its_election_date(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_districts", write(tmp_path, "new.csv", NEW), "--convocation", "9")
    assert "--elected-on" in capsys.readouterr().err
    assert not Convocation.objects.filter(number=9).exists()


def test_a_convocation_column_works_like_the_option(two_generations):
    rows = [(2, {"maslikhat": "kz-75", "district": "8", "settlement": "Алматы", "street": "ул. Жандосова",
                 "houses": "all", "convocation": "9"})]  # fmt: skip
    assert districts_import_rows(rows).ok
    assert numbers("Алматы, Жандосова 1", AFTER) == [[(9, 8)]]
    assert address_lookup("Алматы, Жандосова 1", on=BEFORE).matches == []


def test_the_api_and_the_page_answer_for_a_day(client, two_generations):
    body = client.get("/api/v1/representatives/", {"address": "Алматы, Иманова 3", "on": "2028-04-01"}).json()
    assert body["on"] == "2028-04-01"
    assert [(d["convocation"], d["number"]) for d in body["matches"][0]["districts"]] == [(9, 7)]
    body = client.get("/api/v1/representatives/", {"address": "Алматы, Иманова 3", "on": "2025-06-01"}).json()
    assert [(d["convocation"], d["number"]) for d in body["matches"][0]["districts"]] == [(8, 5)]
    response = client.get("/api/v1/representatives/", {"address": "Алматы, Иманова 3", "on": "1 April"})
    assert response.status_code == 400 and "2025-06-01" in " ".join(response.json()["on"])
    html = client.get("/en/representatives/", {"address": "Алматы, Иманова 3", "on": "2028-04-01"}).content.decode()
    assert "№ 7" in html and "as of" in html
    assert client.get("/en/representatives/", {"address": "Алматы, Иманова 3", "on": "x"}).status_code == 400


def test_the_seats_check_warns_in_the_report(tmp_path, capsys):
    call_command("import_districts", write(tmp_path, "old.csv", OLD))
    out = capsys.readouterr().out
    # Almaty (tier 1, mixed, 42 seats): 21 single-mandate districts expected, 2 loaded
    assert "has 2 single-mandate districts" in out and "gives 21 of its 42 seats" in out


def test_a_by_elected_deputys_term_ends_with_the_convocation():
    eighth = Convocation.objects.get(maslikhat=Maslikhat.objects.get(code="kz-75"), number=8)
    district = ElectoralDistrictFactory(convocation=eighth)
    deputy = DeputyFactory(district=district, by_election=True, elected_on=datetime.date(2025, 10, 5))
    assert mandate_end(deputy) == datetime.date(2028, 3, 19)  # not 2030
    eighth.ends_on = datetime.date(2028, 3, 1)
    eighth.save()
    deputy.refresh_from_db()
    assert mandate_end(deputy) == datetime.date(2028, 3, 1)
    assert mandate_end(DeputyFactory(party_list=True)) is None  # no convocation recorded


def test_the_deputy_sitting_on_the_day_answers(almaty_deputies):
    deputy = almaty_deputies["smd1"]
    deputy.status, deputy.status_changed_on = Deputy.Status.DECEASED, datetime.date(2025, 1, 10)
    deputy.save()
    (match,) = representatives_for_address("Алматы, Абылай хана 15", on=datetime.date(2024, 12, 1)).matches
    assert match.groups[0].seat.deputy == deputy
    (match,) = representatives_for_address("Алматы, Абылай хана 15").matches
    assert match.groups[0].seat.vacant and match.groups[0].seat.former == deputy


def test_party_list_vacancies_show(almaty_deputies, client):
    # Almaty: 42 seats, 21 on party lists, 3 list deputies listed
    (match,) = representatives_for_address("Алматы, Абылай хана 15").matches
    assert match.groups[0].party_list_vacant == 18
    gone = almaty_deputies["list"][0]
    gone.status, gone.status_changed_on = Deputy.Status.PARTY_RECALLED, datetime.date(2025, 2, 1)
    gone.save()
    assert maslikhat_record(almaty_deputies["maslikhat"])["composition"].party_list_vacant == 19
    assert "19 party-list seats have no deputy listed" in client.get("/en/maslikhats/kz-75/").content.decode()


def test_only_a_list_deputy_can_be_recalled_by_the_party(almaty_deputies):
    deputy = almaty_deputies["smd1"]
    deputy.status, deputy.status_changed_on = Deputy.Status.PARTY_RECALLED, datetime.date(2025, 2, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        deputy.save()
