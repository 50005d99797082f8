"""What sessions contribute to notifications and follows. This is the only module of the app that
imports the notifications app."""

from django.utils.translation import gettext_lazy as _

from notifications.follows import followers_of
from notifications.models import Follow
from notifications.registry import EventType, register_event, register_followable
from notifications.services import notify

AGENDA_PUBLISHED = "session.agenda_published"
DECISION_ADOPTED = "session.decision_adopted"


def _maslikhat_code(obj) -> str:
    session = getattr(obj, "session", obj)
    return session.maslikhat.code


def register_events() -> None:
    register_followable("sittings.session")
    register_followable("sittings.agendaitem")
    register_event(
        EventType(
            key=AGENDA_PUBLISHED,
            label=_("The agenda of a maslikhat session is published"),
            template="session_agenda_published",
            model="sittings.session",
            scope=_maslikhat_code,
        )
    )
    register_event(
        EventType(
            key=DECISION_ADOPTED,
            label=_("A maslikhat adopted a decision on an agenda item you follow"),
            template="session_decision_adopted",
            model="sittings.agendaitem",
            scope=_maslikhat_code,
        )
    )


def notify_agenda_published(session) -> int:
    """Followers of the maslikhat and of the session. Call inside the publishing transaction."""
    return notify(
        event=AGENDA_PUBLISHED,
        obj=session,
        followers=followers_of(session.maslikhat, session),
        key=f"session:{session.pk}:agenda",
    )


def notify_decision_adopted(decision) -> int:
    item = decision.item
    return notify(
        event=DECISION_ADOPTED,
        obj=item,
        followers=followers_of(item, item.session),
        key=f"decision:{decision.pk}:adopted",
    )


def followed_ids(user, objs) -> set:
    """The pks of objs (one model) that the user follows, in one query (for a list of follow buttons)."""
    objs = list(objs)
    if not objs or not getattr(user, "is_authenticated", False):
        return set()
    ids = Follow.objects.filter(
        user_id=user.pk, object_type=objs[0]._meta.label_lower, object_id__in=[str(o.pk) for o in objs]
    ).values_list("object_id", flat=True)
    return {int(pk) for pk in ids}
