"""The public API per DESIGN.md, on a dataset loaded with the CSV import commands."""

from pathlib import Path

import pytest
from django.core.management import call_command

from deputies.models import Deputy

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "deputies" / "data"


@pytest.fixture
def imported(db):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    return {d.full_name: d for d in Deputy.objects.all()}


def test_representatives_for_an_address(client, imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/representatives/", {"address": "Алматы, Абылай хана 15"})
    assert response.status_code == 200
    body = response.json()
    assert body["hint"] == ""
    (match,) = body["matches"]
    assert match["address"] == "Алматы, пр. Абылай хана, 15"
    assert [(d["number"], d["maslikhat"]["code"]) for d in match["districts"]] == [(1, "kz-75")]
    smd, party = imported["Үлгіұлы Демо"], imported["Тізімов Демо"]
    reps = {r["full_name"]: r for r in match["representatives"]}
    assert set(reps) == {"Үлгіұлы Демо", "Тізімов Демо"}
    assert reps["Үлгіұлы Демо"] | {"maslikhat": None} == {
        "id": smd.pk,
        "full_name": "Үлгіұлы Демо",
        "maslikhat": None,
        "mandate": "single_mandate",
        "district": {"id": smd.district_id, "number": 1},
        "party": "Amanat",
        "role": "member",
        "status": "active",
        "photo": None,
        "url": f"/kk/deputies/{smd.pk}/",
        "is_demo": False,
    }
    assert reps["Үлгіұлы Демо"]["maslikhat"]["code"] == "kz-75"
    assert set(reps["Үлгіұлы Демо"]["maslikhat"]) == {"id", "code", "name", "level"}
    assert reps["Тізімов Демо"]["mandate"] == "party_list" and reps["Тізімов Демо"]["district"] is None
    assert party.pk == reps["Тізімов Демо"]["id"]
    assert match["vacant_seats"] == []


@pytest.mark.parametrize(
    ("address", "district"),
    [
        ("Алматы, Абылай хана 16", 2),
        ("Almaty, Samal-2 5", 2),
        ("Алматы, Жандосова 58А", 3),
        ("Алматы, Жандосова 60/1", 3),
        ("Алматы, Сатпаева 10", 3),
        ("Алматы, Tole bi 7", 1),
    ],
)
def test_imported_rules_answer(client, imported, address, district):
    (match,) = client.get("/api/v1/representatives/", {"address": address}).json()["matches"]
    assert match["districts"][0]["number"] == district


def test_ambiguous_and_missing_addresses(client, imported):
    body = client.get("/api/v1/representatives/", {"address": "Алматы, Абылай хана"}).json()
    assert body["matches"] == [] and body["hint"]
    body = client.get("/api/v1/representatives/", {"address": "Алматы, Жандосова 59"}).json()
    assert body["matches"] == [] and "59" in body["hint"]


@pytest.mark.parametrize(
    ("params", "language", "message"),
    [
        ({"address": ""}, "en", "Please enter an address."),
        ({"address": "x" * 201}, "ru", "не может быть длиннее 200"),
        ({"address": "Алматы\x01"}, "kk", "рұқсат етілмеген"),
        ({}, "en", "Give an address"),
        ({"lat": "abc", "lon": "1"}, "en", "must be numbers"),
        ({"lat": "95", "lon": "1"}, "en", "between -90 and 90"),
    ],
)
def test_malformed_input_is_a_translated_400(client, imported, params, language, message):
    response = client.get("/api/v1/representatives/", params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_point_search(client, imported):
    district = Deputy.objects.get(full_name="Үлгіұлы Демо").district
    district.boundary = {"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.9, 43.2]]]}
    district.save()
    from deputies.geo import boundaries_changed

    boundaries_changed()
    body = client.get("/api/v1/representatives/", {"lat": "43.21", "lon": "76.99"}).json()
    assert body["matches"][0]["districts"][0]["number"] == 1
    assert body["matches"][0]["address"] == "43.21000, 76.99000"


def test_maslikhats(client, imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/maslikhats/", {"limit": 100}).json()
    assert body["count"] == 20
    almaty = next(m for m in body["results"] if m["code"] == "kz-75")
    assert almaty["level"] == "regional" and almaty["seats"] == 42 and almaty["parent"] is None
    assert almaty["region"]["code"] == "kz-75" and almaty["deputy_count"] == 3 and almaty["district_count"] == 3
    detail = client.get(f"/api/v1/maslikhats/{almaty['id']}/").json()
    assert detail["composition"]["single_mandate"] == 2 and detail["composition"]["party_list"] == 1
    assert [d["number"] for d in detail["districts"]] == [1, 2, 3]
    assert detail["districts"][2]["deputy"] is None
    assert client.get("/api/v1/maslikhats/999999/").status_code == 404


def test_deputies_filters(client, imported):
    def names(**params):
        return sorted(r["full_name"] for r in client.get("/api/v1/deputies/", params).json()["results"])

    assert names() == ["Мысалова Демо", "Тізімов Демо", "Үлгіұлы Демо"]
    assert names(maslikhat="kz-75", party="Respublica") == ["Тізімов Демо"]
    assert names(party="-") == ["Мысалова Демо"]
    assert names(q="үлгі") == ["Үлгіұлы Демо"]
    assert names(maslikhat="kz-71") == []
    assert names(mandate="party_list") == ["Тізімов Демо"]
    deputy = imported["Мысалова Демо"]
    detail = client.get(f"/api/v1/deputies/{deputy.pk}/").json()
    assert (
        detail["role"] == "commission_chair" and detail["email"] == "demo2@example.org" and detail["commissions"] == []
    )
    assert client.get("/api/v1/deputies/0/").status_code == 404


def test_autocomplete_endpoint(client, imported):
    assert client.get("/api/v1/addresses/suggest/", {"q": "Алматы, Абыл"}).json() == {
        "suggestions": ["Алматы, пр. Абылай хана"]
    }


def test_schema_describes_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/representatives/", "/api/v1/maslikhats/{id}/", "/api/v1/deputies/{id}/"):
        assert path in schema
