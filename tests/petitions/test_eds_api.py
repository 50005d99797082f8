"""Signing a petition with EDS through the API (issue 15), against the PKI the tests make
(tests/eds_pki.py): the challenge, the signature, each refusal under `cms`, the 409 under `iin`,
one person counted once when a paper or online signature is upgraded, the appeal marking EDS rows,
and the petition page's EDS section."""

import base64
import hashlib
import threading
from io import BytesIO

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from petitions.appeal import appeal_pdf
from petitions.delivery import appeal_data
from petitions.eds_signing import EdsRefused, petition_sign_eds
from petitions.models import Petition, PetitionSignatureEvidence, Signature
from petitions.paper import PaperSignature, paper_signature_add
from petitions.selectors import route_for_maslikhat
from petitions.tally import petitions_tally
from portal import eds
from portal.models import EdsChallenge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Petition.Status
M = Signature.Method
ABAI, DOSTYK = "Алматы, Абая 3", "Алматы, Достык 7"
NAME = "ТЕСТОВ ТЕСТ ТЕСТОВИЧ"  # the good certificate's subject (tests/eds_pki.py)


@pytest.fixture
def open_petition(make_petition, districts):
    return make_petition(S.OPEN)


def challenge_url(petition) -> str:
    return f"/api/v1/petitions/{petition.pk}/signatures/challenge/"


def sign_url(petition) -> str:
    return f"/api/v1/petitions/{petition.pk}/signatures/"


def challenge(client, petition, query: str = "") -> bytes:
    answer = client.get(challenge_url(petition) + query)
    assert answer.status_code == 200, answer.content
    assert answer.json()["expires_at"]
    return base64.b64decode(answer.json()["challenge"])


def post(client, petition, cms, *, address=DOSTYK, consent=True, language="kk", query=""):
    body = {"cms": cms, "address": address, "consent": consent}
    return client.post(sign_url(petition) + query, body, "application/json", HTTP_ACCEPT_LANGUAGE=language)


def signed_in(client, **fields):
    user = UserFactory(is_citizen=True, **fields)
    client.force_login(user)
    return user


def counts(petition) -> tuple[int, int, int, int]:
    """(all, residents, paper, EDS) after a tally."""
    petitions_tally()
    petition.refresh_from_db()
    return (
        petition.signature_count,
        petition.resident_signature_count,
        petition.paper_signature_count,
        petition.eds_signature_count,
    )


def test_the_challenge_names_the_petition_its_text_and_the_account(client, open_petition, eds_pki):
    assert client.get(challenge_url(open_petition)).status_code in (401, 403)  # signed in first
    user = signed_in(client)
    text = challenge(client, open_petition).decode()
    assert f"Subject: petition:{open_petition.pk}\n" in text
    assert f"Text SHA-256: {hashlib.sha256(open_petition.text.encode()).hexdigest()}\n" in text
    assert f"Account: {user.pk}\n" in text and "Nonce: " in text
    stored = EdsChallenge.objects.get(user=user)
    assert stored.subject == f"petition:{open_petition.pk}" and stored.used_at is None
    # Two challenges differ (the nonce): each is single-use.
    assert challenge(client, open_petition) != text.encode()


