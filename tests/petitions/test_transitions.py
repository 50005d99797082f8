"""Every transition of the table, allowed for the right actor and refused otherwise; every move
not in the table refused; history, audit and notifications written once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from notifications.models import EmailDelivery, Notification
from petitions import services, transitions
from petitions.models import Petition, PetitionHistory
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.petitions.factories import CHAIRPERSON

pytestmark = pytest.mark.django_db
S = Petition.Status
ALL = [s.value for s in S]

# The stage a petition must be built to, for each "from" state of the table.
BUILDABLE = {S.DRAFT, S.SUBMITTED, S.IN_MODERATION, S.GATHERING_SUPPORT, S.OPEN, S.THRESHOLD_REACHED, S.AWAITING_ANSWER}


def _actors(kind, petition, staff, moderator):
    return {
        transitions.AUTHOR: petition.author,
        transitions.MODERATOR: moderator,
        transitions.ANSWERER: staff,
        transitions.SYSTEM: None,
    }[kind]


def _data(to):
    return {
        S.REJECTED: {"category": "state_language", "reason": "Вопрос статуса языков исключён законом."},
        S.ANSWERED: {"text": "Маслихат рассмотрел петицию.", "chairperson": CHAIRPERSON},
    }.get(to, {})


@pytest.mark.parametrize(("current", "target"), sorted(transitions.TRANSITIONS))
def test_each_allowed_transition_for_its_actors_and_refused_for_others(
    current, target, make_petition, staff, moderator, stranger_staff
):
    allowed = transitions.TRANSITIONS[(current, target)]
    outsiders = [UserFactory(), stranger_staff]
    for kind in (transitions.AUTHOR, transitions.MODERATOR, transitions.ANSWERER, transitions.SYSTEM):
        if kind in allowed:
            continue
        petition = make_petition(current)
        actor = _actors(kind, petition, staff, moderator)
        if actor is not None and kind == transitions.ANSWERER and transitions.MODERATOR in allowed:
            continue  # staff of the addressee moderate too
        with pytest.raises(PermissionDenied):
            transitions.petition_transition(petition=petition, to=target, actor=actor, **_data(target))
        assert Petition.objects.get(pk=petition.pk).status == current
    for outsider in outsiders:
        petition = make_petition(current)
        with pytest.raises(PermissionDenied):
            transitions.petition_transition(petition=petition, to=target, actor=outsider, **_data(target))

    petition = make_petition(current)
    kind = sorted(allowed)[0]
    events_before = PetitionHistory.objects.filter(petition=petition).count()
    moved = transitions.petition_transition(
        petition=petition, to=target, actor=_actors(kind, petition, staff, moderator), **_data(target)
    )
    assert moved.status == target
    assert Petition.objects.get(pk=petition.pk).status == target
    event = PetitionHistory.objects.filter(petition=petition).last()
    assert PetitionHistory.objects.filter(petition=petition).count() == events_before + 1
    assert (event.from_status, event.to_status) == (current, target)
    assert AuditEntry.objects.filter(object_id=str(petition.pk), action=f"petition.{target}").count() == 1


@pytest.mark.parametrize("current", sorted(BUILDABLE))
def test_moves_not_in_the_table_are_refused_and_change_nothing(current, make_petition, superuser):
    petition = make_petition(current)
    for target in ALL:
        if (current, target) in transitions.TRANSITIONS:
            continue
        for actor in (superuser, petition.author, None):
            with pytest.raises(ValidationError):
                transitions.petition_transition(petition=petition, to=target, actor=actor, **_data(target))
    assert Petition.objects.get(pk=petition.pk).status == current


def test_final_states_allow_no_move(make_petition, staff, superuser):
    rejected = make_petition(S.IN_MODERATION)
    services.petition_reject(
        petition=rejected, actor=staff, category="courts", reason="Суды вне компетенции маслихата."
    )
    for target in ALL:
        with pytest.raises(ValidationError):
            transitions.petition_transition(petition=rejected, to=target, actor=superuser)


def test_rejection_needs_an_excluded_category_and_a_published_reason(make_petition, staff):
    petition = make_petition(S.IN_MODERATION)
    with pytest.raises(ValidationError) as error:
        services.petition_reject(petition=petition, actor=staff, category="not-a-category", reason="")
    assert set(error.value.message_dict) == {"category", "reason"}
    assert Petition.objects.get(pk=petition.pk).status == S.IN_MODERATION
    services.petition_reject(
        petition=petition,
        actor=staff,
        category="elections_referendums",
        reason="Выборы исключены законом.",
        note="Обратитесь в избирательную комиссию.",
    )
    petition.refresh_from_db()
    assert (petition.status, petition.rejection_category) == (S.REJECTED, "elections_referendums")
    with translation.override("en"):
        assert petition.rejection_category_label == "Elections and referendums"
    with translation.override("kk"):
        assert petition.rejection_category_label == "Сайлау және референдумдар"
    event = petition.events.last()
    assert event.is_public and event.public_note == "Выборы исключены законом."
    assert event.private_note == "Обратитесь в избирательную комиссию."


def test_staff_of_another_maslikhat_cannot_moderate(make_petition, stranger_staff):
    petition = make_petition(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.petition_approve(petition=petition, actor=stranger_staff)
    assert Petition.objects.get(pk=petition.pk).status == S.SUBMITTED


def test_moderator_role_approves_straight_from_submitted(make_petition, moderator):
    petition = services.petition_approve(petition=make_petition(S.SUBMITTED), actor=moderator, note="Хорошая петиция")
    assert petition.status == S.GATHERING_SUPPORT
    assert list(petition.events.values_list("to_status", flat=True))[-2:] == [S.IN_MODERATION, S.GATHERING_SUPPORT]
    assert petition.threshold == 46_000  # 2% of Almaty's 2,300,000
    assert petition.support_gate == 50


def test_the_chairperson_of_the_addressee_answers_and_is_recorded(make_petition, almaty):
    """By law the head of the body answers (more in tests/petitions/test_answer.py)."""
    from portal.models import Role
    from tests.deputies.factories import DeputyFactory
    from tests.factories import grant

    chair_user = UserFactory(mfa=True)
    grant(chair_user, Role.DEPUTY, almaty.code)
    chair = DeputyFactory(maslikhat=almaty, user=chair_user, role="chair")
    former = DeputyFactory(maslikhat=almaty, user=UserFactory(mfa=True), role="chair", status="resigned")
    grant(former.user, Role.DEPUTY, almaty.code)
    petition = make_petition(S.AWAITING_ANSWER)
    with pytest.raises(PermissionDenied):
        services.petition_answer(petition=petition, actor=former.user, text="Ответ")
    answered = services.petition_answer(petition=petition, actor=chair_user, text="Ответ **председателя**.")
    assert answered.answer_deputy == chair and answered.answer_signatory == chair.full_name
    assert not answered.answer_on_behalf
    assert "<strong>председателя</strong>" in answered.answer_html


def test_notifications_are_queued_once_per_event(make_petition, staff, django_capture_on_commit_callbacks):
    petition = make_petition(S.DRAFT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.petition_submit(petition=petition, actor=petition.author)
    assert callbacks, "email is queued on commit"
    recipients = set(Notification.objects.filter(event="petition.submitted").values_list("user_id", flat=True))
    assert recipients == {petition.author_id, staff.pk}
    assert EmailDelivery.objects.filter(event="petition.submitted").count() == 2


def test_history_is_append_only(make_petition):
    event = make_petition(S.SUBMITTED).events.first()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
