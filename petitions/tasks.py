"""Celery tasks of petitions: thin, idempotent wrappers (schedules in portal/celery.py)."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def petition_tally_task():
    from petitions.tally import petitions_tally

    return petitions_tally()


@shared_task(acks_late=True, ignore_result=True)
def petition_recount_task():
    from petitions.tally import petitions_recount

    return petitions_recount()


@shared_task(acks_late=True, ignore_result=True)
def petition_deadlines_task():
    from petitions.deadlines import petition_deadlines

    return petition_deadlines()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),  # smtplib's errors are OSErrors
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def petition_delivery_task(petition_id: int | None = None):
    """Deliver petitions at their threshold to their maslikhats as collective appeals (exactly once)."""
    from petitions.delivery import petitions_deliver

    return petitions_deliver(petition_id=petition_id)
