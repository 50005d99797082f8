"""Celery tasks of the portal kernel: thin wrappers around services, idempotent, retried."""

from celery import shared_task

FANOUT_CHUNK = 200


@shared_task(acks_late=True)
def email_fanout_task(event: str, key: str) -> int:
    """Split the pending deliveries of one event occurrence into chunks, a task per chunk."""
    from portal.models import EmailDelivery

    ids = EmailDelivery.objects.filter(event=event, key=key, status=EmailDelivery.Status.PENDING).values_list("pk", flat=True)
    chunk: list[int] = []
    count = 0
    for pk in ids.iterator(chunk_size=2000):
        chunk.append(pk)
        if len(chunk) >= FANOUT_CHUNK:
            email_chunk_send_task.delay(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        email_chunk_send_task.delay(chunk)
        count += len(chunk)
    return count


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def email_chunk_send_task(delivery_ids: list[int]) -> int:
    from portal.emails import delivery_send

    return sum(1 for pk in delivery_ids if delivery_send(pk) == "sent")


@shared_task(acks_late=True)
def digest_send_task(period: str) -> int:
    """Daily or weekly digests (the notifications issue fills this in)."""
    return 0
