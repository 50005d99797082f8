from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deputies.models import StandingCommission
from hearings.models import Hearing, HearingRules
from portal.models import AuditEntry, Role
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory, grant
from tests.hearings.factories import days_ahead

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


def test_urban_planning_needs_twenty_calendar_days_notice_others_ten(schedule):
    with pytest.raises(ValidationError) as refused:
        schedule(hearing_type="urban_planning", starts_at=days_ahead(19))
    assert "20" in messages_of(refused.value, "starts_at")
    assert "505" in messages_of(refused.value, "starts_at")
    assert not Hearing.objects.exists()

    schedule(hearing_type="urban_planning", starts_at=days_ahead(20))
    with pytest.raises(ValidationError) as refused:
        schedule(hearing_type="budget", starts_at=days_ahead(9), venue_address="Другой зал 1")
    assert "10" in messages_of(refused.value, "starts_at")
    schedule(hearing_type="budget", starts_at=days_ahead(10), venue_address="Другой зал 1")
    assert Hearing.objects.count() == 2


def test_notice_period_is_data_a_newer_rule_applies(schedule):
    HearingRules.objects.create(
        hearing_type="social",
        notice_days=15,
        minutes_working_days=3,
        legal_reference="Test decision",
        effective_from=date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        schedule(hearing_type="social", starts_at=days_ahead(12))
    assert "Test decision" in messages_of(refused.value, "starts_at")
    hearing = schedule(hearing_type="social", starts_at=days_ahead(15))
    assert hearing.rules.notice_days == 15


def test_same_venue_overlapping_is_refused_whatever_the_spelling(schedule):
    first = schedule(venue_address="Алматы, пр. Абылай хана 91")
    with pytest.raises(ValidationError) as refused:
        schedule(
            venue_address="алматы пр абылай хана, 91",
            starts_at=first.starts_at + timedelta(hours=1),
            confirm_same_day=True,
        )
    assert "venue" in messages_of(refused.value, "venue_address").lower() or messages_of(refused.value, "venue_address")
    assert Hearing.objects.count() == 1
    # Right after the first one ends, the hall is free.
    schedule(venue_address="Алматы, пр. Абылай хана 91", starts_at=first.ends_at, confirm_same_day=True)
    assert Hearing.objects.count() == 2


def test_a_related_deputy_cannot_be_double_booked(schedule, almaty):
    deputy = DeputyFactory(maslikhat=almaty)
    first = schedule(deputies=[deputy])
    other = StandingCommission.objects.create(maslikhat=almaty, name_ru="Другая комиссия", name_kk="Басқа")
    with pytest.raises(ValidationError) as refused:
        schedule(
            deputies=[deputy],
            commission=other,
            venue_address="Другой зал",
            starts_at=first.starts_at + timedelta(minutes=30),
        )
    assert deputy.full_name in messages_of(refused.value, "deputies")
    schedule(
        deputies=[deputy], commission=other, venue_address="Другой зал", starts_at=first.starts_at + timedelta(days=1)
    )


def test_same_commission_same_day_is_a_warning_that_can_be_confirmed(schedule):
    first = schedule()
    with pytest.raises(ValidationError) as warned:
        schedule(venue_address="Другой зал", starts_at=first.starts_at + timedelta(hours=4))
    assert "confirm_same_day" in warned.value.message_dict
    assert Hearing.objects.count() == 1
    second = schedule(venue_address="Другой зал", starts_at=first.starts_at + timedelta(hours=4), confirm_same_day=True)
    assert second.history.get().after["warnings"]


def test_scheduling_is_audited_and_computes_the_minutes_deadline(schedule, staff):
    hearing = schedule()
    entry = AuditEntry.objects.get(action="hearing.schedule")
    assert entry.actor == staff and entry.scope_code == "kz-75" and entry.object_id == str(hearing.pk)
    assert hearing.minutes_due_on > hearing.ends_at.date()
    assert hearing.sequence == 0 and hearing.status == Hearing.Status.SCHEDULED


def test_staff_of_another_maslikhat_cannot_schedule_here(schedule):
    stranger = UserFactory(mfa=True)
    grant(stranger, Role.STAFF, "kz-71")
    with pytest.raises(PermissionDenied):
        schedule(actor=stranger)
    assert not Hearing.objects.exists()


def test_bad_input_is_refused_with_messages(schedule, astana):
    foreign = StandingCommission.objects.create(maslikhat=astana, name_ru="Астана", name_kk="Астана")
    with pytest.raises(ValidationError) as refused:
        schedule(commission=foreign, topic_kk="", topic_ru="", venue_address="", capacity=0)
    errors = refused.value.message_dict
    assert {"commission", "topic_kk", "venue_address", "capacity"} <= set(errors)
    with pytest.raises(ValidationError) as refused:
        schedule(ends_at=days_ahead(30, hour=9))
    assert "ends_at" in refused.value.message_dict


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_too_early_is_refused_in_the_language_with_the_rule_note_translated(schedule, language):
    """Issue 19, bug 9: no English rule note inside a Russian or Kazakh error, no doubled full stop."""
    from django.utils import translation

    with translation.override(language), pytest.raises(ValidationError) as refused:
        schedule(hearing_type="budget", starts_at=days_ahead(5))
    text = messages_of(refused.value, "starts_at")
    assert "Default" not in text and "not set in law" not in text and "working days" not in text
    assert ".." not in text
    assert {"kk": "заңда белгіленбеген", "ru": "в законе не установлен"}[language] in text
