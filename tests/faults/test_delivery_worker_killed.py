"""A Celery worker killed with SIGKILL in the middle of delivering a petition's appeal (issue 14),
then restarted: the maslikhat receives the appeal exactly once.

The SMTP server holds the appeal's DATA without answering, so the kill lands inside the SMTP
transaction, after the delivery row was claimed and before the server accepted the message (a
server that never answered 250 never took responsibility for it, RFC 5321 section 6.1; aiosmtpd
drops the transaction when the client vanishes). The row stays `sending` under its lease; the
restarted worker takes it over once the lease has passed (petitions/delivery.py, the notification
outbox's protocol), sends it with the same Message-ID and marks it sent. Later runs find it sent."""

import asyncio
import threading
import time

import pytest

from petitions import signing
from petitions.delivery import petitions_deliver
from petitions.models import Petition, PetitionDelivery
from petitions.tally import petitions_tally
from portal.models import AuditEntry
from tests.conftest import CeleryWorker, SMTPSink, free_port
from tests.factories import UserFactory
from tests.faults.conftest import wait_until
from tests.faults.test_worker_killed import kill_worker_and_its_pool

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OFFICE = "office@almaty-maslikhat.example.kz"
DEADLINE = 90  # seconds: every wait is bounded


class HoldingSink(SMTPSink):
    """Keeps what it accepts; the first message to the maslikhat's office is held: the server
    signals `in_flight` and does not answer the DATA until `release` is set (or `hold` seconds
    pass). A message whose client disconnected meanwhile is never kept (aiosmtpd cancels the
    handler), so what the test finds here is exactly what the server accepted."""

    hold = 60

    def __init__(self):
        super().__init__()
        self.in_flight = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if OFFICE in envelope.rcpt_tos and not self.in_flight.is_set():
            self.in_flight.set()
            waited = 0.0
            while not self.release.is_set() and waited < self.hold:
                await asyncio.sleep(0.1)
                waited += 0.1
        return await super().handle_DATA(server, session, envelope)

    def appeals(self) -> list:
        return [m for m in self.messages if OFFICE in m["to"]]


@pytest.fixture
def holding_smtp(settings):
    from aiosmtpd.controller import Controller

    from portal.email_config import email_settings_from_url

    sink = HoldingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = email_settings_from_url(f"smtp://127.0.0.1:{controller.port}")["MAILERS"]
    try:
        yield sink
    finally:
        sink.release.set()
        controller.stop()


@pytest.fixture
def short_lease(monkeypatch):
    """Workers started after this take over a dead worker's claim after 10 s, not the production
    300 s; still longer than one SMTP transaction of a live worker on a loaded machine."""
    monkeypatch.setenv("NOTIFICATIONS_LEASE_SECONDS", "10")


def test_a_worker_killed_mid_send_delivers_the_appeal_exactly_once(
    holding_smtp, short_lease, celery_worker, make_petition, districts, almaty
):
    from petitions.tasks import petition_delivery_task

    almaty.email = OFFICE
    almaty.save(update_fields=["email"])
    petition = make_petition(Petition.Status.OPEN)
    for first, last in [("Әлия", "Қасымова"), ("Ғалым", "Өтегенов"), ("Құралай", "Үсенова")]:
        signing.petition_sign(
            petition=petition,
            user=UserFactory(first_name=first, last_name=last, is_citizen=True),
            address="Алматы, Абая 1",
            is_citizen=True,
            ip="192.0.2.1",
        )
    Petition.objects.filter(pk=petition.pk).update(threshold=3)
    petitions_tally()
    assert Petition.objects.get(pk=petition.pk).status == Petition.Status.THRESHOLD_REACHED

    # The worker claims the delivery and is killed while the server holds the appeal's DATA.
    petition_delivery_task.delay(petition.pk)
    assert holding_smtp.in_flight.wait(DEADLINE), "the appeal was not sent"
    delivery = PetitionDelivery.objects.get(petition=petition)
    assert (delivery.status, delivery.attempts) == ("sending", 1)
    kill_worker_and_its_pool(celery_worker)
    holding_smtp.release.set()  # a handler still running would now keep the message: none must be
    time.sleep(0.5)  # (not a timed assertion: gives a wrongly kept message the chance to show)
    assert holding_smtp.appeals() == [], "the server accepted an appeal whose sender died mid-DATA"
    delivery.refresh_from_db()
    assert delivery.status == "sending" and Petition.objects.get(pk=petition.pk).delivered_at is None

    restarted = CeleryWorker(celery_worker.env).start()
    try:
        _wait_ticking(
            lambda: PetitionDelivery.objects.get(pk=delivery.pk).status == "sent",
            what="the restarted worker to take the delivery over after the lease",
            tick=lambda: petition_delivery_task.delay(),  # what beat does every minute
        )
        # Runs after the delivery (beat's, a redelivered task's) find it sent and send nothing.
        later = [petition_delivery_task.delay().id, petition_delivery_task.delay(petition.pk).id]
        wait_until(
            lambda: all(f"{task}] succeeded" in restarted.log.read_text(errors="replace") for task in later),
            timeout=DEADLINE,
            what="the later runs to finish",
        )
    finally:
        restarted.stop()

    assert petitions_deliver() == {"sent": 0, "skipped": 0}
    appeals = holding_smtp.appeals()
    assert len(appeals) == 1, f"{len(appeals)} appeals reached the maslikhat"
    delivery.refresh_from_db()
    assert PetitionDelivery.objects.filter(petition=petition).count() == 1
    assert (delivery.status, delivery.attempts) == ("sent", 2)  # the first attempt was taken over
    assert appeals[0]["message"]["Message-ID"] == delivery.message_id
    petition.refresh_from_db()
    assert petition.status == Petition.Status.AWAITING_ANSWER and petition.delivered_at is not None
    assert AuditEntry.objects.filter(action="petition.delivered", object_id=str(petition.pk)).count() == 1


def _wait_ticking(predicate, *, what: str, tick, every: float = 2.0) -> None:
    """Wait for a condition (bounded), calling `tick` every few seconds meanwhile."""
    end, next_tick = time.monotonic() + DEADLINE, time.monotonic()
    while time.monotonic() < end:
        if predicate():
            return
        if time.monotonic() >= next_tick:
            tick()
            next_tick = time.monotonic() + every
        time.sleep(0.2)
    raise AssertionError(f"timed out after {DEADLINE}s waiting for {what}")
