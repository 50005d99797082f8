"""Celery tasks of the Telegram channel (names `notifications.telegram.tasks.*`, imported in
NotificationsConfig.ready()). Thin, idempotent, safe to run twice: the claim decides who sends."""

import math

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from notifications.telegram.api import RetryAfter, Unavailable

FANOUT_CHUNK = 100  # messages per chunk task; the global rate, not the chunk, sets the pace


def _queue_chunks(ids) -> int:
    from notifications.models import TelegramDelivery

    count = 0
    chunk: list[int] = []

    def flush():
        TelegramDelivery.objects.filter(pk__in=chunk).update(queued_at=timezone.now())
        telegram_chunk_send_task.delay(list(chunk))

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
def telegram_fanout_task(event: str, key: str) -> int:
    from notifications.telegram.outbox import pending_ids

    return _queue_chunks(pending_ids(event, key))


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Unavailable, OperationalError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def telegram_chunk_send_task(self, delivery_ids: list[int]) -> int:
    from notifications.telegram.outbox import send_chunk

    try:
        return send_chunk(delivery_ids)
    except RetryAfter as error:
        # Telegram said when: retry then, not on the backoff schedule. A 429 is not a failure of
        # the message, so it does not use up the task's retries.
        raise self.retry(countdown=math.ceil(error.retry_after), max_retries=self.request.retries + 1) from None


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Unavailable,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def telegram_reply_task(self, chat_id: int, text: str, reply_markup: dict | None = None) -> bool:
    """The bot's answer in a chat (telegram_bot), paced with the notifications."""
    from notifications.telegram.outbox import reply_send

    try:
        return reply_send(chat_id=chat_id, text=text, reply_markup=reply_markup)
    except RetryAfter as error:
        raise self.retry(countdown=math.ceil(error.retry_after), max_retries=self.request.retries + 1) from None


@shared_task(acks_late=True)
def telegram_recover_task() -> int:
    from notifications.telegram.outbox import stranded_ids

    return _queue_chunks(stranded_ids())


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def telegram_digest_task(period: str) -> int:
    from notifications.digests import digest_build
    from notifications.models import TelegramDelivery

    return _queue_chunks(digest_build(period=period, model=TelegramDelivery))
