from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from hearings.models import Hearing, HearingHistory
from hearings.services import hearing_cancel, hearing_postpone, registration_create
from hearings.tasks import hearing_reminders_task
from notifications.models import EmailDelivery
from portal.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ics_of(message) -> Calendar:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_content())
    raise AssertionError("no .ics attachment")


def test_postpone_tells_every_registrant_by_real_email_with_a_new_ics(
    schedule, staff, smtp_server, django_capture_on_commit_callbacks
):
    hearing = schedule(capacity=1)
    seated, waiting = UserFactory.create_batch(2)
    registration_create(user=seated, hearing=hearing)
    registration_create(user=waiting, hearing=hearing)
    smtp_server.messages.clear()
    new_start = hearing.starts_at + timedelta(days=7, hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        hearing = hearing_postpone(
            actor=staff,
            hearing=hearing,
            reason="Ремонт зала",
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=2),
        )
    assert hearing.status == Hearing.Status.POSTPONED and hearing.sequence == 1
    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted([seated.email, waiting.email])
    message = smtp_server.messages[0]["message"]
    assert "Ремонт зала" in message.get_body(preferencelist=("plain",)).get_content()
    event = ics_of(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == new_start
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=5)
    assert int(event["sequence"]) == 1
    assert HearingHistory.objects.filter(hearing=hearing, action="postponed", reason="Ремонт зала").exists()
    assert AuditEntry.objects.filter(action="hearing.postpone", object_id=str(hearing.pk)).exists()


def test_cancel_tells_every_registrant_with_a_cancelling_ics(
    schedule, staff, smtp_server, django_capture_on_commit_callbacks
):
    hearing = schedule()
    people = UserFactory.create_batch(3, preferred_language="ru")
    for person in people:
        registration_create(user=person, hearing=hearing)
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hearing_cancel(actor=staff, hearing=hearing, reason="Перенос решения сессии")
    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted(p.email for p in people)
    message = smtp_server.messages[0]["message"]
    assert "отмен" in message["subject"].lower()
    calendar = ics_of(message)
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"
    # Cancelling again is refused: the state machine has no way out of "cancelled".
    with pytest.raises(Exception, match="cannot become"):
        hearing_cancel(actor=staff, hearing=hearing, reason="Ещё раз")


def test_reminders_are_sent_once_even_when_the_task_runs_twice(schedule, django_capture_on_commit_callbacks):
    hearing = schedule()
    seated = UserFactory()
    registration_create(user=seated, hearing=hearing)
    mail.outbox.clear()
    with time_machine.travel(hearing.starts_at - timedelta(hours=23, minutes=58), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            hearing_reminders_task.delay()
        with django_capture_on_commit_callbacks(execute=True):
            hearing_reminders_task.delay()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [seated.email]
    with time_machine.travel(hearing.starts_at - timedelta(minutes=50), tick=False):
        for _run in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                hearing_reminders_task.delay()
    assert len(mail.outbox) == 2
    assert EmailDelivery.objects.filter(event="hearing.reminder", user=seated).count() == 2
    assert (
        sorted(EmailDelivery.objects.filter(event="hearing.reminder").values_list("key", flat=True))[0].count(
            "reminder-"
        )
        == 1
    )


def test_no_reminder_two_days_ahead_or_for_a_cancelled_hearing(schedule, staff):
    hearing = schedule()
    registration_create(user=UserFactory(), hearing=hearing)
    with time_machine.travel(hearing.starts_at - timedelta(hours=48), tick=False):
        assert hearing_reminders_task.delay().get() == 0
    hearing_cancel(actor=staff, hearing=hearing, reason="Нет кворума")
    with time_machine.travel(hearing.starts_at - timedelta(hours=2), tick=False):
        assert hearing_reminders_task.delay().get() == 0


def test_confirmation_email_carries_an_ics_in_almaty_time_and_the_qr_code(
    schedule, citizen, django_capture_on_commit_callbacks
):
    hearing = schedule()
    with django_capture_on_commit_callbacks(execute=True):
        registration, _outcome = registration_create(user=citizen, hearing=hearing)
    message = mail.outbox[0]
    names = {name: (content, mimetype) for name, content, mimetype in message.attachments}
    ics = next(content for name, (content, _m) in names.items() if name.endswith(".ics"))
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == hearing.starts_at
    assert start.utcoffset() == timedelta(hours=5)
    assert str(start.tzinfo) == "Asia/Almaty"
    assert f"check-in-{registration.code}.png" in names
    assert registration.code in message.body
    assert "Бюджет жобасы" in message.subject  # the citizen's language is Kazakh
