"""Celery tasks of notifications (names `notifications.tasks.*`): thin wrappers around services, idempotent, retried.

Every task here may run twice, concurrently, or be cut off by a killed worker: the delivery rows
(unique per recipient and event occurrence, claimed before sending) make that harmless."""

import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

FANOUT_CHUNK = 200  # messages per chunk task, and per SMTP connection


def _queue_chunks(ids) -> int:
    """Queue send tasks for an iterator of delivery ids, FANOUT_CHUNK at a time, noting when each
    row was queued so that the recovery task leaves recently queued rows alone."""
    from notifications.models import EmailDelivery

    count = 0
    chunk: list[int] = []

    def flush():
        EmailDelivery.objects.filter(pk__in=chunk).update(queued_at=timezone.now())
        email_chunk_send_task.delay(list(chunk))

    for pk in ids:
        chunk.append(pk)
        if len(chunk) >= FANOUT_CHUNK:
            flush()
            count += len(chunk)
            chunk = []
    if chunk:
        flush()
        count += len(chunk)
    return count


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def email_fanout_task(event: str, key: str) -> int:
    """Split the pending deliveries of one event occurrence into chunks, a task per chunk. Streams
    the ids: 100,000 recipients never sit in memory at once."""
    from notifications.models import EmailDelivery

    ids = (
        EmailDelivery.objects.filter(event=event, key=key, status=EmailDelivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _queue_chunks(ids.iterator(chunk_size=2000))


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError, OperationalError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def email_chunk_send_task(delivery_ids: list[int]) -> int:
    from notifications.emails import send_chunk

    return send_chunk(delivery_ids)


@shared_task(acks_late=True)
def email_recover_task() -> int:
    """On beat: queue again what a crash or a broker outage left behind. Pending rows not queued
    for NOTIFICATIONS_RECOVERY_SECONDS, and "sending" rows whose lease has passed (their worker
    died between claiming and marking sent); rows out of attempts are marked failed."""
    from django.db.models import Q

    from notifications.models import EmailDelivery

    now = timezone.now()
    Status = EmailDelivery.Status
    EmailDelivery.objects.filter(
        status=Status.SENDING, claimed_until__lt=now, attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS
    ).update(status=Status.FAILED, claimed_until=None, last_error="gave up: the sending worker stopped answering")
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_RECOVERY_SECONDS)
    ids = (
        EmailDelivery.objects.filter(
            Q(status=Status.SENDING, claimed_until__lt=now)
            | Q(status=Status.PENDING, queued_at__lt=stale)
            | Q(status=Status.PENDING, queued_at__isnull=True, created_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _queue_chunks(ids.iterator(chunk_size=2000))


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def digest_send_task(period: str) -> int:
    """Daily or weekly digests: one email per user and period (a delivery with a unique key),
    gathering the held deliveries of events that user chose to receive as a digest."""
    from notifications.digests import digest_build

    return _queue_chunks(digest_build(period=period))
