"""Celery tasks: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(acks_late=True)
def hearing_reminders_task() -> int:
    """On the beat (portal/celery.py): reminders 24 hours and 1 hour ahead, each sent once."""
    from hearings.services import hearing_send_reminders

    return hearing_send_reminders()
