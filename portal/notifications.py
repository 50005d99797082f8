"""Notifications: apps declare events; `notify()` writes in-app notifications and queues email.

Apps register their events in AppConfig.ready() with `register_event`; portal never imports an app.
Email is rendered in the recipient's language from `emails/<template>_subject.txt`,
`_message.txt` and `_message.html` (allauth's naming), at send time, by a Celery task.
Exactly once: one EmailDelivery row per (recipient, event, key), enforced by the database."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from portal.models import EmailDelivery, Notification

CHUNK = 500


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


_EVENTS: dict[str, EventType] = {}


def register_event(event: EventType) -> None:
    _EVENTS[event.key] = event


def event_types() -> dict[str, EventType]:
    return dict(_EVENTS)


def get_event(key: str) -> EventType:
    try:
        return _EVENTS[key]
    except KeyError:
        raise LookupError(f"Unknown notification event {key!r}; register it in AppConfig.ready().") from None


def notify(*, event: str, obj, recipients: Iterable, key: str = "") -> int:
    """Notify each recipient (users or user ids) once per (event, key). Call inside the transaction
    that made the change: the emails are queued only when it commits."""
    event_type = get_event(event)
    key = key or f"{obj._meta.label_lower}:{obj.pk}"
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    total = 0
    batch: list[int] = []

    def flush(user_ids: list[int]) -> None:
        Notification.objects.bulk_create(
            [Notification(user_id=uid, event=event, key=key, object_type=object_type, object_id=object_id, url=url)
             for uid in user_ids],
            ignore_conflicts=True,
        )
        if event_type.email:
            EmailDelivery.objects.bulk_create(
                [EmailDelivery(user_id=uid, event=event, key=key, object_type=object_type, object_id=object_id)
                 for uid in user_ids],
                ignore_conflicts=True,
            )

    for recipient in recipients:
        batch.append(getattr(recipient, "pk", recipient))
        if len(batch) >= CHUNK:
            flush(batch)
            total += len(batch)
            batch = []
    if batch:
        flush(batch)
        total += len(batch)
    if event_type.email and total:
        transaction.on_commit(lambda: _queue_email(event, key))
    return total


def _queue_email(event: str, key: str) -> None:
    from portal.tasks import email_fanout_task

    email_fanout_task.delay(event, key)
