"""The petition state machine: the allowed-transitions table, who may make each move, and what
entering each state sets (one small function per state). `petition_transition` runs a move through
the one engine, `portal.transitions.transition`: lock, check, save, history, audit, then notify."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.selectors import maslikhat_chair
from notifications.follows import followers_of
from notifications.services import notify
from petitions import access
from petitions.models import AnswerAttachment, Petition, PetitionHistory
from petitions.selectors import rules_for_maslikhat
from petitions.text import render_markdown
from petitions.watch import drop_petition
from portal.models import Role, RoleGrant
from portal.transitions import SYSTEM, Move, Table, transition
from portal.workdays import add_months, add_working_days

S = Petition.Status
AUTHOR, MODERATOR, ANSWERER = "author", "moderator", "answerer"

# (from, to) -> who may make the move. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({AUTHOR}),
    (S.DRAFT, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.SUBMITTED, S.IN_MODERATION): frozenset({MODERATOR}),
    (S.SUBMITTED, S.REJECTED): frozenset({MODERATOR}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.IN_MODERATION, S.GATHERING_SUPPORT): frozenset({MODERATOR}),
    (S.IN_MODERATION, S.REJECTED): frozenset({MODERATOR}),
    (S.IN_MODERATION, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.GATHERING_SUPPORT, S.OPEN): frozenset({SYSTEM}),
    (S.GATHERING_SUPPORT, S.LAPSED): frozenset({SYSTEM}),
    (S.GATHERING_SUPPORT, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.OPEN, S.THRESHOLD_REACHED): frozenset({SYSTEM}),
    (S.OPEN, S.CLOSED): frozenset({SYSTEM}),
    (S.OPEN, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.THRESHOLD_REACHED, S.AWAITING_ANSWER): frozenset({SYSTEM, AUTHOR}),
    (S.AWAITING_ANSWER, S.ANSWERED): frozenset({ANSWERER}),
}

# The notification sent when a petition enters a state, and who receives it.
EVENTS = {
    S.SUBMITTED: ("petition.submitted", ("author", "moderators")),
    S.GATHERING_SUPPORT: ("petition.moderated", ("author",)),
    S.REJECTED: ("petition.rejected", ("author",)),
    S.OPEN: ("petition.published", ("author",)),
    S.THRESHOLD_REACHED: ("petition.threshold_reached", ("author", "answerers")),
    S.ANSWERED: ("petition.answered", ("author", "signers")),
    S.LAPSED: ("petition.lapsed", ("author",)),
    S.CLOSED: ("petition.closed", ("author",)),
}


def _roles_of(actor, petition: Petition) -> set[str]:
    if actor is None:
        return {SYSTEM}
    roles = set()
    if petition.author_id == actor.pk:
        roles.add(AUTHOR)
    if access.may_moderate(actor, petition):
        roles.add(MODERATOR)
    if access.may_answer(actor, petition):
        roles.add(ANSWERER)
    return roles


# ------------------------------------------------------------------------------
# What entering a state sets; a ValidationError refuses missing input
# ------------------------------------------------------------------------------
def _on_enter_submitted(move: Move) -> None:
    petition = move.obj
    rules = rules_for_maslikhat(petition.maslikhat)
    petition.rules = rules
    petition.submitted_at = timezone.now()
    petition.moderation_due = add_working_days(timezone.localdate(), rules.moderation_working_days)


def _on_enter_gathering_support(move: Move) -> None:
    petition = move.obj
    rules = rules_for_maslikhat(petition.maslikhat)
    threshold = rules.threshold_for(petition.maslikhat.unit.population)
    if threshold is None:
        raise ValidationError(
            _(
                "The population of this maslikhat's territory is unknown, so its threshold cannot be set. Enter it in the administration first."  # noqa: E501
            )
        )
    petition.rules, petition.threshold, petition.support_gate = rules, threshold, rules.support_gate_signatures
    petition.published_at = timezone.now()
    petition.support_due = add_working_days(timezone.localdate(), rules.support_gate_working_days)
    petition.moderation_note = move.details.get("note", "")


def _on_enter_rejected(move: Move) -> None:
    petition = move.obj
    # The topics in force now (a corrected list is a new rules version), as on the moderation page.
    rules = rules_for_maslikhat(petition.maslikhat)
    category, reason = move.details.get("category", ""), (move.details.get("reason") or "").strip()
    errors = {}
    if category not in {code for code, _label in rules.category_choices()}:
        errors["category"] = _("Choose the excluded category that applies.")
    if not reason:
        errors["reason"] = _("Write the reason that will be published.")
    if errors:
        raise ValidationError(errors)
    petition.rules, petition.rejection_category, petition.rejection_reason = rules, category, reason
    petition.moderation_note = move.details.get("note", "")
    petition.ended_at = timezone.now()
    move.audit_after["category"] = category


def _on_enter_open(move: Move) -> None:
    petition = move.obj
    petition.opened_at = timezone.now()
    petition.collection_ends = add_months(timezone.localdate(), petition.rules.collection_months)


def _on_enter_threshold_reached(move: Move) -> None:
    move.obj.threshold_reached_at = move.obj.threshold_reached_at or timezone.now()


def _on_enter_awaiting_answer(move: Move) -> None:
    petition, rules, today = move.obj, move.obj.rules, timezone.localdate()
    petition.sent_at = timezone.now()
    petition.answer_due = (
        add_working_days(today, rules.answer_days)
        if rules.answer_days_working
        else today + timedelta(days=rules.answer_days)
    )
    # Shown with the date wherever it is shown; a delivery replaces both with the route's term.
    petition.answer_term_unconfirmed = rules.answer_unconfirmed


def _answer_signatory(move: Move) -> tuple[str, object, bool]:
    """Who answers: (the chairperson's name, their register row or None, published on their behalf).
    The chairperson answers in person; anyone else with the right (staff, a superuser) publishes on
    the chairperson's behalf and names them (by default the chairperson in the register)."""
    petition = move.obj
    chair = access.sitting_chair(move.actor)
    if chair is not None and chair.maslikhat_id == petition.maslikhat_id:
        return chair.full_name, chair, False
    registered = maslikhat_chair(petition.maslikhat)
    name = " ".join((move.details.get("chairperson") or "").split())
    if not name and registered is not None:
        name = registered.full_name
    if not name:
        raise ValidationError(
            {"chairperson": _("Name the maslikhat's chairperson on whose behalf the answer is published.")}
        )
    same = registered is not None and registered.full_name.casefold() == name.casefold()
    return name, registered if same else None, True


def _on_enter_answered(move: Move) -> None:
    """The answer's text, who answers (the chairperson, or staff on their behalf), the optional public
    discussion and media announcement, and the (already checked) attachments, saved under the same lock."""
    petition, now = move.obj, timezone.now()
    text = (move.details.get("text") or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write the answer.")
    held_on = move.details.get("discussion_held_on")
    discussion = (move.details.get("discussion") or "").strip()
    if held_on is not None and held_on > timezone.localdate():
        errors["discussion_held_on"] = _("A public discussion that was held has a date that has passed.")
    if discussion and held_on is None:
        errors["discussion_held_on"] = _("Give the date the public discussion was held.")
    announcement = (move.details.get("announcement_url") or "").strip()
    if announcement and not announcement.lower().startswith(("https://", "http://")):
        errors["announcement_url"] = _("Give the address (https://...) of the announcement in the media.")
    try:
        signatory, deputy, on_behalf = _answer_signatory(move)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    petition.answer_text, petition.answer_html = text, render_markdown(text)
    petition.answered_by, petition.answered_at, petition.ended_at = move.actor, now, now
    petition.answer_signatory, petition.answer_deputy, petition.answer_on_behalf = signatory, deputy, on_behalf
    petition.answer_discussion_held_on, petition.answer_discussion = held_on, discussion
    petition.answer_announcement_url = announcement
    move.audit_after.update(
        {
            "signatory": signatory,
            "signatory_deputy": deputy.pk if deputy else None,
            "on_behalf": on_behalf,
            "discussion_held_on": str(held_on) if held_on else None,
            "announcement_url": announcement,
        }
    )
    for upload in move.details.get("attachments", ()):
        attachment = AnswerAttachment(
            petition=petition, original_name=upload.name, content_type=upload.content_type, size=upload.size
        )
        attachment.file.save(upload.name, upload.file, save=False)
        attachment.save()


def _on_enter_ended(move: Move) -> None:
    move.obj.ended_at = timezone.now()


ON_ENTER = {
    S.SUBMITTED: _on_enter_submitted,
    S.GATHERING_SUPPORT: _on_enter_gathering_support,
    S.REJECTED: _on_enter_rejected,
    S.OPEN: _on_enter_open,
    S.THRESHOLD_REACHED: _on_enter_threshold_reached,
    S.AWAITING_ANSWER: _on_enter_awaiting_answer,
    S.ANSWERED: _on_enter_answered,
    S.LAPSED: _on_enter_ended,
    S.CLOSED: _on_enter_ended,
    S.WITHDRAWN: _on_enter_ended,
}


# ------------------------------------------------------------------------------
# History, caches and notifications of a move
# ------------------------------------------------------------------------------
def _history(move: Move) -> None:
    petition = move.obj
    PetitionHistory.objects.create(
        petition=petition,
        actor=move.actor,
        from_status=move.from_status,
        to_status=move.to,
        public_note=petition.rejection_reason if move.to == S.REJECTED else "",
        private_note=move.details.get("note", ""),
        is_public=petition.published_at is not None or move.to == S.REJECTED,
    )


def _drop_caches(move: Move) -> None:
    # Signing reads the petition from the cache (watch.access_petition_for_signing), watchers its
    # page and count: drop them now and again after the commit, so no request re-caches the state
    # this move replaces.
    pk = move.obj.pk
    drop_petition(pk)
    transaction.on_commit(lambda: drop_petition(pk))


def _recipients(kind: str, petition: Petition):
    if kind == "author":
        return [petition.author_id]
    code = petition.maslikhat.code
    if kind == "moderators":
        roles = [Role.STAFF, Role.MODERATOR]
    elif kind == "answerers":
        roles = [Role.STAFF, Role.DEPUTY]
        deputies = list(
            petition.maslikhat.deputies.filter(status="active", user__isnull=False).values_list("user_id", flat=True)
        )
        granted = RoleGrant.objects.active().filter(scope_code=code, role__in=roles).values_list("user_id", flat=True)
        return sorted(set(granted) | set(deputies))
    elif kind == "signers":
        # Signers follow the petition once their signature is tallied (petitions.tally), and may
        # unfollow; other followers of the petition hear the news too.
        return followers_of(petition).iterator(chunk_size=2000)
    else:
        raise LookupError(kind)
    return sorted(
        set(RoleGrant.objects.active().filter(scope_code=code, role__in=roles).values_list("user_id", flat=True))
    )


def _notify(move: Move) -> None:
    if move.to not in EVENTS:
        return
    petition = move.obj
    event, kinds = EVENTS[move.to]
    for kind in kinds:
        # Signers hear the news as followers (a daily digest by default); the author and officials at once.
        people = {"followers" if kind == "signers" else "recipients": _recipients(kind, petition)}
        notify(event=event, obj=petition, key=f"petition:{petition.pk}:{move.to}", **people)


def _refused(petition: Petition, from_status: str, to: str) -> ValidationError:
    return ValidationError(
        _("A petition that is “%(current)s” cannot become “%(target)s”.")
        % {"current": S(from_status).label, "target": S(to).label}
    )


TABLE = Table(
    moves=TRANSITIONS,
    roles_of=_roles_of,
    refused=_refused,
    forbidden=gettext_lazy("You may not do this with this petition."),
    lock=lambda: Petition.objects.select_related("maslikhat__unit", "rules", "author"),
    on_enter=ON_ENTER,
    on_saved=_drop_caches,
)


def allowed_transitions(petition: Petition, actor) -> list[str]:
    return TABLE.allowed(petition, actor)


def petition_transition(*, petition: Petition, to: str, actor=None, **details) -> Petition:
    """Move a petition to `to` if the table allows it from its current state and the actor holds
    a role that may; everything else is refused and changes nothing. Notifications are written
    after the move's transaction, outside the row lock (portal.transitions)."""
    return transition(
        petition,
        to,
        actor=actor,
        table=TABLE,
        history=_history,
        audit_action=f"petition.{to}",
        event=_notify,
        **details,
    )
