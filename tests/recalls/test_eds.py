"""Signing a recall with EDS through the API: the IIN comes from the certificate."""

import base64

import pytest

from recalls.models import RecallEdsEvidence, RecallSignature
from tests.factories import UserFactory, ensure_reference_data
from tests.recalls.factories import address_for, collecting_recall, commission_member, smd_deputy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)


def _challenge(client, recall) -> bytes:
    answer = client.get(f"/api/v1/recalls/{recall.pk}/signatures/challenge/")
    assert answer.status_code == 200, answer.content
    assert answer.json()["expires_at"]
    return base64.b64decode(answer.json()["challenge"])


def test_eds_signature_happy_path_refusals_and_409(client, eds_pki):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    url = f"/api/v1/recalls/{recall.pk}/signatures/"
    address = address_for(deputy)
    assert client.get(f"/api/v1/recalls/{recall.pk}/signatures/challenge/").status_code == 403
    voter = UserFactory()
    client.force_login(voter)

    # An expired certificate: 400 under `cms` with a reason; the challenge is not spent by a refusal.
    challenge = _challenge(client, recall)
    refused = client.post(url, {"cms": eds_pki.expired.sign(challenge), "address": address}, "application/json")
    assert refused.status_code == 400 and refused.json()["cms"] == [
        "Сертификаттың қолданылу мерзімі өтті."
    ]  # translated (kk by default)
    revoked = client.post(url, {"cms": eds_pki.revoked.sign(challenge), "address": address}, "application/json")
    assert revoked.status_code == 400 and revoked.json()["cms"] == ["Сертификат кері қайтарып алынған."]

    cms = eds_pki.good.sign(challenge)
    created = client.post(url, {"cms": cms, "address": address}, "application/json")
    assert created.status_code == 201, created.content
    assert created.json()["method"] == "eds"
    assert created.json()["iin"] == "******" + eds_pki.good.iin[-4:]
    signature = RecallSignature.objects.get(recall=recall)
    assert signature.method == "eds" and signature.iin == eds_pki.good.iin
    evidence = RecallEdsEvidence.objects.get(signature=signature)
    assert evidence.certificate_serial == format(eds_pki.good.certificate.serial_number, "x")
    assert "Test NCA RK (RSA)" in evidence.certificate_issuer
    assert base64.b64decode(evidence.cms) == base64.b64decode(cms)
    assert evidence.signer_name == "ТЕСТОВ ТЕСТ ТЕСТОВИЧ"

    # The same CMS again: the challenge was used.
    replay = client.post(url, {"cms": cms, "address": address}, "application/json")
    assert replay.status_code == 400 and replay.json()["cms"]

    detail = client.get(f"/api/v1/recalls/{recall.pk}/").json()
    assert detail["eds_signature_count"] == 1 and detail["signature_count"] == 1
    listing = client.get("/api/v1/recalls/").json()["results"]
    assert [row["eds_signature_count"] for row in listing if row["id"] == recall.pk] == [1]

    # The same IIN (the same key) from another account: 409 under `iin`.
    client.force_login(UserFactory())
    taken = client.post(
        url, {"cms": eds_pki.good.sign(_challenge(client, recall)), "address": address}, "application/json"
    )
    assert taken.status_code == 409 and taken.json()["iin"]
    assert RecallSignature.objects.filter(recall=recall).count() == 1


def test_eds_off_says_so(client, settings):
    settings.EDS_TRUST_ROOTS = []
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    client.force_login(UserFactory())
    answer = client.get(f"/api/v1/recalls/{recall.pk}/signatures/challenge/")
    assert answer.status_code == 400 and answer.json()["code"] == "disabled"
    post = client.post(
        f"/api/v1/recalls/{recall.pk}/signatures/", {"cms": "MA==", "address": address_for(deputy)}, "application/json"
    )
    assert post.status_code == 400 and post.json()["cms"]
