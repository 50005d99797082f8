from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from hearings.models import Hearing
from hearings.panels import deputy_record, maslikhat_record
from hearings.services import hearing_publish_minutes, registration_create
from portal.models import AuditEntry
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory, tiny_pdf
from tests.hearings.factories import local

pytestmark = pytest.mark.django_db

PDF = tiny_pdf()


def nauryz_hearing(schedule, **extra):
    """A hearing on Friday 20 March 2026, the eve of Nauryz (21-25 March 2026 off work)."""
    with time_machine.travel(local(date(2026, 3, 1), 9), tick=False):
        return schedule(starts_at=local(date(2026, 3, 20), 10), ends_at=local(date(2026, 3, 20), 12), **extra)


def test_minutes_deadline_counts_working_days_across_nauryz(schedule, client):
    hearing = nauryz_hearing(schedule)
    # 5 working days after Fri 20 March, skipping the weekend and the Nauryz days off (21-25 March):
    # 26, 27, 30, 31 March and 1 April.
    assert hearing.minutes_due_on == date(2026, 4, 1)
    for today, overdue in [(date(2026, 3, 27), False), (date(2026, 4, 1), False), (date(2026, 4, 2), True)]:
        with time_machine.travel(local(today, 15), tick=False):
            hearing.refresh_from_db()
            assert hearing.minutes_overdue() is overdue, today
            assert Hearing.objects.minutes_overdue().filter(pk=hearing.pk).exists() is overdue
            page = client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert ("Minutes overdue" in page) is overdue


def test_overdue_minutes_count_on_the_maslikhat_and_deputy_record_until_published(schedule, staff, almaty, rf):
    deputy = DeputyFactory(maslikhat=almaty)
    hearing = nauryz_hearing(schedule, deputies=[deputy])
    request = rf.get("/")
    with time_machine.travel(local(date(2026, 4, 6), 10), tick=False), translation.override("en"):
        assert "Minutes overdue: 1" in maslikhat_record(request, maslikhat=almaty)
        assert "Minutes overdue: 1" in deputy_record(request, deputy=deputy)
        hearing_publish_minutes(
            actor=staff,
            hearing=hearing,
            minutes_text="Присутствовали 20 жителей.",
            decisions="Рекомендовать...",
            video_url="https://video.example.kz/1",
            files=[SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")],
        )
        hearing.refresh_from_db()
        assert hearing.status == Hearing.Status.HELD and not hearing.minutes_overdue()
        assert "Minutes overdue" not in maslikhat_record(request, maslikhat=almaty)
        assert hearing.minutesdocuments.count() == 1
        entry = AuditEntry.objects.get(action="hearing.minutes_publish")
        assert entry.after["late"] is True


def test_minutes_cannot_be_published_before_the_hearing_or_without_content(schedule, staff):
    hearing = schedule()
    with pytest.raises(ValidationError, match="taken place"):
        hearing_publish_minutes(actor=staff, hearing=hearing, minutes_text="Текст")
    with time_machine.travel(hearing.ends_at + timedelta(hours=1), tick=False):
        with pytest.raises(ValidationError) as refused:
            hearing_publish_minutes(actor=staff, hearing=hearing, minutes_text="  ")
        assert "minutes_text" in refused.value.message_dict
        with pytest.raises(ValidationError, match="not a PDF"):
            hearing_publish_minutes(
                actor=staff,
                hearing=hearing,
                minutes_text="Текст",
                files=[SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf")],
            )
    hearing.refresh_from_db()
    assert hearing.minutes_published_at is None


def test_minutes_published_notifies_registrants_once(schedule, staff, django_capture_on_commit_callbacks):
    from django.core import mail

    hearing = schedule()
    person = UserFactory()
    registration_create(user=person, hearing=hearing)
    mail.outbox.clear()
    with time_machine.travel(hearing.ends_at + timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            hearing_publish_minutes(actor=staff, hearing=hearing, minutes_text="Первый вариант")
        with django_capture_on_commit_callbacks(execute=True):
            hearing_publish_minutes(actor=staff, hearing=hearing, minutes_text="Исправленный вариант")
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert list(hearing.history.values_list("action", flat=True)) == [
        "scheduled",
        "minutes_published",
        "minutes_updated",
    ]
