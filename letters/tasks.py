"""Celery tasks: thin, idempotent wrappers around services."""

import smtplib

from celery import shared_task


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=8,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
)
def message_deliver_task(self, message_id: int) -> str:
    from letters.services import message_deliver

    return message_deliver(message_id=message_id)


@shared_task(acks_late=True)
def letters_daily_task() -> dict:
    """On the beat (portal/celery.py): deputy reminders, citizen follow-ups, retention."""
    from letters.services import letters_purge_expired, letters_send_followups, letters_send_reminders

    return {
        "reminders": letters_send_reminders(),
        "followups": letters_send_followups(),
        "purged": letters_purge_expired(),
    }


@shared_task(acks_late=True)
def letters_recover_task() -> int:
    from letters.services import letters_recover_queued

    return letters_recover_queued()


@shared_task(acks_late=True)
def reception_reminders_task() -> int:
    from letters.reception import reception_send_reminders

    return reception_send_reminders()
