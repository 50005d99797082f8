"""Celery tasks of the recall procedure: thin, idempotent wrappers around services. Their names are
fixed (petitions.tasks.*) because portal/celery.py's beat schedule names them."""

from celery import shared_task


@shared_task(name="petitions.tasks.recall_deadlines_task", acks_late=True)
def recall_deadlines_task() -> dict:
    from petitions.recall_services import recall_process_deadlines

    return recall_process_deadlines()


@shared_task(name="petitions.tasks.recall_retention_task", acks_late=True)
def recall_retention_task() -> int:
    from petitions.recall_services import recall_purge_personal_data

    return recall_purge_personal_data()
