"""Celery tasks of the recall procedure: thin, idempotent wrappers around services (schedules in
portal/celery.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def recall_deadlines_task() -> dict:
    from recalls.services import recall_process_deadlines

    return recall_process_deadlines()


@shared_task(acks_late=True)
def recall_retention_task() -> int:
    from recalls.services import recall_purge_personal_data

    return recall_purge_personal_data()
