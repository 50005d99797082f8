"""Reads of notifications: inbox, unread count, delivery status for staff."""

from django.apps import apps
from django.db.models import Count, Max, OuterRef, Q, QuerySet

from notifications.models import EmailDelivery, Notification
from notifications.registry import event_types
from portal.access import scopes_for
from portal.models import Role

UNREAD_COUNT = "notifications.unread"  # the header's badge, read with the user's roles (portal.access)


def unread_rows_of_outer_user() -> QuerySet:
    """The unread notifications of the user of the outer query: registered with
    portal.access.register_user_count, so the badge costs no query of its own."""
    return Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox_rows(notifications) -> list[dict]:
    """Notifications of one page with their event label and object: one query per object type."""
    notifications = list(notifications)
    wanted: dict[str, set[str]] = {}
    for n in notifications:
        if n.object_type:
            wanted.setdefault(n.object_type, set()).add(n.object_id)
    objects = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        objects.update({(object_type, str(o.pk)): o for o in model.objects.filter(pk__in=ids)})
    events = event_types()
    return [
        {
            "notification": n,
            "label": events[n.event].label if n.event in events else n.event,
            "object": objects.get((n.object_type, n.object_id)),
        }
        for n in notifications
    ]


def staff_scopes(user) -> set[str] | None:
    """None: everything (superuser); otherwise the maslikhat codes whose deliveries the user sees."""
    if user.is_superuser:
        return None
    return scopes_for(user, Role.STAFF)


def staff_may_see_scope(user, scope_code: str) -> bool:
    scopes = staff_scopes(user)
    return scopes is None or scope_code in scopes


def staff_may_see_deliveries(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_superuser or bool(scopes_for(user, Role.STAFF)))


def deliveries_for_staff(user) -> QuerySet:
    scopes = staff_scopes(user)
    deliveries = EmailDelivery.objects.all()
    return deliveries if scopes is None else deliveries.filter(scope_code__in=scopes)


def _status_counts() -> dict:
    Status = EmailDelivery.Status
    return {
        "total": Count("pk"),
        "sent": Count("pk", filter=Q(status=Status.SENT)),
        "failed": Count("pk", filter=Q(status=Status.FAILED)),
        "waiting": Count("pk", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        "held": Count("pk", filter=Q(status__in=[Status.HELD, Status.DIGESTED])),
        "skipped": Count("pk", filter=Q(status=Status.SKIPPED)),
        "last_at": Max("created_at"),
    }


def delivery_summary(user, *, event: str = "", failed_only: bool = False) -> QuerySet:
    """One row per event occurrence (event, key) with counts per status, newest first."""
    deliveries = deliveries_for_staff(user)
    if event:
        deliveries = deliveries.filter(event=event)
    rows = (
        deliveries.values("event", "key", "object_type", "object_id", "scope_code")
        .annotate(**_status_counts())
        .order_by("-last_at", "event", "key")
    )
    if failed_only:
        rows = rows.filter(failed__gt=0)
    return rows


def occurrence_deliveries(user, *, event: str, key: str) -> QuerySet:
    return (
        deliveries_for_staff(user)
        .filter(event=event, key=key)
        .select_related("user")
        .only("pk", "status", "attempts", "last_error", "created_at", "sent_at", "scope_code", "user__email")
        .order_by("-status", "pk")
    )
