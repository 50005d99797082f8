"""Signing: who may sign, one row per person, residency, honeypot, rate limits, withdrawal, the
tally and the recount, and bulk invalidation of a trending source."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import services, signing
from petitions.models import Petition, PetitionCountSample, PetitionDistrictCount, PetitionHistory, Signature
from petitions.tally import petitions_recount, petitions_tally
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.petitions.factories import CHAIRPERSON

pytestmark = pytest.mark.django_db
S = Petition.Status
API = "/api/v1/petitions/{}/signatures/"


def signer(**extra):
    return UserFactory(is_citizen=True, **extra)


@pytest.fixture
def open_petition(make_petition, districts):
    return make_petition(S.OPEN)


def test_api_sign_then_repeat_answers_already_signed_and_changes_nothing(client, open_petition):
    person = signer()
    client.force_login(person)
    first = client.post(
        API.format(open_petition.pk),
        {"address": "Алматы, Абая 10", "is_citizen": True},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert first.status_code == 201, first.content
    assert first.json()["signature"]["is_resident"] is True
    again = client.post(
        API.format(open_petition.pk),
        {"address": "Алматы, Достык 5", "is_citizen": True},
        content_type="application/json",
    )
    assert again.status_code == 200
    assert again.json()["status"] == "already_signed"
    row = Signature.objects.get(petition=open_petition)
    assert (row.address, row.district.number) == ("Алматы, Абая 10", 1)


def test_signing_inserts_one_row_and_never_touches_the_petition_row(open_petition):
    person = signer()
    with CaptureQueriesContext(connection) as queries:
        signing.petition_sign(
            petition=open_petition, user=person, address="Алматы, Абая 10", is_citizen=True, ip="203.0.113.7"
        )
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "petitions_signature" in writes[0]
    assert not any('petitions_petition"' in q["sql"] and "UPDATE" in q["sql"] for q in queries.captured_queries)
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 0  # until the tally
    row = Signature.objects.get()
    assert (row.pending, row.counted, row.ip_prefix, row.email_domain) == (True, False, "203.0.113.0/24", "example.kz")


def test_profile_values_are_used_when_the_body_omits_them(client, open_petition):
    person = signer(address="Алматы, Достык 12")
    client.force_login(person)
    response = client.post(API.format(open_petition.pk), {}, content_type="application/json")
    assert response.status_code == 201
    assert Signature.objects.get().district.number == 2


def test_refusals_are_translated_and_write_nothing(client, open_petition):
    person = UserFactory(is_citizen=False, address="")
    client.force_login(person)
    missing = client.post(API.format(open_petition.pk), {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert missing.status_code == 400
    assert "address" in missing.json()
    not_citizen = client.post(
        API.format(open_petition.pk),
        {"address": "Алматы, Абая 1", "is_citizen": False},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert not_citizen.status_code == 400
    assert "гражданин" in not_citizen.json()["is_citizen"][0]
    unknown = client.post(
        API.format(open_petition.pk),
        {"address": "Алматы, Несуществующая 1", "is_citizen": True},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "address" in unknown.json()
    assert not Signature.objects.exists()


def test_unverified_email_and_anonymous_are_refused(client, open_petition):
    anonymous = client.post(API.format(open_petition.pk), {}, content_type="application/json")
    assert anonymous.status_code == 403  # session authentication: no WWW-Authenticate, so 403 rather than 401
    unverified = UserFactory(verified=False, is_citizen=True, address="Алматы, Абая 1")
    client.force_login(unverified)
    response = client.post(API.format(open_petition.pk), {}, content_type="application/json")
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_only_collecting_petitions_take_signatures(make_petition, districts):
    person = signer()
    for stage in (S.DRAFT, S.IN_MODERATION, S.AWAITING_ANSWER):
        with pytest.raises(ValidationError):
            signing.petition_sign(petition=make_petition(stage), user=person, address="Алматы, Абая 1", is_citizen=True)
    assert not Signature.objects.exists()


def test_residents_count_towards_the_threshold_others_separately(open_petition):
    signing.petition_sign(petition=open_petition, user=signer(), address="Алматы, Абая 1", is_citizen=True)
    signing.petition_sign(petition=open_petition, user=signer(), address="Алматы, Достык 3", is_citizen=True)
    outsider = signing.petition_sign(
        petition=open_petition, user=signer(), address="Астана, Кенесары 40", is_citizen=True
    )
    assert (outsider.signature.is_resident, outsider.signature.district) == (False, None)
    assert petitions_tally()["signatures"] == 3
    open_petition.refresh_from_db()
    assert (open_petition.signature_count, open_petition.resident_signature_count) == (3, 2)
    assert open_petition.nonresident_signature_count == 1
    per_district = dict(PetitionDistrictCount.objects.values_list("district__number", "signatures"))
    assert per_district == {1: 1, 2: 1}
    assert PetitionCountSample.objects.get(petition=open_petition).signature_count == 3


def test_honeypot_refuses_without_writing(open_petition):
    with pytest.raises(ValidationError):
        signing.petition_sign(
            petition=open_petition,
            user=signer(),
            address="Алматы, Абая 1",
            is_citizen=True,
            honeypot="http://spam.example",
        )
    assert not Signature.objects.exists()


def test_account_rate_limit_is_hard_and_network_limit_is_high(make_petition, districts, client):
    petitions = [make_petition(S.OPEN, title=f"Петиция номер {i} про деревья") for i in range(3)]
    rules = petitions[0].rules
    rules.account_signatures_per_hour = 2
    rules.ip_signatures_per_minute = 3
    rules.save()
    person = signer()
    for petition in petitions[:2]:
        signing.petition_sign(
            petition=Petition.objects.select_related("rules").get(pk=petition.pk),
            user=person,
            address="Алматы, Абая 1",
            is_citizen=True,
            ip="10.1.2.3",
        )
    client.force_login(person)
    response = client.post(
        API.format(petitions[2].pk),
        {"address": "Алматы, Абая 1", "is_citizen": True},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 429
    assert response.json()["detail"]
    # The same /24 network: a third person passes (3 per minute), a fourth is stopped.
    signing.petition_sign(
        petition=petitions[2], user=signer(), address="Алматы, Абая 1", is_citizen=True, ip="10.1.2.200"
    )
    with pytest.raises(signing.SigningRateLimited):
        signing.petition_sign(
            petition=petitions[2], user=signer(), address="Алматы, Абая 1", is_citizen=True, ip="10.1.2.9"
        )
    assert Signature.objects.count() == 3


def test_withdrawal_while_open_leaves_the_count_at_the_next_tally_and_can_be_undone(client, open_petition):
    person = signer()
    signing.petition_sign(petition=open_petition, user=person, address="Алматы, Абая 1", is_citizen=True)
    petitions_tally()
    client.force_login(person)
    assert client.delete(API.format(open_petition.pk) + "mine/").status_code == 204
    assert client.delete(API.format(open_petition.pk) + "mine/").status_code == 404
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 1
    petitions_tally()
    open_petition.refresh_from_db()
    assert (open_petition.signature_count, open_petition.resident_signature_count) == (0, 0)
    assert PetitionDistrictCount.objects.get().signatures == 0
    again = signing.petition_sign(petition=open_petition, user=person, address="Алматы, Достык 1", is_citizen=True)
    assert again.created
    petitions_tally()
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 1
    assert dict(PetitionDistrictCount.objects.values_list("district__number", "signatures")) == {1: 0, 2: 1}


def test_tally_twice_counts_once_and_management_command_runs_one(open_petition):
    for _ in range(3):
        signing.petition_sign(petition=open_petition, user=signer(), address="Алматы, Абая 1", is_citizen=True)
    call_command("tally_signatures")
    assert petitions_tally() == {"petitions": 0, "signatures": 0, "moved": 0}
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 3


def test_support_gate_opens_and_threshold_is_stamped_by_the_tally(make_petition, districts):
    petition = make_petition(S.GATHERING_SUPPORT)
    Petition.objects.filter(pk=petition.pk).update(support_gate=2, threshold=3)
    signing.petition_sign(petition=petition, user=signer(), address="Алматы, Абая 1", is_citizen=True)
    petitions_tally()
    assert Petition.objects.get(pk=petition.pk).status == S.GATHERING_SUPPORT
    signing.petition_sign(petition=petition, user=signer(), address="Астана, Кенесары 1", is_citizen=True)
    petitions_tally()
    petition.refresh_from_db()
    assert petition.status == S.OPEN and petition.collection_ends is not None
    signing.petition_sign(petition=petition, user=signer(), address="Алматы, Абая 2", is_citizen=True)
    petitions_tally()
    assert Petition.objects.get(pk=petition.pk).status == S.OPEN  # 2 residents of 3 needed
    signing.petition_sign(petition=petition, user=signer(), address="Алматы, Достык 2", is_citizen=True)
    petitions_tally()
    petition.refresh_from_db()
    assert petition.status == S.THRESHOLD_REACHED and petition.threshold_reached_at is not None
    assert list(petition.events.values_list("to_status", flat=True))[-2:] == [S.OPEN, S.THRESHOLD_REACHED]


def test_recount_corrects_drift(open_petition, districts):
    for _ in range(2):
        signing.petition_sign(petition=open_petition, user=signer(), address="Алматы, Абая 1", is_citizen=True)
    petitions_tally()
    Petition.objects.filter(pk=open_petition.pk).update(signature_count=10, resident_signature_count=9)
    PetitionDistrictCount.objects.update(signatures=7)
    result = petitions_recount()
    assert result["drifted"] == 1 and result["districts_fixed"] == 1
    open_petition.refresh_from_db()
    assert (open_petition.signature_count, open_petition.resident_signature_count) == (2, 2)
    assert PetitionDistrictCount.objects.get().signatures == 2


def test_bulk_invalidation_previews_then_invalidates_one_source(open_petition, staff, stranger_staff):
    from petitions.selectors import invalidation_candidates, trending_sources

    for i in range(4):
        signing.petition_sign(
            petition=open_petition, user=signer(), address="Алматы, Абая 1", is_citizen=True, ip=f"192.0.2.{i}"
        )
    signing.petition_sign(
        petition=open_petition, user=signer(), address="Алматы, Абая 1", is_citizen=True, ip="198.51.100.4"
    )
    petitions_tally()
    trends = trending_sources(petitions=Petition.objects.all(), hours=1)
    assert trends["ip_prefix"][0]["source"] == "192.0.2.0/24" and trends["ip_prefix"][0]["signatures"] == 4
    assert invalidation_candidates(petition=open_petition, ip_prefix="192.0.2.0/24").count() == 4
    with pytest.raises(PermissionDenied):
        signing.signatures_invalidate(
            petition=open_petition, actor=stranger_staff, ip_prefix="192.0.2.0/24", reason="bots"
        )
    with pytest.raises(ValidationError):
        signing.signatures_invalidate(petition=open_petition, actor=staff, ip_prefix="192.0.2.0/24", reason="")
    assert (
        signing.signatures_invalidate(petition=open_petition, actor=staff, ip_prefix="192.0.2.0/24", reason="bots") == 4
    )
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 5  # until the next tally
    petitions_tally()
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 1
    assert PetitionHistory.objects.filter(petition=open_petition, kind="invalidation").count() == 1
    assert AuditEntry.objects.filter(action="petition.signatures_invalidate").count() == 1
    victim = Signature.objects.filter(status="invalidated").first().signer
    with pytest.raises(PermissionDenied):
        signing.petition_sign(petition=open_petition, user=victim, address="Алматы, Абая 1", is_citizen=True)


def test_unique_constraint_holds_in_the_database(open_petition):
    from django.db import IntegrityError, transaction

    person = signer()
    signing.petition_sign(petition=open_petition, user=person, address="Алматы, Абая 1", is_citizen=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(petition=open_petition, signer=person, address="x", is_citizen=True)


def test_a_tallied_signature_follows_the_petition_and_an_unfollowed_signer_hears_nothing(open_petition, staff):
    from notifications.follows import follow_remove, is_following
    from notifications.models import Notification

    stays, leaves = signer(), signer()
    for person in (stays, leaves):
        signing.petition_sign(petition=open_petition, user=person, address="Алматы, Абая 10", is_citizen=True)
    assert not is_following(stays, open_petition)  # the request itself writes nothing but the signature
    petitions_tally()
    assert is_following(stays, open_petition) and is_following(leaves, open_petition)
    follow_remove(user=leaves, obj=open_petition)
    Petition.objects.filter(pk=open_petition.pk).update(status=S.AWAITING_ANSWER)
    services.petition_answer(
        petition=Petition.objects.get(pk=open_petition.pk), actor=staff, text="Мәслихат жауабы", chairperson=CHAIRPERSON
    )
    told = set(Notification.objects.filter(event="petition.answered").values_list("user_id", flat=True))
    assert stays.pk in told and leaves.pk not in told


def test_author_and_followers_hear_at_a_third_and_two_thirds_of_the_threshold_once(
    open_petition, django_capture_on_commit_callbacks
):
    from django.core import mail

    from notifications.follows import follow_add
    from notifications.models import EmailDelivery, Notification

    follower = UserFactory()
    follow_add(user=follower, obj=open_petition)
    Petition.objects.filter(pk=open_petition.pk).update(threshold=6)
    signers = [signer() for _ in range(4)]
    for person in signers[:2]:  # 2 of 6 = 33%
        signing.petition_sign(petition=open_petition, user=person, address="Алматы, Абая 10", is_citizen=True)
    petitions_tally()
    petitions_tally()  # a second run repeats nothing
    notices = Notification.objects.filter(event="petition.progress")
    assert set(notices.values_list("key", flat=True)) == {f"petition:{open_petition.pk}:progress:33"}
    told = set(notices.values_list("user_id", flat=True))
    assert {open_petition.author_id, follower.pk} <= told
    for person in signers[2:]:  # 4 of 6 = 66%
        signing.petition_sign(petition=open_petition, user=person, address="Алматы, Абая 10", is_citizen=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        petitions_tally()
    assert any(m.subject.startswith("66%") and m.to == [open_petition.author.email] for m in mail.outbox)
    # A follower's news waits for the daily digest (issue 19: fewer emails by default).
    assert not any(follower.email in m.to for m in mail.outbox)
    held = EmailDelivery.objects.get(user=follower, key=f"petition:{open_petition.pk}:progress:66")
    assert (held.status, held.digest) == ("held", "daily")
    assert set(Notification.objects.filter(event="petition.progress").values_list("key", flat=True)) == {
        f"petition:{open_petition.pk}:progress:33",
        f"petition:{open_petition.pk}:progress:66",
    }
