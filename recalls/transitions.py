"""The recall procedure's state machine on the one engine (portal.transitions): the stages each
actor may move a recall between (the edges are RecallRequest.TRANSITIONS), the history row, and who
hears of each stage. The services (recalls.services) validate each step on the locked row first and
pass what they decided as `changes`."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.follows import followers_of
from notifications.services import notify
from portal.models import Role, RoleGrant
from portal.transitions import SYSTEM, Move, Table, transition
from recalls.access import is_commission_for, is_initiator
from recalls.models import RecallHistory, RecallRequest

Status = RecallRequest.Status
INITIATOR, COMMISSION = "initiator", "commission"

# Who may make each move of RecallRequest.TRANSITIONS.
WHO = {
    (Status.GROUP_FORMING, Status.REGISTRATION_REVIEW): frozenset({INITIATOR}),
    (Status.GROUP_FORMING, Status.WITHDRAWN): frozenset({INITIATOR}),
    (Status.GROUP_FORMING, Status.LAPSED): frozenset({SYSTEM}),
    (Status.REGISTRATION_REVIEW, Status.COLLECTING): frozenset({COMMISSION}),
    (Status.REGISTRATION_REVIEW, Status.REFUSED): frozenset({COMMISSION}),
    (Status.REGISTRATION_REVIEW, Status.WITHDRAWN): frozenset({INITIATOR}),
    (Status.COLLECTING, Status.VERIFICATION): frozenset({INITIATOR, SYSTEM}),
    (Status.COLLECTING, Status.LAPSED): frozenset({SYSTEM}),
    (Status.VERIFICATION, Status.VOTE_PENDING): frozenset({COMMISSION}),
    (Status.VERIFICATION, Status.INSUFFICIENT): frozenset({COMMISSION}),
    (Status.VOTE_PENDING, Status.RECALLED): frozenset({COMMISSION}),
    (Status.VOTE_PENDING, Status.NOT_RECALLED): frozenset({COMMISSION}),
    (Status.VOTE_PENDING, Status.VOTE_INVALID): frozenset({COMMISSION}),
}
assert set(WHO) == {(frm, to) for frm, targets in RecallRequest.TRANSITIONS.items() for to in targets}


def _roles_of(actor, recall: RecallRequest) -> set[str]:
    if actor is None:
        return {SYSTEM}
    roles = set()
    if is_initiator(actor, recall):
        roles.add(INITIATOR)
    if is_commission_for(actor, recall):
        roles.add(COMMISSION)
    return roles


def _on_enter_ended(move: Move) -> None:
    move.obj.ended_on = move.details.get("today") or timezone.localdate()


def _refused(recall: RecallRequest, from_status: str, to: str) -> ValidationError:
    return ValidationError(
        _("A recall request at the stage “%(stage)s” cannot move to “%(target)s”.")
        % {"stage": Status(from_status).label, "target": Status(to).label},
        code="transition",
    )


def _history(move: Move) -> None:
    RecallHistory.objects.create(
        recall=move.obj,
        from_status=move.from_status,
        to_status=move.to,
        actor=move.actor if getattr(move.actor, "pk", None) else None,
        note=move.details.get("note", ""),
    )


def _commission_users(recall: RecallRequest):
    return (
        RoleGrant.objects.active()
        .filter(role=Role.COMMISSION, scope_code=recall.maslikhat.code)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _deputy_users(deputy) -> list[int]:
    ids = set(
        RoleGrant.objects.active()
        .filter(role=Role.DEPUTY, scope_code=f"deputy:{deputy.pk}")
        .values_list("user_id", flat=True)
    )
    if deputy.user_id:
        ids.add(deputy.user_id)
    return sorted(ids)


def _stage_recipients(recall: RecallRequest, to_status: str) -> list[int]:
    """The deputy is told of every stage; the initiator too; the commission when it must act."""
    ids = set(_deputy_users(recall.deputy))
    if recall.initiator_id:
        ids.add(recall.initiator_id)
    if to_status in {Status.REGISTRATION_REVIEW, Status.VERIFICATION}:
        ids.update(_commission_users(recall))
    return sorted(ids)


def _notify(move: Move) -> None:
    recall = move.obj
    # Citizens who follow the recall, its deputy or the district hear of every stage too.
    followers = followers_of(recall, recall.deputy, recall.deputy.district).iterator()
    notify(
        event=f"recall.{move.to}",
        obj=recall,
        key=f"recall:{recall.pk}:{move.to}",
        recipients=_stage_recipients(recall, move.to),
        followers=followers,
    )


TABLE = Table(
    moves=WHO,
    roles_of=_roles_of,
    refused=_refused,
    forbidden=gettext_lazy("You do not have permission to do this."),
    lock=lambda: RecallRequest.objects.with_related(),
    on_enter={status: _on_enter_ended for status in RecallRequest.TERMINAL},
)


def recall_transition(
    recall: RecallRequest,
    to_status: str,
    *,
    actor,
    note: str = "",
    today: date | None = None,
    audit_after: dict | None = None,
    changes: dict | None = None,
) -> RecallRequest:
    """Move a recall the caller has locked (and validated) to `to_status`, with the fields it
    decided: check the table, save, append history, audit, then notify (portal.transitions)."""
    return transition(
        recall,
        to_status,
        actor=actor,
        table=TABLE,
        history=_history,
        audit_action=f"recall.{to_status}",
        event=_notify,
        locked=True,
        changes=changes,
        audit_after=audit_after,
        note=note,
        today=today,
    )
