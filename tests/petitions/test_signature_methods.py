"""Signatures carry their method (issue 15) and paper signatures count like online ones (issue 14 §3):
the paper and EDS services, one person counted once whatever the ways they signed, consent to the
delivery before signing (issue 14 §2), the counts the tally keeps per method, the appeal marking
each signer's method, and the personal-data export and erasure of IINs and EDS evidence."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from petitions import signing
from petitions.delivery import appeal_data
from petitions.eds_signing import EdsEvidence, petition_signature_attach_eds
from petitions.models import Petition, PetitionSignatureEvidence, Signature
from petitions.paper import PaperSignature, paper_signature_add
from petitions.selectors import route_for_maslikhat
from petitions.signer_identity import IinTaken
from petitions.tally import petitions_recount, petitions_tally
from portal.crypto import keyed_hash
from portal.iin import make_iin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Petition.Status
M = Signature.Method
EVIDENCE = EdsEvidence(
    certificate_serial="4d2a", certificate_issuer="CN=Test NCA", cms=b"0\x82cms", signer_name="КАСЫМОВ ДАНИЯР"
)


def iin(serial: int = 1) -> str:
    return make_iin(date(1990, 1, 1), serial=serial)


def paper(petition, actor, *, serial=1, name="Қасымова Әлия", address="Алматы, Абая 5", signed_on=None):
    entry = PaperSignature(
        full_name=name, iin=iin(serial), address=address, signed_on=signed_on or timezone.localdate()
    )
    return paper_signature_add(petition=petition, actor=actor, entry=entry)


def eds(petition, user, *, serial=1, address="Алматы, Достык 7", consent=True):
    return petition_signature_attach_eds(
        petition=petition,
        user=user,
        iin=iin(serial),
        full_name="Касымов Данияр",
        address=address,
        evidence=EVIDENCE,
        consent=consent,
    )


def counts(petition) -> tuple[int, int, int, int]:
    petitions_tally()
    petition.refresh_from_db()
    return (
        petition.signature_count,
        petition.resident_signature_count,
        petition.paper_signature_count,
        petition.eds_signature_count,
    )


@pytest.fixture
def open_petition(make_petition, districts):
    return make_petition(S.OPEN)


def test_a_paper_signature_counts_like_an_online_one(open_petition, staff, districts):
    d1, _d2, _outside = districts
    signature = paper(open_petition, staff)
    assert signature.method == M.PAPER and signature.signer is None
    assert signature.district == d1 and signature.is_resident
    stored = Signature.objects.get(pk=signature.pk)
    assert stored.iin == iin(1) and stored.iin_hash == keyed_hash(iin(1)) and stored.full_name == "Қасымова Әлия"
    signing.petition_sign(
        petition=open_petition, user=UserFactory(is_citizen=True), address="Алматы, Абая 3", is_citizen=True
    )
    # Residents on paper count towards the threshold as online ones; signature_count includes paper.
    assert counts(open_petition) == (2, 2, 1, 0)
    assert open_petition.online_signature_count == 1
    assert open_petition.district_counts.get(district=d1).signatures == 2


def test_a_duplicate_iin_on_paper_is_refused_and_changes_nothing(open_petition, staff):
    paper(open_petition, staff)
    with pytest.raises(IinTaken) as refused:
        paper(open_petition, staff, name="Другое Имя", address="Алматы, Достык 1")
    assert refused.value.message_dict["iin"] and refused.value.existing_method == M.PAPER
    assert Signature.objects.filter(petition=open_petition).count() == 1
    assert counts(open_petition) == (1, 1, 1, 0)


def test_a_bad_paper_row_reports_every_field_at_once(open_petition, staff):
    entry = PaperSignature(full_name="  ", iin="123", address="Марс, Луна 1", signed_on=date(2001, 1, 1))
    with pytest.raises(ValidationError) as refused:
        paper_signature_add(petition=open_petition, actor=staff, entry=entry)
    assert set(refused.value.message_dict) == {"full_name", "iin", "address", "signed_on"}
    assert not Signature.objects.filter(petition=open_petition).exists()


def test_paper_needs_an_official_of_the_maslikhat_and_a_collecting_petition(make_petition, author, staff, districts):
    petition = make_petition(S.OPEN)
    with pytest.raises(PermissionDenied):
        paper(petition, author)
    draft = make_petition(S.DRAFT, title="Черновик петиции о парке")
    with pytest.raises(ValidationError):
        paper(draft, staff)
    assert not Signature.objects.exists()


def test_eds_upgrades_a_paper_signature_of_the_same_iin_counted_once(open_petition, staff, districts):
    _d1, d2, _outside = districts
    row = paper(open_petition, staff)
    assert counts(open_petition) == (1, 1, 1, 0)
    citizen = UserFactory(is_citizen=True)
    result = eds(open_petition, citizen)
    assert result.created and result.previous_method == M.PAPER and result.signature.pk == row.pk
    upgraded = Signature.objects.get(pk=row.pk)
    assert upgraded.method == M.EDS and upgraded.signer == citizen and upgraded.district == d2
    assert upgraded.eds.certificate_serial == "4d2a" and upgraded.eds.cms  # the evidence is kept
    # One row, moved from the paper count to the EDS count and from district 1 to district 2.
    assert counts(open_petition) == (1, 1, 0, 1)
    assert {dc.district_id: dc.signatures for dc in open_petition.district_counts.all()} == {
        row.district_id: 0,
        d2.pk: 1,
    }
    # The new signer follows the petition like any signer whose signature is counted.
    from notifications.follows import is_following

    assert is_following(citizen, open_petition)
    # The same IIN on paper again is refused: it has signed.
    with pytest.raises(IinTaken):
        paper(open_petition, staff)


def test_eds_of_an_iin_that_another_account_signed_with_is_refused(open_petition):
    first, second = UserFactory(is_citizen=True), UserFactory(is_citizen=True)
    eds(open_petition, first)
    with pytest.raises(IinTaken) as refused:
        eds(open_petition, second)
    assert refused.value.message_dict["iin"]
    assert Signature.objects.filter(petition=open_petition).count() == 1
    assert not Signature.objects.filter(signer=second).exists()


def test_eds_upgrades_the_accounts_online_signature(open_petition):
    citizen = UserFactory(is_citizen=True)
    signing.petition_sign(petition=open_petition, user=citizen, address="Алматы, Абая 3", is_citizen=True)
    assert counts(open_petition) == (1, 1, 0, 0)
    result = eds(open_petition, citizen)
    assert result.previous_method == M.EMAIL
    row = Signature.objects.get(petition=open_petition, signer=citizen)
    assert row.method == M.EDS and row.iin_hash == keyed_hash(iin(1)) and row.delivery_consent_at
    assert counts(open_petition) == (1, 1, 0, 1)
    again = eds(open_petition, citizen)  # a repeat changes nothing
    assert not again.created and Signature.objects.filter(petition=open_petition).count() == 1
    with pytest.raises(IinTaken):  # the account cannot sign again with another person's IIN
        eds(open_petition, citizen, serial=50)


def test_an_account_that_signed_online_and_on_paper_counts_once_after_eds(open_petition, staff):
    citizen = UserFactory(is_citizen=True)
    signing.petition_sign(petition=open_petition, user=citizen, address="Алматы, Абая 3", is_citizen=True)
    paper_row = paper(open_petition, staff)
    assert counts(open_petition) == (2, 2, 1, 0)  # nothing tied the two before the IIN was known
    eds(open_petition, citizen)
    assert counts(open_petition) == (1, 1, 0, 1)
    retired = Signature.objects.get(pk=paper_row.pk)
    assert retired.status == Signature.Status.INVALIDATED and retired.iin_hash is None
    assert Signature.objects.get(signer=citizen, petition=open_petition).iin_hash == keyed_hash(iin(1))


def test_eds_refusals_change_nothing(open_petition):
    citizen = UserFactory(is_citizen=True)
    with pytest.raises(ValidationError) as refused:
        eds(open_petition, citizen, consent=False)
    assert "consent" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        petition_signature_attach_eds(
            petition=open_petition, user=citizen, iin="123", full_name="X", address="Алматы, Абая 1", evidence=EVIDENCE
        )
    assert "iin" in refused.value.message_dict
    assert not Signature.objects.exists() and not PetitionSignatureEvidence.objects.exists()


def test_constraints_hold_without_the_services(open_petition):
    with pytest.raises(IntegrityError), transaction.atomic():  # only paper has no account
        Signature.objects.create(petition=open_petition, signer=None, method=M.EMAIL, address="x")
    with pytest.raises(IntegrityError), transaction.atomic():  # a paper row carries its IIN and date
        Signature.objects.create(petition=open_petition, method=M.PAPER, address="x", signed_on=timezone.localdate())
    hashed = {"iin_hash": keyed_hash(iin(3)), "signed_on": timezone.localdate(), "address": "x"}
    Signature.objects.create(petition=open_petition, method=M.PAPER, **hashed)
    with pytest.raises(IntegrityError), transaction.atomic():  # an IIN signs a petition once
        Signature.objects.create(petition=open_petition, method=M.PAPER, **hashed)


def test_consent_in_the_api_refused_omitted_and_given(client, open_petition):
    url = f"/api/v1/petitions/{open_petition.pk}/signatures/"
    body = {"address": "Алматы, Абая 3", "is_citizen": True}
    refuser, old_client, agreer = (UserFactory(is_citizen=True) for _ in range(3))
    client.force_login(refuser)
    refused = client.post(url, {**body, "consent": False}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 400 and "маслихат" in refused.json()["consent"][0].lower()
    assert not Signature.objects.filter(signer=refuser).exists()
    client.force_login(old_client)  # a v1 client that does not know the field still signs
    signed = client.post(url, body, content_type="application/json")
    assert signed.status_code == 201 and signed.json()["signature"]["delivery_consent"] is False
    assert signed.json()["signature"]["method"] == "email"
    client.force_login(agreer)
    agreed = client.post(url, {**body, "consent": True}, content_type="application/json")
    assert agreed.status_code == 201 and agreed.json()["signature"]["delivery_consent"] is True
    assert Signature.objects.get(signer=agreer).delivery_consent_at is not None
    # Agreeing later, on a repeat, records the consent on the signature already made.
    client.force_login(old_client)
    again = client.post(url, {**body, "consent": True}, content_type="application/json")
    assert again.status_code == 200 and again.json()["signature"]["delivery_consent"] is True


def test_the_sign_form_says_what_goes_where_and_needs_consent(client, open_petition, almaty):
    citizen = UserFactory(is_citizen=True)
    client.force_login(citizen)
    page = client.get(f"/ru/petitions/{open_petition.pk}/").content.decode()
    assert 'name="consent"' in page and almaty.name_ru in page
    url = reverse("petitions:sign", kwargs={"pk": open_petition.pk})
    refused = client.post(url, {"address": "Алматы, Абая 3", "is_citizen": "on"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 400 and 'id="id_consent_error"' in refused.content.decode()
    assert not Signature.objects.filter(signer=citizen).exists()
    client.post(url, {"address": "Алматы, Абая 3", "is_citizen": "on", "consent": "on"})
    assert Signature.objects.get(signer=citizen).delivery_consent_at is not None


def test_api_detail_and_count_give_paper_and_eds_apart(client, open_petition, staff, almaty):
    paper(open_petition, staff)
    eds(open_petition, UserFactory(is_citizen=True), serial=7)
    petitions_tally()
    detail = client.get(f"/api/v1/petitions/{open_petition.pk}/").json()
    assert (detail["signature_count"], detail["paper_signature_count"], detail["eds_signature_count"]) == (2, 1, 1)
    assert detail["online_signature_count"] == 1
    assert detail["delivery_notice"]["fields"] == ["full_name", "district", "signed_on"]
    assert detail["delivery_notice"]["maslikhat"] in detail["delivery_notice"]["text"]
    count = client.get(f"/api/v1/petitions/{open_petition.pk}/count/").json()
    assert (count["paper_signature_count"], count["eds_signature_count"]) == (1, 1)
    page = client.get(f"/en/petitions/{open_petition.pk}/").content.decode()
    assert "on paper: <span" in page and 'data-count="eds_signature_count">1<' in page
    for language, words in (("ru", "на бумаге: <span"), ("kk", "қағазда: <span")):
        assert words in client.get(f"/{language}/petitions/{open_petition.pk}/").content.decode()


def test_the_appeal_marks_each_signers_method_and_name(open_petition, staff, almaty):
    paper(open_petition, staff, name="Қасымова Әлия")
    eds(open_petition, UserFactory(is_citizen=True), serial=9)
    online = UserFactory(is_citizen=True, first_name="Ғалым", last_name="Өтегенов")
    signing.petition_sign(petition=open_petition, user=online, address="Алматы, Абая 3", is_citizen=True, consent=True)
    data = appeal_data(open_petition, route_for_maslikhat(almaty), recipient="office@example.kz", cutoff=timezone.now())
    rows = {(s["full_name"], s["method"]) for s in data["signers"]}
    assert rows == {("Қасымова Әлия", "paper"), ("Касымов Данияр", "eds"), ("Өтегенов Ғалым", "email")}
    paper_row = next(s for s in data["signers"] if s["method"] == "paper")
    assert paper_row["signed_on"] == timezone.localdate().isoformat()

    from io import BytesIO

    from pypdf import PdfReader

    from petitions.appeal import appeal_pdf

    text = " ".join(PdfReader(BytesIO(appeal_pdf(data))).pages[0].extract_text().split())
    assert "ЭЦҚ" in text and "қағаз" in text and "Касымов Данияр" in text


def test_export_masks_the_iin_and_deletion_removes_name_iin_and_evidence(client, open_petition, staff):
    from portal.personal_data import user_account_delete

    citizen = UserFactory(is_citizen=True)
    eds(open_petition, citizen, serial=11)
    client.force_login(citizen)
    data = json.loads(client.get(reverse("data_export")).content)
    exported = data["petitions"]["signatures"][0]
    assert exported["method"] == "eds" and exported["iin"].endswith(iin(11)[-4:]) and exported["eds_certificate"]
    assert iin(11) not in json.dumps(data)
    assert counts(open_petition)[0] == 1
    user_account_delete(user=citizen)
    row = Signature.objects.get(petition=open_petition)
    assert (row.iin, row.full_name, row.address) == ("", "", "")
    assert not PetitionSignatureEvidence.objects.exists()
    # Still counted, and the IIN still cannot sign the petition again.
    assert counts(open_petition)[0] == 1 and row.iin_hash == keyed_hash(iin(11))
    with pytest.raises(IinTaken):
        paper(open_petition, staff, serial=11)


def test_recount_corrects_drifted_paper_and_eds_counts(open_petition, staff):
    paper(open_petition, staff)
    eds(open_petition, UserFactory(is_citizen=True), serial=5)
    petitions_tally()
    Petition.objects.filter(pk=open_petition.pk).update(paper_signature_count=7, eds_signature_count=0)
    assert petitions_recount()["drifted"] == 1
    open_petition.refresh_from_db()
    assert (open_petition.paper_signature_count, open_petition.eds_signature_count) == (1, 1)


def test_a_paper_date_outside_the_collection_is_refused(open_petition, staff):
    with pytest.raises(ValidationError) as refused:
        paper(open_petition, staff, signed_on=timezone.localdate() + timedelta(days=1))
    assert "signed_on" in refused.value.message_dict


def test_recount_repairs_what_a_row_says_the_counts_hold(open_petition, staff, districts):
    d1, d2, _outside = districts
    row = paper(open_petition, staff)
    petitions_tally()
    # Bookkeeping gone wrong (as after a crash mid-migration): the row claims EDS and district 2.
    Signature.objects.filter(pk=row.pk).update(counted_method=M.EDS, counted_district=d2)
    petitions_recount()
    fixed = Signature.objects.get(pk=row.pk)
    assert (fixed.counted_method, fixed.counted_district_id) == (M.PAPER, d1.pk)
    # The next change then moves the counts from the truth: EDS upgrade, paper 1 -> 0, EDS 0 -> 1.
    eds(open_petition, UserFactory(is_citizen=True), address="Алматы, Абая 5")
    assert counts(open_petition) == (1, 1, 0, 1)
    assert open_petition.district_counts.get(district=d1).signatures == 1