def test_the_challenge_answers_like_the_signing_endpoint(client, make_petition, districts, eds_pki):
    draft = make_petition(S.DRAFT, title="Черновик петиции о парке")
    answered = make_petition(S.ANSWERED, title="Петиция о сквере, уже отвеченная")
    signed_in(client, verified=False)
    open_one = make_petition(S.OPEN, title="Петиция об освещении улиц района")
    refused = client.get(challenge_url(open_one), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and "Confirm your email" in refused.json()["detail"]
    signed_in(client)
    assert client.get(challenge_url(draft)).status_code == 404  # not the viewer's, as for signing
    assert client.get("/api/v1/petitions/999999/signatures/challenge/").status_code == 404
    closed = client.get(challenge_url(answered), HTTP_ACCEPT_LANGUAGE="en")
    assert closed.status_code == 400 and "not collecting" in closed.json()["detail"]
    assert client.post(sign_url(answered), {"address": ABAI, "is_citizen": True}, "application/json").status_code == 400
    assert not EdsChallenge.objects.exists()


def test_a_link_only_petition_needs_its_link(client, make_petition, districts, eds_pki):
    petition = make_petition(S.GATHERING_SUPPORT)
    signed_in(client)
    assert client.get(challenge_url(petition)).status_code == 404
    query = f"?link={petition.share_token}"
    cms = eds_pki.good.sign(challenge(client, petition, query))
    signed = post(client, petition, cms, query=query)
    assert signed.status_code == 201, signed.content


def test_eds_signature_happy_path(client, open_petition, eds_pki, districts):
    _d1, d2, _outside = districts
    signed_in(client)
    cms = eds_pki.good.sign(challenge(client, open_petition))
    created = post(client, open_petition, cms, language="en")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["method"] == "eds" and body["status"] == "signed"
    assert body["signature"]["method"] == "eds" and body["signature"]["upgraded_from"] == ""
    assert body["signature"]["district"] == d2.number and body["signature"]["delivery_consent"] is True
    assert "EDS" in body["detail"]
    assert eds_pki.good.iin not in created.content.decode()  # never an IIN in an answer
    row = Signature.objects.get(petition=open_petition)
    assert (row.method, row.iin, row.full_name, row.district) == (M.EDS, eds_pki.good.iin, NAME, d2)
    evidence = PetitionSignatureEvidence.objects.get(signature=row)
    assert evidence.certificate_serial == format(eds_pki.good.certificate.serial_number, "x")
    assert "Test NCA RK (RSA)" in evidence.certificate_issuer and evidence.signer_name == NAME
    assert base64.b64decode(evidence.cms) == base64.b64decode(cms)
    assert EdsChallenge.objects.get().used_at is not None
    assert counts(open_petition) == (1, 1, 0, 1)
    detail = client.get(f"/api/v1/petitions/{open_petition.pk}/").json()
    assert (detail["signature_count"], detail["eds_signature_count"], detail["paper_signature_count"]) == (1, 1, 0)
    assert client.get(f"/api/v1/petitions/{open_petition.pk}/count/").json()["eds_signature_count"] == 1
    page = client.get(f"/en/petitions/{open_petition.pk}/").content.decode()
    assert 'data-count="eds_signature_count">1<' in page

    # The same CMS again: its challenge is spent.
    replay = post(client, open_petition, cms, language="en")
    assert replay.status_code == 400 and replay.json()["code"] == "reused_challenge"
    with translation.override("en"):
        assert replay.json()["cms"] == [eds.EdsError("reused_challenge").message]
    # A new challenge signed again by the same key: already signed, nothing changes.
    again = post(client, open_petition, eds_pki.good.sign(challenge(client, open_petition)))
    assert again.status_code == 200 and again.json()["status"] == "already_signed"
    assert Signature.objects.filter(petition=open_petition).count() == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("expired", "expired"),
        ("not_yet_valid", "not_yet_valid"),
        ("revoked", "revoked"),
        ("stranger", "unknown_issuer"),
        ("encryption_only", "key_usage"),
    ],
)
def test_certificate_faults_are_400_under_cms_translated(client, open_petition, eds_pki, who, code):
    signed_in(client)
    text = challenge(client, open_petition)
    cms = getattr(eds_pki, who).sign(text)
    reasons = {}
    for language in ("kk", "ru", "en"):
        refused = post(client, open_petition, cms, language=language)
        assert refused.status_code == 400, refused.content
        assert refused.json()["code"] == code and set(refused.json()) == {"cms", "detail", "code"}
        with translation.override(language):
            assert refused.json()["cms"] == [eds.EdsError(code).message]
        reasons[language] = refused.json()["cms"][0]
    assert len(set(reasons.values())) == 3  # translated: three languages, three texts
    assert not Signature.objects.exists() and not PetitionSignatureEvidence.objects.exists()
    # A refusal does not spend the challenge: the good key signs it after.
    assert EdsChallenge.objects.get().used_at is None
    assert post(client, open_petition, eds_pki.good.sign(text)).status_code == 201


def test_a_tampered_or_unreadable_cms_is_refused(client, open_petition, eds_pki):
    signed_in(client)
    raw = bytearray(base64.b64decode(eds_pki.good.sign(challenge(client, open_petition))))
    raw[-5] ^= 0x01  # a bit of the signature value
    tampered = post(client, open_petition, base64.b64encode(bytes(raw)).decode(), language="ru")
    assert tampered.status_code == 400 and tampered.json()["code"] == "bad_signature"
    assert "подпись" in tampered.json()["cms"][0].lower()
    garbage = post(client, open_petition, "not a signature at all!")
    assert garbage.status_code == 400 and garbage.json()["code"] == "malformed"
    blank = post(client, open_petition, "")
    assert blank.status_code == 400 and blank.json()["cms"]  # present but empty: still the EDS path
    assert not Signature.objects.exists()


