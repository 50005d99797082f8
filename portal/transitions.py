"""One transition engine for every state machine (petitions, recalls, hearings, and later apps).

An app describes its machine once, as a `Table`: which (from, to) moves exist, which roles may make
each, the actor's roles on an object, and a small named function per state for what entering it sets
(`_on_enter_open`, ...). `transition()` then does the same steps for every app, in this order:

1. lock the row (`select_for_update`) and read its status;
2. refuse a move the table does not list (ValidationError) or an actor without a role that may make
   it (PermissionDenied); nothing is changed;
3. run the state's `on_enter` function (it may refuse missing input with a ValidationError);
4. save with `update_fields`: the status and exactly the fields the `on_enter` function changed;
5. append the history row (the app's `history` function writes its `*History` model);
6. write the audit entry (`portal.audit`);
7. after the block: the app's `event` function notifies.

A service that must read the locked row to validate the request first (recalls, hearings) locks it
itself and passes it with `locked=True`, and the fields it decided with `changes`; a service that
makes several writes around a move uses `portal.transitions.atomic()` instead of
`transaction.atomic()`, so the notifications wait until its block is done too.

The notification runs after the transaction block, never inside it: fanning out to 100,000 followers
takes ~8 s, and inside the block the row lock would be held all that time (the tally and every
signature's foreign-key check wait on it). When the block is the outermost transaction, the row is
committed and unlocked by then; the event writes the inbox rows in a transaction of its own and
`notify()` queues the emails with `transaction.on_commit`; a failure to notify is logged and does not
undo the move (as `on_commit(robust=True)`). Inside a transaction the caller opened with
`transaction.atomic()` (a test's, or code not yet using `atomic()` below), the event runs at the end of
the block, in that transaction, and rolls back with it.

`portal` knows no app: the tables, history models and notifications are the apps' own.
"""

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction

from portal.audit import audit_record

log = logging.getLogger(__name__)

SYSTEM = "system"  # the role of a move made by a task or the tally (actor None)


@dataclass
class Move:
    """One move under way: what the per-state functions, the history writer and the event see."""

    obj: models.Model
    from_status: str
    to: str
    actor: Any
    details: dict
    # What the audit entry adds to {"status": ...} before and after; per-state functions add to them.
    audit_before: dict = field(default_factory=dict)
    audit_after: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """An app's state machine.

    moves: (from, to) -> the roles that may make the move; a move not listed is refused.
    roles_of: (actor, obj) -> the actor's roles on the object (an actor None is the SYSTEM).
    on_enter: to -> fn(move) setting the fields that entering `to` sets; may raise ValidationError.
    refused: (obj, from, to) -> the ValidationError for a move the table does not list.
    forbidden: the PermissionDenied message for an actor without a role (a lazy translation).
    lock: the queryset the locked row is read from (select_related for what on_enter needs).
    scope: obj -> the maslikhat code the audit entry is filed under.
    on_saved: fn(move) run inside the block after history and audit (e.g. dropping caches).
    """

    moves: Mapping[tuple[str, str], frozenset[str]]
    roles_of: Callable[[Any, models.Model], set[str]]
    refused: Callable[[models.Model, str, str], ValidationError]
    lock: Callable[[], models.QuerySet]
    forbidden: Any
    on_enter: Mapping[str, Callable[[Move], None]] = field(default_factory=dict)
    scope: Callable[[models.Model], str] = lambda obj: obj.maslikhat.code
    on_saved: Callable[[Move], None] | None = None
    status_field: str = "status"

    def allowed(self, obj: models.Model, actor) -> list[str]:
        """The states `actor` may move `obj` to from where it is now."""
        roles = self.roles_of(actor, obj)
        current = getattr(obj, self.status_field)
        return [to for (frm, to), who in self.moves.items() if frm == current and roles & who]

    def check(self, obj: models.Model, to: str, actor) -> None:
        """Refuse the move as `transition()` would, changing nothing: a ValidationError for a move the
        table does not list, PermissionDenied for an actor without a role that may make it."""
        current = getattr(obj, self.status_field)
        who = self.moves.get((current, to))
        if who is None:
            raise self.refused(obj, current, to)
        if not self.roles_of(actor, obj) & who:
            raise PermissionDenied(str(self.forbidden))


def _values(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}


def transition(
    obj: models.Model,
    to: str,
    *,
    actor,
    table: Table,
    history: Callable[[Move], None],
    audit_action: str,
    event: Callable[[Move], None] | None = None,
    locked: bool = False,
    changes: dict | None = None,
    audit_before: dict | None = None,
    audit_after: dict | None = None,
    **details,
) -> models.Model:
    """Move `obj` to `to` (steps in the module docstring) and return the moved row.

    locked: `obj` is a row the caller has already locked in its transaction (it read the row under
    the lock to validate the request); the engine then uses it instead of reading it again.
    changes: fields the caller decided with the move ({field name: value}), set after the checks
    and saved with it.
    audit_before, audit_after: what the audit entry records beside the status."""
    with transaction.atomic():
        row = obj if locked else table.lock().select_for_update(of=("self",)).get(pk=obj.pk)
        from_status = getattr(row, table.status_field)
        table.check(row, to, actor)
        move = Move(
            obj=row,
            from_status=from_status,
            to=to,
            actor=actor,
            details=details,
            audit_before=dict(audit_before or {}),
            audit_after=dict(audit_after or {}),
        )
        before = _values(row)
        for name, value in (changes or {}).items():
            setattr(row, name, value)
        enter = table.on_enter.get(to)
        if enter is not None:
            enter(move)
        setattr(row, table.status_field, to)
        after = _values(row)
        changed = [
            f.name for f in row._meta.concrete_fields if f.attname in after and before[f.attname] != after[f.attname]
        ]
        row.save(update_fields=sorted({table.status_field, *changed}))
        history(move)
        audit_record(
            actor=actor,
            action=audit_action,
            obj=row,
            before={"status": from_status, **move.audit_before},
            after={"status": to, **move.audit_after},
            scope_code=table.scope(row),
        )
        if table.on_saved is not None:
            table.on_saved(move)
    if event is not None:
        pending = _pending.get()
        if pending is not None:
            pending.append((event, move))
        else:
            _after_the_lock(event, move)
    return row


_pending: ContextVar[list | None] = ContextVar("portal_transitions_pending", default=None)


@contextmanager
def atomic() -> Iterator[None]:
    """`transaction.atomic()` for a service that moves a row among other writes: the notifications of
    the moves made inside wait until the whole block is done (committed and unlocked when it is the
    outermost transaction), and are dropped if it fails."""
    if _pending.get() is not None:
        with transaction.atomic():
            yield
        return
    pending: list = []
    token = _pending.set(pending)
    try:
        with transaction.atomic():
            yield
    finally:
        _pending.reset(token)
    for event, move in pending:
        _after_the_lock(event, move)


def _after_the_lock(event: Callable[[Move], None], move: Move) -> None:
    if connection.in_atomic_block:
        # Nested in the caller's transaction: notified there, committed (or rolled back) with it.
        event(move)
        return
    # Committed and unlocked: a failure to notify must not fail the move that is already done,
    # as with transaction.on_commit(robust=True).
    try:
        with transaction.atomic():
            event(move)
    except Exception:
        log.exception("notifying %s %s -> %s failed", move.obj._meta.label_lower, move.obj.pk, move.to)
