"""Notifications: apps declare events; `notify()` writes in-app notifications and queues email.

Apps register their events in AppConfig.ready() with `register_event`; portal never imports an app.
Email is rendered in the recipient's language from `emails/<template>_subject.txt`,
`_message.txt` and `_message.html` (allauth's naming), at send time, by a Celery task.
Exactly once: one EmailDelivery row per (recipient, event, key), enforced by the database; the
sending protocol is in portal/emails.py and docs/notifications.md."""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from portal.models import EmailDelivery, Notification, NotificationPreference

log = logging.getLogger(__name__)

CHUNK = 500
DIGEST_EVENTS = ("digest.daily", "digest.weekly")


@dataclass(frozen=True)
class EventType:
    key: str  # "petition.answered"
    label: str  # lazily translated, shown in preferences
    template: str  # "petition_answered" -> emails/petition_answered_subject.txt ...
    model: str = ""  # "petitions.petition": where the object of the event lives
    # (obj, user) -> [(filename, content, mimetype)], e.g. an .ics for a hearing
    attachments: Callable | None = None
    # (obj, user) -> extra template context, computed at send time
    context: Callable | None = None
    email: bool = True
    # (obj) -> maslikhat code, so that staff of that maslikhat see the deliveries. Without it,
    # notify() uses obj.maslikhat.code or obj.scope_code when the object has one.
    scope: Callable | None = None
    # False hides the event from the preferences page (e.g. account security mail).
    listed: bool = True


_EVENTS: dict[str, EventType] = {}


def register_event(event: EventType) -> None:
    _EVENTS[event.key] = event


def event_types() -> dict[str, EventType]:
    return dict(_EVENTS)


def listed_event_types() -> list[EventType]:
    return sorted((e for e in _EVENTS.values() if e.listed), key=lambda e: e.key)


def get_event(key: str) -> EventType:
    try:
        return _EVENTS[key]
    except KeyError:
        raise LookupError(f"Unknown notification event {key!r}; register it in AppConfig.ready().") from None


def _scope_code(event_type: EventType, obj) -> str:
    if event_type.scope:
        return event_type.scope(obj) or ""
    code = getattr(obj, "scope_code", None)
    if isinstance(code, str):
        return code
    maslikhat = getattr(obj, "maslikhat", None)
    return getattr(maslikhat, "code", "") or ""


def _user_ids(recipients: Iterable) -> Iterator[int]:
    """Users, ids, or a queryset of either, streamed: 100,000 signers never sit in memory at once."""
    if isinstance(recipients, QuerySet):
        if recipients._iterable_class.__name__ == "ModelIterable":
            recipients = recipients.values_list("pk", flat=True)
        recipients = recipients.iterator(chunk_size=CHUNK * 4)
    for recipient in recipients:
        yield getattr(recipient, "pk", recipient)


def notify(*, event: str, obj, recipients: Iterable, key: str = "") -> int:
    """Notify each recipient (users, user ids, or a queryset of either) once per (event, key), on the
    channels each one chose for this event type. Call inside the transaction that made the change:
    the emails are queued only when it commits. Returns the number of recipients considered."""
    event_type = get_event(event)
    key = key or f"{obj._meta.label_lower}:{obj.pk}"
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    scope_code = _scope_code(event_type, obj)[:40]
    total = 0
    queued_immediate = False
    batch: list[int] = []

    def flush(user_ids: list[int]) -> bool:
        prefs = {
            p["user_id"]: p
            for p in NotificationPreference.objects.filter(event=event, user_id__in=user_ids).values(
                "user_id", "in_app", "email"
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
        deliveries = []
        for uid in user_ids:
            mode = prefs.get(uid, {}).get("email", NotificationPreference.Email.IMMEDIATE)
            if mode == NotificationPreference.Email.OFF:
                continue
            held = mode in (NotificationPreference.Email.DAILY, NotificationPreference.Email.WEEKLY)
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

    for uid in _user_ids(recipients):
        batch.append(uid)
        if len(batch) >= CHUNK:
            queued_immediate |= flush(batch)
            total += len(batch)
            batch = []
    if batch:
        queued_immediate |= flush(batch)
        total += len(batch)
    if queued_immediate:
        # robust: a broker outage must not fail the committed change; the recovery task
        # (portal.tasks.email_recover_task, on beat) queues the rows that were left pending.
        transaction.on_commit(lambda: _queue_email(event, key), robust=True)
    return total


def _queue_email(event: str, key: str) -> None:
    from portal.tasks import email_fanout_task

    email_fanout_task.delay(event, key)


def followers_of(*objs) -> QuerySet:
    """Ids of the users who follow any of these objects, without duplicates: a queryset that
    notify() streams. Example: notify(event=..., obj=hearing, recipients=followers_of(hearing.maslikhat,
    hearing.district))."""
    from portal.follows import followers_of as _followers_of

    return _followers_of(*objs)
