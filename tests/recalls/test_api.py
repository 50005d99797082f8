import pytest

from recalls.models import RecallSignature
from tests.factories import UserFactory
from tests.recalls.support import (
    address_for,
    collecting_recall,
    commission_member,
    ensure_reference_data,
    forming_recall,
    iins,
    smd_deputy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    # a reused test database may have been flushed by a transactional test
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)


def test_list_and_detail_shape(client, django_assert_max_num_queries):
    commission = commission_member()
    recalls = [
        collecting_recall(smd_deputy(street=s), commission, iin_start=1000 + 100 * n)
        for n, s in enumerate(["Абая", "Гоголя", "Сатпаева"])
    ]
    forming_recall(smd_deputy(street="Жандосова"), members=1, iin_start=7000)
    with django_assert_max_num_queries(4):
        listing = client.get("/api/v1/recalls/")
    assert listing.status_code == 200 and listing.json()["count"] == 3
    recall = recalls[0]
    detail = client.get(f"/api/v1/recalls/{recall.pk}/").json()
    assert detail["status"] == "collecting"
    assert detail["deputy"]["id"] == recall.deputy_id
    assert detail["deputy"]["full_name"] == recall.deputy.full_name
    assert detail["deputy"]["maslikhat"]["code"] == "kz-75"
    assert detail["deputy"]["district"]["number"] == recall.district.number
    assert detail["signature_threshold"] == 90 and detail["signature_count"] == 0
    assert client.get("/api/v1/recalls/999999/").status_code == 404


def test_signing_through_the_api(client):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    url = f"/api/v1/recalls/{recall.pk}/signatures/"
    iin, other_iin = iins(2, start=40)
    body = {"iin": iin, "address": address_for(deputy)}
    assert client.post(url, body, content_type="application/json").status_code == 403
    voter = UserFactory()
    client.force_login(voter)

    refused = client.post(url, {"iin": "900101300018", "address": address_for(deputy)}, content_type="application/json")
    assert refused.status_code == 400
    assert "iin" in refused.json() and refused.json()["detail"]
    outside = client.post(url, {"iin": iin, "address": "Алматы, Жандосова 1"}, content_type="application/json")
    assert outside.status_code == 400 and "address" in outside.json()
    missing = client.post(url, {"address": address_for(deputy)}, content_type="application/json")
    assert missing.status_code == 400 and "iin" in missing.json()

    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["iin"] == "******" + iin[-4:]
    assert client.post(url, body, content_type="application/json").status_code == 200
    conflict = client.post(url, {"iin": other_iin, "address": address_for(deputy)}, content_type="application/json")
    assert conflict.status_code == 409 and conflict.json()["detail"]
    client.force_login(UserFactory())
    taken = client.post(url, body, content_type="application/json")
    assert taken.status_code == 409 and taken.json()["iin"]
    assert RecallSignature.objects.filter(recall=recall).count() == 1


def test_api_errors_are_translated(client):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    client.force_login(UserFactory())
    response = client.post(
        f"/api/v1/recalls/{recall.pk}/signatures/",
        {"iin": "12", "address": address_for(deputy)},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert "12" in response.json()["iin"][0]  # "exactly 12 digits", in Russian once translated
