"""Notifications: notify(), channels per event type, emails in the reader's language, one-click
unsubscribe, digests, the claim protocol, inbox and staff pages (eager Celery, locmem mail)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import emails
from notifications.digests import digest_build
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.registry import listed_event_types
from notifications.services import deliveries_retry, notification_unsubscribe, notify, preferences_save
from notifications.tasks import digest_send_task, email_recover_task
from portal.models import AuditEntry, Role
from tests.factories import UserFactory, grant
from tests.notifications.notification_events import TEST_EVENT, news_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def almaty():
    return news_object("kz-75")


def _notify(obj, users, key="k1"):
    with transaction.atomic():
        return notify(event=TEST_EVENT, obj=obj, recipients=users, key=key)


def test_notify_writes_inbox_and_one_email_per_recipient_in_their_language(almaty, django_capture_on_commit_callbacks):
    kk = UserFactory(preferred_language="kk")
    ru = UserFactory(preferred_language="ru")
    en = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(event=TEST_EVENT, obj=almaty, recipients=[kk, ru.pk, en], key="k1") == 3
    # Notifying the same occurrence again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=TEST_EVENT, obj=almaty, recipients=[kk, ru, en], key="k1")

    assert Notification.objects.filter(event=TEST_EVENT, key="k1").count() == 3
    assert EmailDelivery.objects.filter(status=EmailDelivery.Status.SENT).count() == 3
    assert len(mail.outbox) == 3
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[ru.email].subject.startswith("Уведомления")
    assert by_to[kk.email].subject.startswith("Хабарламалар")
    assert by_to[en.email].subject.startswith("Notifications")
    message = by_to[ru.email]
    html = message.alternatives[0].content
    assert "Отписаться" in html and "Отписаться" in message.body
    assert almaty.name_ru in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/ru/unsubscribe/")
    delivery = EmailDelivery.objects.get(user=ru)
    assert message.extra_headers["Message-ID"] == emails.message_id(delivery)
    assert delivery.scope_code == "kz-75"


def test_notify_accepts_a_queryset_and_streams_it(
    almaty, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    users = [UserFactory() for _ in range(7)]
    from portal.models import User

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            notify(event=TEST_EVENT, obj=almaty, recipients=User.objects.filter(pk__in=[u.pk for u in users]), key="qs")
    assert len(callbacks) == 1
    assert EmailDelivery.objects.filter(key="qs", status=EmailDelivery.Status.PENDING).count() == 7


def test_preferences_choose_channels_per_event_type(almaty, django_capture_on_commit_callbacks):
    quiet, inbox_only, digest = UserFactory(), UserFactory(), UserFactory()
    preferences_save(user=quiet, choices={TEST_EVENT: (False, "off")})
    preferences_save(user=inbox_only, choices={TEST_EVENT: (True, "off")})
    preferences_save(user=digest, choices={TEST_EVENT: (True, "daily")})
    with django_capture_on_commit_callbacks(execute=True):
        _notify(almaty, [quiet, inbox_only, digest])
    assert set(Notification.objects.values_list("user_id", flat=True)) == {inbox_only.pk, digest.pk}
    assert list(EmailDelivery.objects.values_list("user_id", "status", "digest")) == [(digest.pk, "held", "daily")]
    assert mail.outbox == []


def test_preferences_refuse_an_unknown_event(user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        preferences_save(user=user, choices={"nope.event": (True, "immediate")})
    assert not NotificationPreference.objects.exists()


def test_digest_gathers_held_items_once_per_user_and_period(almaty, django_capture_on_commit_callbacks):
    reader = UserFactory(preferred_language="ru")
    preferences_save(user=reader, choices={TEST_EVENT: (True, "daily")})
    with django_capture_on_commit_callbacks(execute=True):
        _notify(almaty, [reader], key="a")
        _notify(news_object("kz-71"), [reader], key="b")
    assert digest_send_task("daily") == 1
    assert digest_send_task("daily") == 0  # same day: nothing new, nothing sent twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "ежедневный" in message.subject.lower()
    assert almaty.name_ru in message.body and news_object("kz-71").name_ru in message.body
    digest = EmailDelivery.objects.get(event="digest.daily")
    assert digest.status == "sent" and digest.digest_items.count() == 2
    assert "/ru/unsubscribe/" in message.extra_headers["List-Unsubscribe"]

    # An item held after today's digest went out waits for tomorrow's.
    with django_capture_on_commit_callbacks(execute=True):
        _notify(almaty, [reader], key="c")
    assert list(digest_build(period="daily")) == []
    tomorrow = timezone.now() + timedelta(days=1)
    assert len(list(digest_build(period="daily", now=tomorrow))) == 1


def test_unsubscribe_token_get_confirms_post_unsubscribes(client, almaty):
    reader = UserFactory(preferred_language="kk")
    url = emails.unsubscribe_url(reader.pk, TEST_EVENT, "kk")
    path = url.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200 and b'<form method="post"' in page.content
    assert not NotificationPreference.objects.exists()

    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=reader, event=TEST_EVENT).email == "off"
    assert client.post(path).status_code == 200  # repeat: harmless

    forged = client.post(path[:-5] + "xxxx/")
    assert forged.status_code == 400


def test_unsubscribing_skips_mail_still_waiting(almaty):
    reader = UserFactory()
    _notify(almaty, [reader])  # no on_commit run: the row stays pending
    notification_unsubscribe(user_id=reader.pk, event=TEST_EVENT)
    assert EmailDelivery.objects.get(user=reader).status == "skipped"


def test_a_duplicated_chunk_sends_once_and_a_stale_claim_is_taken_over(almaty, settings):
    readers = [UserFactory() for _ in range(3)]
    _notify(almaty, readers)
    ids = list(EmailDelivery.objects.values_list("pk", flat=True))
    assert emails.send_chunk(ids) == 3
    assert emails.send_chunk(ids) == 0
    assert len(mail.outbox) == 3

    # A worker that claimed a row and died: nobody else takes it while its lease runs...
    _notify(almaty, readers, key="k2")
    stuck = EmailDelivery.objects.filter(key="k2").first()
    assert emails.claim(stuck.pk)
    assert not emails.claim(stuck.pk)
    mail.outbox.clear()
    assert emails.send_chunk([stuck.pk]) == 0
    # ... after it, the recovery task queues it again (eager here) and it is sent, same Message-ID.
    EmailDelivery.objects.filter(pk=stuck.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    EmailDelivery.objects.filter(key="k2").exclude(pk=stuck.pk).update(queued_at=timezone.now())
    email_recover_task()
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [emails.message_id(stuck)]
    assert EmailDelivery.objects.get(pk=stuck.pk).attempts == 2


def test_smtp_failure_is_retried_then_marked_failed_and_staff_retry(almaty, settings, superuser):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    reader = UserFactory()
    _notify(almaty, [reader])
    delivery = EmailDelivery.objects.get()
    with pytest.raises(OSError):
        emails.send_chunk([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 1 and delivery.last_error

    staff_elsewhere = UserFactory(mfa=True)
    grant(staff_elsewhere, Role.STAFF, "kz-71")
    with pytest.raises(PermissionDenied):
        deliveries_retry(actor=staff_elsewhere, event=TEST_EVENT, key="k1")

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with transaction.atomic():
        assert deliveries_retry(actor=superuser, event=TEST_EVENT, key="k1") == 1
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert AuditEntry.objects.filter(action="notification.retry").count() == 1


def test_inbox_unread_count_mark_read_and_all_read(client, almaty, django_assert_max_num_queries):
    reader = UserFactory()
    _notify(almaty, [reader], key="a")
    _notify(almaty, [reader], key="b")
    client.force_login(reader)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notification_inbox"))
    assert page.status_code == 200
    assert '2<span class="visually-hidden">' in page.content.decode()
    first = Notification.objects.filter(user=reader).first()
    client.post(reverse("notification_read", args=[first.pk]), {"next": "/kk/notifications/"})
    assert Notification.objects.filter(user=reader, read_at__isnull=True).count() == 1
    other = UserFactory()
    assert (
        client.post(
            reverse("notification_read", args=[Notification.objects.create(user=other, event=TEST_EVENT, key="x").pk])
        ).status_code
        == 404
    )
    client.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(user=reader, read_at__isnull=True).exists()


def test_preferences_page_saves_channels(client, user):
    client.force_login(user)
    url = reverse("notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    # The browser submits every event's fields (other apps register events too).
    form = page.context["form"]
    data = {
        name: field.initial
        for name, field in form.fields.items()
        if not (name.startswith("in_app:") and not field.initial)
    }
    # One control per topic: the test event's topic is its model's, maslikhats.
    data.update({"email:deputies.maslikhat": "weekly"})
    data.pop("in_app:deputies.maslikhat", None)
    response = client.post(url, data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=user, event=TEST_EVENT)
    assert (pref.in_app, pref.email) == (False, "weekly")
    bad = client.post(url, {**data, "email:deputies.maslikhat": "hourly"})
    assert bad.status_code == 200
    assert NotificationPreference.objects.get(user=user, event=TEST_EVENT).email == "weekly"


def test_staff_page_shows_only_own_maslikhat_and_failures(client, almaty, superuser):
    reader = UserFactory()
    _notify(almaty, [reader], key="almaty")
    _notify(news_object("kz-71"), [reader], key="astana")
    EmailDelivery.objects.filter(key="almaty").update(status="failed", last_error="550 mailbox unavailable")

    staff = UserFactory(mfa=True)
    grant(staff, Role.STAFF, "kz-75")
    client.force_login(staff)
    page = client.get(reverse("staff_notifications")).content.decode()
    assert "almaty" in page and "astana" not in page
    detail = client.get(
        reverse("staff_notification_occurrence"), {"event": TEST_EVENT, "key": "almaty", "status": "failed"}
    )
    assert "550 mailbox unavailable" in detail.content.decode()
    assert (
        client.get(reverse("staff_notification_occurrence"), {"event": TEST_EVENT, "key": "astana"}).status_code == 404
    )
    assert client.post(reverse("staff_notification_retry"), {"event": TEST_EVENT, "key": "almaty"}).status_code == 302
    assert EmailDelivery.objects.get(key="almaty").status in {"pending", "sent"}

    client.force_login(reader)
    assert client.get(reverse("staff_notifications")).status_code == 403
    client.force_login(superuser)
    assert "astana" in client.get(reverse("staff_notifications")).content.decode()


def test_settings_are_grouped_by_topic_and_all_emails_stop_with_one_link(
    client, user, almaty, django_capture_on_commit_callbacks
):
    """Issue 19: one control per topic; "unsubscribe from all" on the page and in every email."""
    client.force_login(user)
    page = client.get(reverse("notification_preferences"))
    form = page.context["form"]
    topics = [row["group"]["label"] for row in form.rows()]
    assert len(topics) == len(set(topics)) and len(topics) < len(listed_event_types())
    html = page.content.decode()
    link = page.context["unsubscribe_all"]
    assert link in html
    with django_capture_on_commit_callbacks(execute=True):
        _notify(almaty, [user], key="all")
    message = mail.outbox[-1]
    assert "/unsubscribe/" in message.body and message.body.count("/unsubscribe/") >= 2
    client.logout()
    assert client.post(link).status_code == 200
    assert set(NotificationPreference.objects.filter(user=user, email="off").values_list("event", flat=True)) >= {
        e.key for e in listed_event_types() if e.email
    }
