"""Daily and weekly digests: held deliveries gathered into one email per user and period."""

from collections.abc import Iterator
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from notifications.models import EmailDelivery

PERIODS = ("daily", "weekly")
BATCH = 500


def period_key(period: str, now: datetime) -> str:
    """The occurrence key of a digest: one digest per user per local day, or per ISO week."""
    day = timezone.localdate(now)
    if period == "daily":
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_build(*, period: str, now: datetime | None = None) -> Iterator[int]:
    """Create (once) the digest delivery of every user with held items for this period, fold the
    items into it, and yield the ids of digests still to send. Running it again in the same period
    creates nothing new; items held after a digest was sent wait for the next period."""
    if period not in PERIODS:
        raise ValueError(f"Unknown digest period {period!r}")
    now = now or timezone.now()
    event, key = f"digest.{period}", period_key(period, now)
    Status = EmailDelivery.Status
    held = EmailDelivery.objects.filter(status=Status.HELD, digest=period, created_at__lte=now)
    last_user = 0
    while True:
        # Keyset pages of user ids: bounded memory whatever the number of subscribers.
        users = list(
            held.filter(user_id__gt=last_user).order_by("user_id").values_list("user_id", flat=True).distinct()[:BATCH]
        )
        if not users:
            return
        last_user = users[-1]
        with transaction.atomic():
            EmailDelivery.objects.bulk_create(
                [EmailDelivery(user_id=uid, event=event, key=key, status=Status.PENDING) for uid in users],
                ignore_conflicts=True,
            )
            pending = list(
                EmailDelivery.objects.select_for_update()
                .filter(event=event, key=key, user_id__in=users, status=Status.PENDING)
                .values_list("user_id", "pk")
            )
            held.filter(user_id__in=[uid for uid, _pk in pending]).update(
                status=Status.DIGESTED,
                digest_delivery_id=Subquery(
                    EmailDelivery.objects.filter(event=event, key=key, user_id=OuterRef("user_id")).values("pk")[:1]
                ),
            )
        yield from (pk for _uid, pk in pending)
