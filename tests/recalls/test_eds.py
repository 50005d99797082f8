"""Signing a recall with EDS through the API: the IIN comes from the certificate."""

import base64
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from portal.personal_data import user_account_delete, user_data_export
from recalls import services as recall_services
from recalls.models import RecallEdsEvidence, RecallRequest, RecallSignature
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


def test_the_sign_page_offers_eds_by_markup_and_says_when_it_is_off(client, settings, eds_pki):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    client.force_login(UserFactory())
    page = client.get(f"/ru/recalls/{recall.pk}/sign/").content.decode()
    # The generic section static/js/eds.js drives: hidden until the script shows it.
    assert "data-eds hidden" in page and "js/eds.js" in page
    assert f'data-eds-challenge-url="/api/v1/recalls/{recall.pk}/signatures/challenge/"' in page
    assert f'data-eds-sign-url="/api/v1/recalls/{recall.pk}/signatures/"' in page
    assert 'data-eds-address="id_address"' in page and 'data-eds-confirm="id_confirm"' in page
    assert 'data-eds-ncalayer="wss://127.0.0.1:13579/"' in page and 'data-eds-locale="ru"' in page
    assert "Подписать с помощью ЭЦП" in page  # the button, in the page's language
    assert 'name="iin"' in page  # the typed-IIN form stays beside it

    settings.EDS_TRUST_ROOTS = []
    page = client.get(f"/ru/recalls/{recall.pk}/sign/").content.decode()
    assert "data-eds" not in page and "js/eds.js" not in page
    assert "Подписание с помощью ЭЦП на этом сайте недоступно." in page
    assert 'name="iin"' in page


def test_the_csp_lets_pages_reach_ncalayer_and_nothing_else_off_site(client):
    from portal.settings.base import websocket_origin

    policy = dict(
        part.strip().split(" ", 1)
        for part in client.get("/en/recalls/")["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["connect-src"] == "'self' wss://127.0.0.1:13579"
    assert "127.0.0.1" not in policy["default-src"] and "127.0.0.1" not in policy["script-src"]
    # Only wss://: a plain ws:// NCALayer URL is allowed for tests only, when they say so.
    assert websocket_origin("wss://127.0.0.1:13579/") == "wss://127.0.0.1:13579"
    assert websocket_origin("ws://127.0.0.1:13579/") == ""
    assert websocket_origin("ws://127.0.0.1:5000/", allow_plain=True) == "ws://127.0.0.1:5000"
    assert websocket_origin("https://127.0.0.1:13579/") == websocket_origin("") == ""


def test_eds_evidence_is_exported_and_erased_with_the_recalls_personal_data(client, eds_pki):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    voter = UserFactory()
    client.force_login(voter)
    cms = eds_pki.good.sign(_challenge(client, recall))
    signed = client.post(
        f"/api/v1/recalls/{recall.pk}/signatures/", {"cms": cms, "address": address_for(deputy)}, "application/json"
    )
    assert signed.status_code == 201, signed.content
    evidence = RecallEdsEvidence.objects.get(signature__recall=recall)

    [row] = user_data_export(user=voter)["recalls"]["signatures"]
    assert row["method"] == "eds"
    assert row["eds"] == {
        "certificate_serial": evidence.certificate_serial,
        "certificate_issuer": evidence.certificate_issuer,
        "name_in_certificate": "ТЕСТОВ ТЕСТ ТЕСТОВИЧ",
        "verified_at": evidence.verified_at.isoformat(),
    }
    exported = client.get(reverse("data_export")).content.decode()  # the file the person downloads
    assert json.loads(exported)["recalls"]["signatures"][0]["eds"] == row["eds"]
    assert eds_pki.good.iin not in exported  # masked, and the CMS (which carries it) is not in the file
    assert cms[-80:-40] not in exported

    # Account deletion unlinks the signature and its evidence from the person; the signature counts
    # and the evidence proves it to the commission until the retention purge deletes both.
    user_account_delete(user=voter)
    signature = RecallSignature.objects.get(recall=recall)
    assert signature.user_id is None and signature.eds == evidence
    assert user_data_export(user=voter)["recalls"]["signatures"] == []
    RecallRequest.objects.filter(pk=recall.pk).update(status=RecallRequest.Status.LAPSED, ended_on=recall.registered_on)
    recall.refresh_from_db()
    purged = recall_services.recall_purge_personal_data(
        today=recall.ended_on + timedelta(days=recall.rules.retention_days)
    )
    assert purged == 1
    assert not RecallSignature.objects.filter(recall=recall).exists()
    assert not RecallEdsEvidence.objects.exists()