def test_a_challenge_of_another_petition_or_account_is_the_wrong_one(client, make_petition, districts, eds_pki):
    petition = make_petition(S.OPEN)
    other_petition = make_petition(S.OPEN, title="Петиция об освещении улиц района")
    owner = signed_in(client)
    for_other_petition = eds_pki.good.sign(challenge(client, other_petition))
    wrong = post(client, petition, for_other_petition)
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_challenge"
    someone_elses = eds_pki.good.sign(challenge(client, petition))
    signed_in(client)
    wrong = post(client, petition, someone_elses)
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_challenge"
    made_up = post(client, petition, eds_pki.good.sign(b"Subject: petition:%d\n" % petition.pk))
    assert made_up.status_code == 400 and made_up.json()["code"] == "wrong_challenge"
    assert not Signature.objects.exists()
    # Each challenge still signs for its own account and petition.
    client.force_login(owner)
    assert post(client, other_petition, for_other_petition).status_code == 201


def test_the_same_iin_from_another_account_is_409_under_iin(client, open_petition, eds_pki):
    signed_in(client)
    assert post(client, open_petition, eds_pki.good.sign(challenge(client, open_petition))).status_code == 201
    second = signed_in(client)
    taken = post(client, open_petition, eds_pki.good.sign(challenge(client, open_petition)), language="ru")
    assert taken.status_code == 409 and taken.json()["iin"]
    assert "ИИН" in taken.json()["iin"][0]
    assert Signature.objects.filter(petition=open_petition).count() == 1
    assert not Signature.objects.filter(signer=second).exists()
    # The 409 rolled back the consumption: the challenge is unused.
    assert EdsChallenge.objects.get(user=second).used_at is None
    assert counts(open_petition) == (1, 1, 0, 1)


def test_eds_upgrades_a_paper_signature_of_the_same_iin(client, open_petition, eds_pki, staff, districts):
    d1, d2, _outside = districts
    entry = PaperSignature(
        full_name="Тестов Тест", iin=eds_pki.good.iin, address="Алматы, Абая 5", signed_on=timezone.localdate()
    )
    paper_row = paper_signature_add(petition=open_petition, actor=staff, entry=entry)
    assert counts(open_petition) == (1, 1, 1, 0)
    citizen = signed_in(client)
    upgraded = post(client, open_petition, eds_pki.good.sign(challenge(client, open_petition)))
    assert upgraded.status_code == 201, upgraded.content
    assert upgraded.json()["signature"]["upgraded_from"] == "paper"
    assert upgraded.json()["signature"]["id"] == paper_row.pk
    row = Signature.objects.get(petition=open_petition)
    assert (row.pk, row.method, row.signer, row.district) == (paper_row.pk, M.EDS, citizen, d2)
    # Counted once: moved from the paper count to the EDS count.
    assert counts(open_petition) == (1, 1, 0, 1)
    assert {dc.district_id: dc.signatures for dc in open_petition.district_counts.all()} == {d1.pk: 0, d2.pk: 1}


def test_eds_upgrades_the_accounts_online_signature(client, open_petition, eds_pki):
    citizen = signed_in(client)
    online = client.post(
        sign_url(open_petition), {"address": ABAI, "is_citizen": True, "consent": True}, "application/json"
    )
    assert online.status_code == 201 and online.json()["signature"]["method"] == "email"
    assert counts(open_petition) == (1, 1, 0, 0)
    upgraded = post(client, open_petition, eds_pki.good.sign(challenge(client, open_petition)), address=ABAI)
    assert upgraded.status_code == 201, upgraded.content
    assert upgraded.json()["signature"]["upgraded_from"] == "email" and upgraded.json()["method"] == "eds"
    row = Signature.objects.get(petition=open_petition, signer=citizen)
    assert row.pk == online.json()["signature"]["id"] and row.method == M.EDS and row.iin == eds_pki.good.iin
    assert counts(open_petition) == (1, 1, 0, 1)


def test_address_and_consent_are_checked_before_the_signature(client, open_petition, eds_pki):
    signed_in(client, address="")
    text = challenge(client, open_petition)
    cms = eds_pki.good.sign(text)
    no_address = post(client, open_petition, cms, address="", language="en")
    assert no_address.status_code == 400 and "home address" in no_address.json()["address"][0]
    refused = post(client, open_petition, cms, consent=False, language="ru")
    assert refused.status_code == 400 and "маслихат" in refused.json()["consent"][0].lower()
    nowhere = post(client, open_petition, cms, address="Марс, Луна 1")
    assert nowhere.status_code == 400 and nowhere.json()["address"]
    assert not Signature.objects.exists() and EdsChallenge.objects.get().used_at is None
    # Omitted consent (a v1 client): signed, the appeal carries it without the name.
    signed = client.post(sign_url(open_petition), {"cms": cms, "address": ABAI}, "application/json")
    assert signed.status_code == 201 and signed.json()["signature"]["delivery_consent"] is False


