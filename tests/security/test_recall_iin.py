"""Issue 13, finding 3 (and the group names): a used IIN answers like an accepted signature (no
oracle), the collision goes to the commission flagged, the first account's owner is told, IIN
attempts are limited per account and network (rules data); group members' names are encrypted."""

import pytest
from django.db import connection

from recalls import services
from recalls.models import RecallGroupMember, RecallIinCollision, RecallRules, RecallSignature
from tests.factories import UserFactory
from tests.recalls.factories import (
    TODAY,
    address_for,
    collecting_recall,
    commission_member,
    forming_recall,
    iins,
    smd_deputy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def recall(time_machine):
    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)
    from tests.factories import ensure_reference_data

    ensure_reference_data()
    return collecting_recall(smd_deputy(), commission_member())


def _sign(client, recall, iin):
    return client.post(
        f"/api/v1/recalls/{recall.pk}/signatures/",
        {"iin": iin, "address": address_for(recall.district)},
        content_type="application/json",
    )


def test_a_used_iin_answers_exactly_like_a_new_signature(
    client, recall, mailoutbox, django_capture_on_commit_callbacks
):
    owner_iin, fresh_iin = iins(2, start=300)
    owner = UserFactory(email="owner@example.kz")
    services.recall_sign(user=owner, recall=recall, iin=owner_iin, address=address_for(recall.district), today=TODAY)

    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        probe_used = _sign(client, recall, owner_iin)
    client.force_login(UserFactory())
    probe_fresh = _sign(client, recall, fresh_iin)
    assert probe_used.status_code == probe_fresh.status_code == 201
    assert set(probe_used.json()) == set(probe_fresh.json())
    assert probe_used.json()["detail"] == probe_fresh.json()["detail"]
    assert probe_used.json()["created"] is True

    # Both are with the commission, the first flagged; the owner of the first is told.
    first = RecallSignature.objects.get(recall=recall, user=owner)
    assert first.contested
    collision = RecallIinCollision.objects.get(recall=recall)
    assert collision.iin == owner_iin and collision.earlier_user == owner
    assert any(m.to == ["owner@example.kz"] for m in mailoutbox)
    commission = recall.maslikhat.code
    member = commission_member(commission)
    client.force_login(member)
    queue = client.get(f"/en/staff/recalls/{recall.pk}/signatures/?all=1").content.decode()
    assert owner_iin in queue and "IIN also given by another account" in queue


def test_the_true_owner_is_not_locked_out_after_a_theft(client, recall):
    stolen = iins(1, start=400)[0]
    thief = UserFactory()
    services.recall_sign(user=thief, recall=recall, iin=stolen, address=address_for(recall.district), today=TODAY)
    client.force_login(UserFactory())
    assert _sign(client, recall, stolen).status_code == 201
    assert RecallIinCollision.objects.filter(recall=recall, iin_hash=RecallSignature.objects.get(user=thief).iin_hash)


def test_iin_attempts_are_limited_per_account_as_rules_data(client, recall):
    RecallRules.objects.filter(pk=recall.rules_id).update(iin_attempts_per_account_per_hour=3)
    client.force_login(UserFactory())
    numbers = iins(4, start=500)
    statuses = [_sign(client, recall, number).status_code for number in numbers]
    assert statuses[:1] == [201] and 429 in statuses


def test_iin_attempts_are_limited_per_network(client, recall):
    RecallRules.objects.filter(pk=recall.rules_id).update(iin_attempts_per_network_per_hour=2)
    numbers = iins(3, start=600)
    statuses = []
    for number in numbers:
        client.force_login(UserFactory())
        statuses.append(_sign(client, recall, number).status_code)
    assert statuses == [201, 201, 429]


def test_joining_the_group_with_a_used_iin_answers_like_a_join(recall_forming, mailoutbox):
    recall = recall_forming
    taken = RecallGroupMember.objects.filter(recall=recall).first()
    stranger = UserFactory()
    member = services.recall_join(
        user=stranger,
        recall=recall,
        full_name="Басқа Адам",
        iin=taken.iin,
        address=address_for(recall.district),
        today=TODAY,
    )
    assert member.full_name == "Басқа Адам"
    assert RecallIinCollision.objects.filter(recall=recall, kind="member", user=stranger).exists()


@pytest.fixture
def recall_forming(time_machine):
    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)
    from tests.factories import ensure_reference_data

    ensure_reference_data()
    return forming_recall(smd_deputy(street="Сейфуллина"), members=3, iin_start=8100)


def test_group_members_full_names_are_encrypted_at_rest(recall_forming):
    member = RecallGroupMember.objects.filter(recall=recall_forming).exclude(full_name="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM petitions_recallgroupmember WHERE id = %s", [member.pk])
        stored = cursor.fetchone()[0]
    assert member.full_name and member.full_name not in stored and "Мүше" not in stored


def test_the_callers_page_shows_the_claimed_signature_like_a_real_one(client, recall):
    used = iins(1, start=700)[0]
    services.recall_sign(user=UserFactory(), recall=recall, iin=used, address=address_for(recall.district), today=TODAY)
    prober = UserFactory()
    client.force_login(prober)
    assert _sign(client, recall, used).status_code == 201
    page = client.get(f"/en/recalls/{recall.pk}/").content.decode()
    assert "You signed on" in page and used[-4:] in page
