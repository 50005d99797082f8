"""The hearing's state machine on the one engine (portal.transitions): staff of the maslikhat move a
hearing along Hearing.TRANSITIONS (postpone, cancel, hold with its minutes); each move appends a
HearingHistory row with its own action name, is audited, and tells registrants and followers once the
row is unlocked."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hearings.access import staff_may_manage
from hearings.models import Hearing, HearingHistory, Registration
from notifications.follows import followers_of
from notifications.services import notify
from portal.transitions import SYSTEM, Move, Table, transition

STAFF = "staff"
ACTIVE_REGISTRATION = (Registration.Status.SEATED, Registration.Status.WAITLISTED, Registration.Status.ATTENDED)

TRANSITIONS = {(frm, to): frozenset({STAFF}) for frm, targets in Hearing.TRANSITIONS.items() for to in targets}


def _roles_of(actor, hearing: Hearing) -> set[str]:
    if actor is None:
        return {SYSTEM}
    return {STAFF} if staff_may_manage(actor, hearing.maslikhat) else set()


def _refused(hearing: Hearing, from_status: str, to: str) -> ValidationError:
    return ValidationError(
        _("A hearing that is “%(status)s” cannot become “%(to)s”.")
        % {"status": Hearing.Status(from_status).label, "to": Hearing.Status(to).label}
    )


def history(hearing, action, actor=None, reason="", before=None, after=None) -> None:
    """Append a row to the hearing's history (moves and the other changes staff make)."""
    HearingHistory.objects.create(
        hearing=hearing,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        before=before or {},
        after=after or {},
    )


def _history(move: Move) -> None:
    details = move.details
    history(
        move.obj,
        details["action"],
        move.actor,
        reason=details.get("reason", ""),
        before=details.get("before"),
        after=details.get("after"),
    )


def registrant_ids(hearing: Hearing):
    """The registrants of the hearing."""
    return hearing.registrations.filter(status__in=ACTIVE_REGISTRATION).values_list("user_id", flat=True).iterator()


def _notify(move: Move) -> None:
    # Registrants at once; followers of the hearing (a registration follows it; one may unfollow,
    # and others follow without registering) as followers, in their digest by default.
    event, key = move.details["event_key"]
    notify(
        event=event,
        obj=move.obj,
        recipients=registrant_ids(move.obj),
        followers=followers_of(move.obj).iterator(),
        key=key,
    )


TABLE = Table(
    moves=TRANSITIONS,
    roles_of=_roles_of,
    refused=_refused,
    forbidden=gettext_lazy("You do not have permission to do this."),
    lock=lambda: Hearing.objects.select_related("maslikhat"),
)


def hearing_transition(
    hearing: Hearing,
    to: str,
    *,
    actor,
    action: str,
    audit_action: str,
    changes: dict,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    audit_after: dict | None = None,
    event: tuple[str, str] | None = None,
) -> Hearing:
    """Move a hearing the caller has locked and validated: `action` names the history row,
    `event` is (notification event, key) or None for a move nobody is told of."""
    return transition(
        hearing,
        to,
        actor=actor,
        table=TABLE,
        history=_history,
        audit_action=audit_action,
        event=_notify if event else None,
        locked=True,
        changes=changes,
        audit_before=before,
        audit_after=audit_after,
        action=action,
        reason=reason,
        before=before,
        after=after,
        event_key=event,
    )