def test_eds_off_says_so(client, open_petition):
    assert not eds.enabled()
    signed_in(client)
    answer = client.get(challenge_url(open_petition), HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and answer.json()["code"] == "disabled"
    assert "not available" in answer.json()["detail"]
    refused = post(client, open_petition, "MA==", language="ru")
    assert refused.status_code == 400 and refused.json()["code"] == "disabled"
    with translation.override("ru"):
        assert refused.json()["cms"] == [eds.EdsError("disabled").message]
    assert not Signature.objects.exists()
    # Without `cms` the endpoint signs online as before.
    online = client.post(sign_url(open_petition), {"address": ABAI, "is_citizen": True}, "application/json")
    assert online.status_code == 201 and online.json()["signature"]["method"] == "email"


def test_the_appeal_marks_an_eds_signature(client, open_petition, eds_pki, almaty):
    signed_in(client)
    assert post(client, open_petition, eds_pki.good.sign(challenge(client, open_petition))).status_code == 201
    online = UserFactory(is_citizen=True, first_name="Ғалым", last_name="Өтегенов")
    client.force_login(online)
    body = {"address": ABAI, "is_citizen": True, "consent": True}
    assert client.post(sign_url(open_petition), body, "application/json").status_code == 201
    data = appeal_data(open_petition, route_for_maslikhat(almaty), recipient="office@example.kz", cutoff=timezone.now())
    assert {(s["full_name"], s["method"]) for s in data["signers"]} == {(NAME, "eds"), ("Өтегенов Ғалым", "email")}
    from pypdf import PdfReader

    text = " ".join(PdfReader(BytesIO(appeal_pdf(data))).pages[0].extract_text().split())
    assert NAME in text and "ЭЦҚ" in text


def test_the_page_offers_eds_when_configured(client, open_petition, make_petition, eds_pki):
    signed_in(client)
    page = client.get(f"/ru/petitions/{open_petition.pk}/").content.decode()
    assert "data-eds " in page or "data-eds\n" in page
    assert f'data-eds-challenge-url="/api/v1/petitions/{open_petition.pk}/signatures/challenge/"' in page
    assert f'data-eds-sign-url="/api/v1/petitions/{open_petition.pk}/signatures/"' in page
    assert 'data-eds-address="id_address"' in page and 'data-eds-confirm="id_consent"' in page
    assert "ЭЦП" in page
    link_only = make_petition(S.GATHERING_SUPPORT, title="Петиция об освещении улиц района")
    page = client.get(f"/ru/petitions/{link_only.pk}/?link={link_only.share_token}").content.decode()
    assert f'data-eds-sign-url="/api/v1/petitions/{link_only.pk}/signatures/?link={link_only.share_token}"' in page


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Signing with EDS is not available"), ("ru", "ЭЦП на этом сайте недоступно"), ("kk", "ЭЦҚ")],
)
def test_the_page_says_when_eds_is_off(client, open_petition, language, words):
    signed_in(client)
    page = client.get(f"/{language}/petitions/{open_petition.pk}/").content.decode()
    assert "data-eds-challenge-url" not in page
    with translation.override(language):
        assert eds.EdsError("disabled").message in page
    assert words in page


def test_the_schema_documents_the_eds_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/petitions/{id}/signatures/challenge/" in schema["paths"]
    body = schema["paths"]["/api/v1/petitions/{id}/signatures/"]["post"]["requestBody"]["content"]["application/json"]
    variants = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]["oneOf"]
    fields = [set(schema["components"]["schemas"][v["$ref"].rsplit("/", 1)[1]]["properties"]) for v in variants]
    assert {"cms", "address", "consent"} in fields and any("is_citizen" in f for f in fields)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_cms_posted_twice_at_once_signs_once(open_petition, eds_pki):
    """Two requests with the same CMS race (a double click): the challenge is consumed once, in the
    signing transaction; the other request is refused as a reuse and writes nothing."""
    assert connection.vendor == "postgresql"
    from portal.eds_challenges import eds_challenge_issue

    user = UserFactory(is_citizen=True)
    text = eds_challenge_issue(
        user=user, subject=f"petition:{open_petition.pk}", title=open_petition.title, text=open_petition.text
    ).text.encode()
    cms = eds_pki.good.sign(text)
    barrier = threading.Barrier(4)
    outcomes, lock = [], threading.Lock()

    def run():
        try:
            barrier.wait(timeout=10)
            try:
                result = petition_sign_eds(petition=open_petition, user=user, cms=cms, address=DOSTYK, consent=True)
                outcome = "signed" if result.created else "already"
            except EdsRefused as error:
                outcome = error.code
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["reused_challenge"] * 3 + ["signed"]
    assert Signature.objects.filter(petition=open_petition).count() == 1
    assert PetitionSignatureEvidence.objects.count() == 1
    assert counts(open_petition) == (1, 1, 0, 1)
