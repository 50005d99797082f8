"""What apps plug into notifications, in their AppConfig.ready(): event types and followable models.

    from notifications.registry import EventType, register_event, register_followable

    register_event(EventType(key="petition.answered", label=_("..."), template="petition_answered",
                             model="petitions.petition"))
    register_followable("petitions.petition")

Notifications imports no app: an event names its object's model by label, a followable is a model
label. `notifications/checks.py` fails at start (manage.py check, runserver, migrate) on a
registration that does not resolve, instead of a silent skip at send time."""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

DIGEST_EVENTS = ("digest.daily", "digest.weekly")
# The unsubscribe token for every email at once ("Unsubscribe from all emails", in each email and on the
# settings page).
ALL_EMAILS = "all"


# ------------------------------------------------------------------------------
# Event types
# ------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class Topic:
    """The event types of one app (the app of the events' model: petitions, hearings, recall
    requests...), shown on the settings page as one group with one control per channel."""

    key: str  # the app label: "petitions"
    label: str  # the app's verbose name, lazily translated
    events: tuple[EventType, ...]


def listed_topics() -> list[Topic]:
    """Listed event types grouped by the app of their model, in the order of their first event key."""
    groups: dict[str, list[EventType]] = {}
    for event in listed_event_types():
        groups.setdefault(event.model.partition(".")[0] if event.model else "", []).append(event)
    topics = []
    for key, events in groups.items():
        try:
            label = apps.get_app_config(key).verbose_name if key else _("Other news")
        except LookupError:
            label = _("Other news")
        topics.append(Topic(key=key or "other", label=label, events=tuple(events)))
    return topics


def get_event(key: str) -> EventType:
    try:
        return _EVENTS[key]
    except KeyError:
        raise LookupError(f"Unknown notification event {key!r}; register it in AppConfig.ready().") from None


# ------------------------------------------------------------------------------
# Followables: the model labels a user may follow through the follow form
# ------------------------------------------------------------------------------
_FOLLOWABLE: dict[str, Callable | None] = {}


def register_followable(model_label: str, *, visible: Callable | None = None) -> None:
    """Let users follow objects of this model ("deputies.deputy"). A label that names no installed
    model fails the system checks (notifications.E003). `visible(user, obj) -> bool` is the app's own
    rule for who may see an object (as its page does); without it every object is public. An object
    the user may not see cannot be followed (answered like a missing one) and is not listed."""
    _FOLLOWABLE[model_label.lower()] = visible


def followable_labels() -> frozenset[str]:
    return frozenset(_FOLLOWABLE)


def followable_visible_to(user, obj) -> bool:
    rule = _FOLLOWABLE.get(obj._meta.label_lower)
    return rule is None or bool(rule(user, obj))
