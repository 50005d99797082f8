"""Exactly-once email with a real Celery worker, Redis, PostgreSQL and an aiosmtpd server: one
email per recipient in their language with a working one-click unsubscribe; a task delivered twice
sends once; a worker killed mid-batch and restarted leaves every recipient with exactly one email."""

import asyncio
import threading
import time
from urllib.parse import urlparse

import pytest
from django.db import transaction

from notifications.models import EmailDelivery, NotificationPreference
from notifications.services import notify
from tests.conftest import CeleryWorker, SMTPSink, free_port
from tests.factories import UserFactory
from tests.notifications.notification_events import TEST_EVENT, news_object

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DEADLINE = 90  # seconds: every wait below is bounded


def wait_until(predicate, timeout=DEADLINE, message="condition", tick=None):
    end = time.monotonic() + timeout
    next_tick = time.monotonic()
    while time.monotonic() < end:
        if predicate():
            return
        if tick and time.monotonic() >= next_tick:
            tick()
            next_tick = time.monotonic() + 2
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def recipients_count(sink) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in sink.messages:
        for to in message["to"]:
            counts[to] = counts.get(to, 0) + 1
    return counts


def test_event_reaches_smtp_once_per_recipient_in_their_language_with_one_click_unsubscribe(
    smtp_server, celery_worker, client
):
    almaty = news_object("kz-75")
    readers = {lang: UserFactory(preferred_language=lang) for lang in ("kk", "ru", "en")}
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, recipients=list(readers.values()), key="hello")

    wait_until(lambda: EmailDelivery.objects.filter(status="sent").count() == 3, message="three emails sent")
    assert recipients_count(smtp_server) == {u.email: 1 for u in readers.values()}
    by_to = {m["to"][0]: m["message"] for m in smtp_server.messages}
    expected_subject = {"kk": "Хабарламалар", "ru": "Уведомления", "en": "Notifications"}
    for lang, reader in readers.items():
        message = by_to[reader.email]
        assert message["Subject"].startswith(expected_subject[lang])
        assert message["Content-Language"] == lang
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    ru_message = by_to[readers["ru"].email]
    assert almaty.name_ru in ru_message.get_body(("plain",)).get_content()
    assert ru_message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the https URL, no cookie.
    url = ru_message["List-Unsubscribe"].split(",")[0].strip("<> ")
    response = client.post(urlparse(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=readers["ru"], event=TEST_EVENT).email == "off"

    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, recipients=list(readers.values()), key="again")
    wait_until(lambda: EmailDelivery.objects.filter(key="again", status="sent").count() == 2, message="second event")
    assert readers["ru"].email not in {m["to"][0] for m in smtp_server.messages[3:]}
    assert not EmailDelivery.objects.filter(key="again", user=readers["ru"]).exists()


def test_a_task_delivered_twice_sends_once(smtp_server, celery_worker):
    from notifications.tasks import email_chunk_send_task

    almaty = news_object("kz-75")
    readers = [UserFactory() for _ in range(6)]
    notify(event=TEST_EVENT, obj=almaty, recipients=readers, key="twice")  # autocommit: nothing queued
    ids = list(EmailDelivery.objects.filter(key="twice").values_list("pk", flat=True))
    email_chunk_send_task.delay(ids)
    email_chunk_send_task.delay(ids)

    def both_done():
        return (
            celery_worker.log.read_text(errors="replace").count("email_chunk_send_task") >= 4
        )  # received+succeeded x2

    wait_until(both_done, message="both deliveries of the task finish")
    wait_until(lambda: "succeeded" in celery_worker.log.read_text(errors="replace"), message="success logged")
    log = celery_worker.log.read_text(errors="replace")
    assert log.count("email_chunk_send_task") >= 4 and log.count("succeeded") >= 2
    # notify() in autocommit also queues a fan-out whose chunk races the two above: wait for all.
    wait_until(lambda: EmailDelivery.objects.filter(key="twice", status="sent").count() == 6, message="all sent")
    assert recipients_count(smtp_server) == {u.email: 1 for u in readers}
    assert EmailDelivery.objects.filter(key="twice", status="sent", attempts=1).count() == 6


class SlowSink(SMTPSink):
    """An SMTP server that takes its time before answering 250 to DATA. aiosmtpd cancels the
    handler when the client disconnects, so a message whose sender died before the 250 reply is not
    kept: the server never accepted responsibility for it (RFC 5321, section 6.1).

    Once `kill_after` messages are accepted, the next DATA raises `in_flight` and waits long enough
    for the test to kill the worker in the middle of that SMTP transaction (a kill timed on an
    accepted message would land in the instant between acceptance and the client reading the 250,
    the one window that no client can close; docs/notifications.md)."""

    delay = 0.1
    kill_after = 5

    def __init__(self):
        super().__init__()
        self.in_flight = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if len(self.messages) >= self.kill_after and not self.in_flight.is_set():
            self.in_flight.set()
            await asyncio.sleep(5)
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(settings):
    from aiosmtpd.controller import Controller

    from portal.email_config import email_settings_from_url

    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.url = f"smtp://127.0.0.1:{controller.port}"
    settings.MAILERS = email_settings_from_url(sink.url)["MAILERS"]
    yield sink
    controller.stop()


@pytest.fixture
def short_lease(monkeypatch):
    """Workers (started after this fixture) give up a dead worker's claim after 10 s, and re-queue
    pending rows queued more than 1 s ago, so the test need not wait the production 5/15 minutes.
    The lease must still outlast one SMTP transaction of a live worker on a loaded machine,
    otherwise the recovery would take a row over while it is being sent (see docs)."""
    monkeypatch.setenv("NOTIFICATIONS_LEASE_SECONDS", "10")
    monkeypatch.setenv("NOTIFICATIONS_RECOVERY_SECONDS", "1")
    monkeypatch.setenv("NOTIFICATIONS_SMTP_RATE", "0")


def test_a_worker_killed_mid_batch_and_restarted_leaves_exactly_one_email_each(
    short_lease, slow_smtp, celery_worker, settings
):
    from notifications.tasks import email_recover_task

    almaty = news_object("kz-75")
    readers = [UserFactory() for _ in range(40)]
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, recipients=readers, key="killed")

    # Kill the worker (SIGKILL: no cleanup, no ack) while a chunk is half sent.
    assert slow_smtp.in_flight.wait(DEADLINE), "the batch did not start"
    celery_worker.kill()
    sent_before = len(slow_smtp.messages)
    assert 0 < sent_before < len(readers), "the kill must land mid-batch"
    assert EmailDelivery.objects.filter(key="killed").exclude(status="sent").exists()

    restarted = CeleryWorker(celery_worker.env).start()
    try:
        wait_until(
            lambda: EmailDelivery.objects.filter(key="killed", status="sent").count() == len(readers),
            message="every recipient served after the restart",
            tick=lambda: email_recover_task.delay(),  # what beat does every few minutes
        )
    finally:
        restarted.stop()
    counts = recipients_count(slow_smtp)
    assert counts == {u.email: 1 for u in readers}, {k: v for k, v in counts.items() if v != 1}
    assert sent_before < len(slow_smtp.messages)
    # The email in flight at the kill was claimed, never accepted, taken over after the lease.
    assert EmailDelivery.objects.filter(key="killed", attempts__gte=2).exists()
