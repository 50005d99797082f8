"""Celery tasks of petitions: thin, idempotent wrappers (schedules in portal/celery.py)."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def petition_tally_task():
    from petitions.tally import petitions_tally

    return petitions_tally()


@shared_task(acks_late=True, ignore_result=True)
def petition_follows_task(*, petition_id: int, signer_ids: list[int]):
    from petitions.tally import petitions_follow

    return petitions_follow(petition_id=petition_id, signer_ids=signer_ids)


@shared_task(acks_late=True, ignore_result=True)
def petition_progress_task():
    from petitions.services import petition_progress_notices

    return petition_progress_notices()


@shared_task(acks_late=True, ignore_result=True)
def petition_recount_task():
    from petitions.tally import petitions_recount

    return petitions_recount()


@shared_task(acks_late=True, ignore_result=True)
def petition_deadlines_task():
    from petitions.services import petition_deadlines

    return petition_deadlines()
