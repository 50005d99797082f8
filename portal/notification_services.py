"""Use cases of the notification centre: inbox, preferences, unsubscribe, staff retry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import EmailDelivery, Notification, NotificationPreference
from portal.notification_selectors import staff_may_see_scope
from portal.notifications import DIGEST_EVENTS, event_types, listed_event_types


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise ValidationError(_("This notification does not exist."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_save(*, user, choices: dict[str, tuple[bool, str]]) -> None:
    """choices: {event key: (in_app, email mode)} for registered event types only."""
    known = {e.key for e in listed_event_types()}
    modes = set(NotificationPreference.Email.values)
    for event, (_in_app, email) in choices.items():
        if event not in known or email not in modes:
            raise ValidationError(_("Unknown notification setting."))
    with transaction.atomic():
        for event, (in_app, email) in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"in_app": bool(in_app), "email": email}
            )


def notification_unsubscribe(*, user_id: int, event: str) -> list[str]:
    """One-click unsubscribe from the emails of one event type (or from a digest: every event type
    sent in that digest). Idempotent. Returns the event keys now off."""
    if event in DIGEST_EVENTS:
        period = event.split(".", 1)[1]
        events = list(
            NotificationPreference.objects.filter(user_id=user_id, email=period).values_list("event", flat=True)
        )
    elif event in event_types():
        events = [event]
    else:
        raise ValidationError(_("This unsubscribe link is not valid."))
    with transaction.atomic():
        for key in events:
            NotificationPreference.objects.update_or_create(
                user_id=user_id, event=key, defaults={"email": NotificationPreference.Email.OFF}
            )
        # Mail already waiting for this user and these events is not sent after they said no.
        EmailDelivery.objects.filter(
            user_id=user_id,
            event__in=[*events, event],
            status__in=[EmailDelivery.Status.PENDING, EmailDelivery.Status.HELD],
        ).update(status=EmailDelivery.Status.SKIPPED, last_error="unsubscribed")
    return events


def deliveries_retry(*, actor, event: str, key: str) -> int:
    """Staff retry the failed emails of one event occurrence: back to pending, then queued again."""
    failed = EmailDelivery.objects.filter(event=event, key=key, status=EmailDelivery.Status.FAILED)
    scope = failed.values_list("scope_code", flat=True).first()
    if scope is None:
        raise ValidationError(_("There are no failed emails to retry."))
    if not staff_may_see_scope(actor, scope):
        raise PermissionDenied
    with transaction.atomic():
        count = failed.update(status=EmailDelivery.Status.PENDING, attempts=0, claimed_until=None, queued_at=None)
        audit_record(
            actor=actor,
            action="notification.retry",
            after={"event": event, "key": key, "count": count},
            scope_code=scope,
        )
        transaction.on_commit(lambda: _queue(event, key), robust=True)
    return count


def _queue(event: str, key: str) -> None:
    from portal.tasks import email_fanout_task

    email_fanout_task.delay(event, key)
