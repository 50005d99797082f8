"""Use cases of notifications: notify(), the inbox, preferences, unsubscribe, staff retry.

Apps call `notify()` inside the transaction that made the change; email is rendered in the
recipient's language at send time by a Celery task (notifications.tasks). Exactly once: one
EmailDelivery row per (recipient, event, key), enforced by the database; the sending protocol is in
notifications/emails.py and docs/notifications.md."""

import logging
from collections.abc import Iterable, Iterator

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.registry import ALL_EMAILS, DIGEST_EVENTS, EventType, event_types, get_event, listed_event_types
from notifications.selectors import staff_may_see_scope
from notifications.tasks import email_fanout_task
from notifications.telegram import outbox as telegram_outbox
from notifications.telegram.tasks import telegram_fanout_task
from portal.audit import audit_record

log = logging.getLogger(__name__)

CHUNK = 500


# ------------------------------------------------------------------------------
# notify(): the one entry point of every app
# ------------------------------------------------------------------------------
def _scope_code(event_type: EventType, obj) -> str:
    if event_type.scope:
        return event_type.scope(obj) or ""
    code = getattr(obj, "scope_code", None)
    if isinstance(code, str):
        return code
    maslikhat = getattr(obj, "maslikhat", None)
    return getattr(maslikhat, "code", "") or ""


def _user_ids(recipients: Iterable) -> Iterator[int]:
    """Users, ids, or a queryset of either, streamed: 100,000 signers never sit in memory at once.
    A queryset (of users, or of user ids such as followers_of()) becomes the subquery of a query of
    user ids, so whatever it selects, only ids are read, in order, from a server-side cursor."""
    if isinstance(recipients, QuerySet):
        recipients = (
            get_user_model()
            .objects.filter(pk__in=recipients)
            .order_by("pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=CHUNK * 4)
        )
    for recipient in recipients:
        yield getattr(recipient, "pk", recipient)


def notify(*, event: str, obj, recipients: Iterable = (), followers: Iterable = (), key: str = "") -> int:
    """Notify each recipient (users, user ids, or a queryset of either) once per (event, key), on the
    channels each one chose for this event type. `recipients` are the people the news concerns (the
    author, a registrant, the deputy); `followers` hear it because they follow something
    (`followers_of(...)`): by default their email waits for the daily digest ("auto" mode), while
    recipients get it at once. Someone in both is a recipient: recipients are written first and the
    unique (user, event, key) rows keep that first row. Call inside the transaction that made the
    change: the emails are queued only when it commits. Returns the number of recipients considered."""
    event_type = get_event(event)
    key = key or f"{obj._meta.label_lower}:{obj.pk}"
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    scope_code = _scope_code(event_type, obj)[:40]
    total = 0
    queued_immediate = False
    queued_telegram = [False]  # Telegram rows waiting to be sent at once (a parallel outbox)
    Mode = NotificationPreference.Email

    def flush(user_ids: list[int], following: bool) -> bool:
        prefs = {
            p["user_id"]: p
            for p in NotificationPreference.objects.filter(event=event, user_id__in=user_ids).values(
                "user_id", "in_app", "email", "telegram"
            )
        }
        Notification.objects.bulk_create(
            [
                Notification(user_id=uid, event=event, key=key, object_type=object_type, object_id=object_id, url=url)
                for uid in user_ids
                if prefs.get(uid, {}).get("in_app", True)
            ],
            ignore_conflicts=True,
        )
        if not event_type.email:
            return False
        queued_telegram[0] |= telegram_outbox.deliveries_write(
            event=event,
            key=key,
            object_type=object_type,
            object_id=object_id,
            scope_code=scope_code,
            user_ids=user_ids,
            prefs=prefs,
            following=following,
        )
        deliveries = []
        for uid in user_ids:
            mode = NotificationPreference.effective_mode(
                prefs.get(uid, {}).get("email", Mode.AUTO), following=following
            )
            if mode == Mode.OFF:
                continue
            held = mode in (Mode.DAILY, Mode.WEEKLY)
            deliveries.append(
                EmailDelivery(
                    user_id=uid,
                    event=event,
                    key=key,
                    object_type=object_type,
                    object_id=object_id,
                    scope_code=scope_code,
                    status=EmailDelivery.Status.HELD if held else EmailDelivery.Status.PENDING,
                    digest=mode if held else "",
                )
            )
        EmailDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        return any(d.status == EmailDelivery.Status.PENDING for d in deliveries)

    for following, people in ((False, recipients), (True, followers)):
        batch: list[int] = []
        for uid in _user_ids(people):
            batch.append(uid)
            if len(batch) >= CHUNK:
                queued_immediate |= flush(batch, following)
                total += len(batch)
                batch = []
        if batch:
            queued_immediate |= flush(batch, following)
            total += len(batch)
    if queued_immediate:
        # robust: a broker outage must not fail the committed change; the recovery task
        # (notifications.tasks.email_recover_task, on beat) queues the rows that were left pending.
        transaction.on_commit(lambda: _queue_email(event, key), robust=True)
    if queued_telegram[0]:
        transaction.on_commit(lambda: telegram_fanout_task.delay(event, key), robust=True)
    return total


def _queue_email(event: str, key: str) -> None:
    email_fanout_task.delay(event, key)


# ------------------------------------------------------------------------------
# Inbox, preferences, unsubscribe, staff retry
# ------------------------------------------------------------------------------
def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise ValidationError(_("This notification does not exist."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_save(*, user, choices: dict[str, tuple[bool, str]], telegram: dict[str, str] | None = None) -> None:
    """choices: {event key: (in_app, email mode)} for registered event types only; telegram: {event
    key: Telegram mode} when the person has a linked chat (same modes as email)."""
    known = {e.key for e in listed_event_types()}
    modes = set(NotificationPreference.Email.values)
    telegram = telegram or {}
    for event, (_in_app, email) in choices.items():
        if event not in known or email not in modes:
            raise ValidationError(_("Unknown notification setting."))
    if any(event not in known or mode not in modes for event, mode in telegram.items()):
        raise ValidationError(_("Unknown notification setting."))
    with transaction.atomic():
        for event, (in_app, email) in choices.items():
            defaults = {"in_app": bool(in_app), "email": email}
            if event in telegram:
                defaults["telegram"] = telegram[event]
            NotificationPreference.objects.update_or_create(user=user, event=event, defaults=defaults)


def notification_unsubscribe(*, user_id: int, event: str) -> list[str]:
    """One-click unsubscribe from the emails of one event type (or from a digest: every event type
    sent in that digest). Idempotent. Returns the event keys now off."""
    if event in DIGEST_EVENTS:
        period = event.split(".", 1)[1]
        # What this person chose as that digest, and what came in it by default (followed news in
        # "auto" mode): the event types of the digest's items.
        chosen = NotificationPreference.objects.filter(user_id=user_id, email=period).values_list("event", flat=True)
        delivered = (
            EmailDelivery.objects.filter(user_id=user_id, digest=period)
            .order_by()
            .values_list("event", flat=True)
            .distinct()
        )
        events = sorted(key for key in {*chosen, *delivered} if key in event_types())
    elif event in event_types():
        events = [event]
    elif event == ALL_EMAILS:
        events = [key for key, event_type in event_types().items() if event_type.email]
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
            **({} if event == ALL_EMAILS else {"event__in": [*events, event]}),
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
        transaction.on_commit(lambda: _queue_email(event, key), robust=True)
    return count
