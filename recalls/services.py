"""Write use cases of the recall procedure. Each validates, writes in one transaction, records the
audit entry and queues notifications on commit. Every change of status goes through `_transition`,
which checks RecallRequest.TRANSITIONS and appends to the public history.

IINs are handled as local values only: they are encrypted by the model field, looked up by their
keyed hash, never put into an exception message, an audit entry or a log line."""

import base64
import secrets
from datetime import date
from itertools import chain

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.addresses import AddressInputError
from deputies.models import Deputy
from deputies.selectors import address_lookup
from notifications.follows import follow_add, followers_of
from notifications.services import notify
from portal.audit import audit_record
from portal.crypto import keyed_hash
from portal.eds import EdsError
from portal.eds import enabled as eds_enabled
from portal.eds_challenges import eds_challenge_issue, eds_signature_verify
from portal.iin import validate_iin
from portal.models import EdsChallenge, Role, RoleGrant, User
from portal.workdays import add_working_days
from recalls import rules as recall_rules
from recalls.access import is_commission_for, is_deputy_user
from recalls.models import (
    RecallEdsEvidence,
    RecallGroupMember,
    RecallRequest,
    RecallSignature,
    RecallSignatureCheck,
    RecallTransition,
)

Status = RecallRequest.Status
MAX_GROUNDS = 5000
MAX_REPLY = 5000


class AlreadySigned(ValidationError):
    """This IIN (or this account) has already signed this recall, by someone else or another IIN."""


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def _today() -> date:
    return timezone.localdate()


def _lock(recall: RecallRequest) -> RecallRequest:
    return RecallRequest.objects.select_for_update().with_related().get(pk=recall.pk)


def _require_verified_account(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Please sign in first."))
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise PermissionDenied(_("Please confirm your email address first."))


def _require_commission(actor, recall: RecallRequest) -> None:
    if not is_commission_for(actor, recall):
        raise PermissionDenied(_("Only the election commission for this territory may do this."))


def _require_initiator(actor, recall: RecallRequest) -> None:
    if not getattr(actor, "is_authenticated", False) or recall.initiator_id != actor.pk:
        raise PermissionDenied(_("Only the initiator of the initiative group may do this."))


def _require_status(recall: RecallRequest, *statuses) -> None:
    if recall.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the recall request is at the stage “%(stage)s”.")
            % {"stage": recall.get_status_display()},
            code="stage",
        )


def _voter_iin(iin: str, *, on: date, rules) -> tuple[str, str]:
    """(normalised IIN, keyed hash), or ValidationError under `iin`."""
    try:
        value = validate_iin(iin, on=on, min_age=rules.min_voter_age)
    except ValidationError as error:
        raise ValidationError({"iin": error.messages}) from None
    return value, keyed_hash(value)


def _voter_details(
    iin: str, address: str, recall: RecallRequest, *, on: date, rules, errors: dict
) -> tuple[str, str, str]:
    """A voter's IIN (value, keyed hash) and district address, checked together so that the form
    shows every problem at once with the other fields' `errors`; raises them all if any."""
    iin_value = iin_hash = ""
    try:
        iin_value, iin_hash = _voter_iin(iin, on=on, rules=rules)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        address = _district_address(address, recall)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return iin_value, iin_hash, address


def _district_address(address: str, recall: RecallRequest) -> str:
    """The address as typed, if it lies in the recall's district; else ValidationError under `address`."""
    try:
        lookup = address_lookup(address)
    except AddressInputError as error:
        raise ValidationError({"address": error.messages}) from None
    in_district = any(d.pk == recall.district_id for match in lookup.matches for d in match.districts)
    if not in_district:
        if not lookup.matches:
            message = lookup.hint or _("We could not find this address.")
        else:
            message = _(
                "This address is not in electoral district № %(number)s. Only voters of the district may "
                "take part in this recall."
            ) % {"number": recall.district.number}
        raise ValidationError({"address": [message]})
    return address.strip()


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


def _transition(
    recall: RecallRequest,
    to_status: str,
    *,
    actor,
    note: str = "",
    today: date | None = None,
    audit_after: dict | None = None,
) -> None:
    """Move a locked recall to `to_status`: check the table, save, append history, audit, notify."""
    allowed = RecallRequest.TRANSITIONS.get(recall.status, set())
    if to_status not in allowed:
        raise ValidationError(
            _("A recall request at the stage “%(stage)s” cannot move to “%(target)s”.")
            % {"stage": recall.get_status_display(), "target": Status(to_status).label},
            code="transition",
        )
    from_status = recall.status
    recall.status = to_status
    if to_status in RecallRequest.TERMINAL:
        recall.ended_on = today or _today()
    recall.save()
    RecallTransition.objects.create(
        recall=recall,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"recall.{to_status}",
        obj=recall,
        scope_code=recall.maslikhat.code,
        before={"status": from_status},
        after={"status": to_status, **(audit_after or {})},
    )
    # Citizens who follow the recall, its deputy or the district hear of every stage too.
    followers = followers_of(recall, recall.deputy, recall.deputy.district).iterator()
    notify(
        event=f"recall.{to_status}",
        obj=recall,
        key=f"recall:{recall.pk}:{to_status}",
        recipients=chain(_stage_recipients(recall, to_status), followers),
    )


# ------------------------------------------------------------------------------
# Initiative group
# ------------------------------------------------------------------------------
def recall_start(
    *,
    user: User,
    deputy: Deputy,
    full_name: str,
    iin: str,
    address: str,
    ground: str,
    grounds: str,
    today: date | None = None,
    is_demo: bool = False,
) -> RecallRequest:
    """An initiator (a voter of the deputy's district) opens a recall request and forms a group."""
    today = today or _today()
    _require_verified_account(user)
    rules = recall_rules.rules_in_force(today)
    if rules is None:
        raise ValidationError(_("No recall rules are in force yet. Ask the operator to configure them."))
    problem = recall_rules.eligibility_error(deputy, on=today, rules=rules)
    if problem:
        raise ValidationError({"deputy": [problem]}, code="ineligible")
    errors = {}
    if ground not in RecallRequest.Ground.values:
        errors["ground"] = [_("Choose a ground for the recall.")]
    grounds = (grounds or "").strip()
    if len(grounds) < 50:
        errors["grounds"] = [_("Explain the grounds in at least 50 characters.")]
    elif len(grounds) > MAX_GROUNDS:
        errors["grounds"] = [
            _("The statement of grounds may not be longer than %(n)s characters.") % {"n": MAX_GROUNDS}
        ]
    full_name = (full_name or "").strip()
    if not full_name:
        errors["full_name"] = [_("Write your full name as in your identity document.")]
    probe = RecallRequest(deputy=deputy, district=deputy.district, maslikhat=deputy.maslikhat)
    iin_value, iin_hash, address = _voter_details(iin, address, probe, on=today, rules=rules, errors=errors)
    try:
        with transaction.atomic():
            recall = RecallRequest.objects.create(
                deputy=deputy,
                district=deputy.district,
                maslikhat=deputy.maslikhat,
                rules=rules,
                initiator=user,
                ground=ground,
                grounds=grounds,
                group_size=1,
                is_demo=is_demo,
                group_due_on=add_working_days(today, rules.group_forming_working_days),
            )
            RecallGroupMember.objects.create(
                recall=recall,
                user=user,
                full_name=full_name,
                iin=iin_value,
                iin_hash=iin_hash,
                address=address,
                is_initiator=True,
            )
            RecallTransition.objects.create(recall=recall, from_status="", to_status=Status.GROUP_FORMING, actor=user)
            audit_record(
                actor=user,
                action="recall.start",
                obj=recall,
                scope_code=recall.maslikhat.code,
                after={"deputy": deputy.pk, "ground": ground},
            )
    except IntegrityError:
        raise ValidationError(
            {"deputy": [_("A recall request against this deputy is already open. You can join it instead.")]},
            code="open_exists",
        ) from None
    return recall


def recall_join(
    *, user: User, recall: RecallRequest, full_name: str, iin: str, address: str, today: date | None = None
) -> RecallGroupMember:
    """A voter of the district joins the initiative group while it is forming."""
    today = today or _today()
    _require_verified_account(user)
    errors = {}
    full_name = (full_name or "").strip()
    if not full_name:
        errors["full_name"] = [_("Write your full name as in your identity document.")]
    iin_value, iin_hash, address = _voter_details(iin, address, recall, on=today, rules=recall.rules, errors=errors)
    with transaction.atomic():
        recall = _lock(recall)
        _require_status(recall, Status.GROUP_FORMING)
        if recall.members.filter(Q(user=user) | Q(iin_hash=iin_hash)).exists():
            raise ValidationError(_("You are already a member of this initiative group."), code="duplicate")
        member = RecallGroupMember.objects.create(
            recall=recall, user=user, full_name=full_name, iin=iin_value, iin_hash=iin_hash, address=address
        )
        recall.group_size = recall.members.count()
        recall.save(update_fields=["group_size"])
        audit_record(
            actor=user,
            action="recall.join",
            obj=recall,
            scope_code=recall.maslikhat.code,
            after={"group_size": recall.group_size},
        )
    return member


def recall_submit_group(*, actor: User, recall: RecallRequest, today: date | None = None) -> RecallRequest:
    """The initiator submits the group to the election commission for registration."""
    today = today or _today()
    with transaction.atomic():
        recall = _lock(recall)
        _require_initiator(actor, recall)
        _require_status(recall, Status.GROUP_FORMING)
        size = recall.members.count()
        if size < recall.rules.min_group_size:
            raise ValidationError(
                _("The initiative group needs at least %(min)s members; it has %(n)s.")
                % {"min": recall.rules.min_group_size, "n": size},
                code="group_too_small",
            )
        problem = recall_rules.eligibility_error(recall.deputy, on=today, rules=recall.rules)
        if problem:
            raise ValidationError(problem, code="ineligible")
        recall.group_size = size
        recall.submitted_at = timezone.now()
        recall.registration_due_on = add_working_days(today, recall.rules.registration_review_working_days)
        _transition(recall, Status.REGISTRATION_REVIEW, actor=actor, audit_after={"group_size": size})
    return recall


def recall_withdraw(
    *, actor: User, recall: RecallRequest, reason: str = "", today: date | None = None
) -> RecallRequest:
    with transaction.atomic():
        recall = _lock(recall)
        _require_initiator(actor, recall)
        _require_status(recall, Status.GROUP_FORMING, Status.REGISTRATION_REVIEW)
        _transition(recall, Status.WITHDRAWN, actor=actor, note=(reason or "").strip()[:1000], today=today)
    return recall


# ------------------------------------------------------------------------------
# Registration by the election commission
# ------------------------------------------------------------------------------
def recall_register(
    *, actor: User, recall: RecallRequest, collection_working_days: int | None = None, today: date | None = None
) -> RecallRequest:
    """The commission registers the group and opens signature collection for a period."""
    today = today or _today()
    with transaction.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.REGISTRATION_REVIEW)
        rules = recall.rules
        days = collection_working_days or rules.collection_working_days
        if not 1 <= days <= rules.collection_working_days:
            raise ValidationError(
                {
                    "collection_working_days": [
                        _("The collection period must be from 1 to %(max)s working days.")
                        % {"max": rules.collection_working_days}
                    ]
                }
            )
        voters = recall.district.registered_voters
        if not voters:
            raise ValidationError(
                _(
                    "The number of registered voters of district № %(number)s is not recorded; it decides the "
                    "signature threshold. Record it first."
                )
                % {"number": recall.district.number},
                code="no_voters",
            )
        recall.registered_on = today
        recall.registered_voters = voters
        recall.signature_threshold = recall_rules.signature_threshold(voters, rules)
        recall.collection_ends_on = add_working_days(today, days)
        _transition(
            recall,
            Status.COLLECTING,
            actor=actor,
            today=today,
            audit_after={"threshold": recall.signature_threshold, "collection_ends_on": recall.collection_ends_on},
        )
    return recall


def recall_refuse(*, actor: User, recall: RecallRequest, reason: str, today: date | None = None) -> RecallRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    with transaction.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.REGISTRATION_REVIEW)
        recall.refusal_reason = reason[:5000]
        _transition(recall, Status.REFUSED, actor=actor, note=recall.refusal_reason, today=today)
    return recall


# ------------------------------------------------------------------------------
# Signatures
# ------------------------------------------------------------------------------
def recall_sign(
    *, user: User, recall: RecallRequest, iin: str, address: str, today: date | None = None
) -> tuple[RecallSignature, bool]:
    """One INSERT guarded by unique constraints on (recall, IIN hash) and (recall, account).

    Returns (signature, True) for a new signature and (signature, False) when this account already
    signed with this IIN (a retry). Raises AlreadySigned when the IIN was used by another account or
    this account signed with another IIN. Does not lock or update the recall row: a surge of
    signatures must not serialise on it."""
    today = today or _today()
    _require_verified_account(user)
    recall = RecallRequest.objects.with_related().get(pk=recall.pk)
    _require_status(recall, Status.COLLECTING)
    if recall.collection_ends_on and today > recall.collection_ends_on:
        raise ValidationError(_("The signature collection period has ended."), code="closed")
    if is_deputy_user(user, recall.deputy):
        raise PermissionDenied(_("The deputy cannot sign a recall request against themselves."))
    errors = {}
    iin_value, iin_hash, address = _voter_details(iin, address, recall, on=today, rules=recall.rules, errors=errors)
    try:
        with transaction.atomic():
            signature = RecallSignature.objects.create(
                recall=recall, user=user, iin=iin_value, iin_hash=iin_hash, address=address
            )
            follow_add(user=user, obj=recall)  # signers hear of every stage; they may unfollow
    except IntegrityError:
        mine = RecallSignature.objects.filter(recall=recall, user=user).first()
        if mine is not None and mine.iin_hash == iin_hash:
            return mine, False
        if mine is not None:
            raise AlreadySigned(_("You have already signed this recall request."), code="duplicate_user") from None
        raise AlreadySigned(
            {"iin": [_("A signature with this IIN has already been given for this recall request.")]},
            code="duplicate_iin",
        ) from None
    return signature, True


def recall_eds_challenge(*, user: User, recall: RecallRequest) -> EdsChallenge:
    """The text to sign with EDS for this recall (portal.eds_challenges): names the recall and the
    digest of its statement of grounds; bound to the account, single-use, short-lived."""
    if not eds_enabled():
        raise EdsError("disabled")
    _require_verified_account(user)
    _require_status(recall, Status.COLLECTING)
    return eds_challenge_issue(
        user=user,
        subject=f"recall:{recall.pk}",
        title=f"Recall of deputy {recall.deputy.full_name}",
        text=recall.grounds,
    )


def recall_sign_eds(
    *, user: User, recall: RecallRequest, cms: str, address: str, today: date | None = None
) -> tuple[RecallSignature, bool]:
    """Sign with the citizen's EDS key: the IIN comes from the verified certificate, so it cannot be
    someone else's. Raises ValidationError under `cms` (a translated reason) for any fault in the
    signature, chain, validity, revocation or challenge; AlreadySigned under `iin` when this IIN signed
    from another account. The evidence (certificate serial and issuer, the CMS) is kept with it."""
    today = today or _today()
    _require_verified_account(user)
    recall = RecallRequest.objects.with_related().get(pk=recall.pk)
    _require_status(recall, Status.COLLECTING)
    if recall.collection_ends_on and today > recall.collection_ends_on:
        raise ValidationError(_("The signature collection period has ended."), code="closed")
    if is_deputy_user(user, recall.deputy):
        raise PermissionDenied(_("The deputy cannot sign a recall request against themselves."))
    try:
        with transaction.atomic():
            try:
                identity, data = eds_signature_verify(user=user, subject=f"recall:{recall.pk}", cms_base64=cms)
            except EdsError as error:
                raise ValidationError({"cms": [error.message]}, code=error.code) from None
            iin_value, iin_hash, address = _voter_details(
                identity.iin, address, recall, on=today, rules=recall.rules, errors={}
            )
            signature = RecallSignature.objects.create(
                recall=recall,
                user=user,
                iin=iin_value,
                iin_hash=iin_hash,
                address=address,
                method=RecallSignature.Method.EDS,
            )
            RecallEdsEvidence.objects.create(
                signature=signature,
                certificate_serial=identity.serial,
                certificate_issuer=identity.issuer,
                signer_name=identity.full_name,
                cms=base64.b64encode(data).decode(),
            )
            follow_add(user=user, obj=recall)
    except IntegrityError:
        mine = RecallSignature.objects.filter(recall=recall, user=user).first()
        if mine is not None:
            raise AlreadySigned(_("You have already signed this recall request."), code="duplicate_user") from None
        raise AlreadySigned(
            {"iin": [_("A signature with this IIN has already been given for this recall request.")]},
            code="duplicate_iin",
        ) from None
    return signature, True


def recall_submit_signatures(*, actor: User, recall: RecallRequest, today: date | None = None) -> RecallRequest:
    """The initiator hands the signatures to the commission once the threshold is reached."""
    today = today or _today()
    with transaction.atomic():
        recall = _lock(recall)
        _require_initiator(actor, recall)
        _require_status(recall, Status.COLLECTING)
        count = recall.signatures.count()
        if count < (recall.signature_threshold or 0):
            raise ValidationError(
                _("%(n)s signatures collected; %(need)s are needed before the signatures can be submitted.")
                % {"n": count, "need": recall.signature_threshold},
                code="below_threshold",
            )
        _start_verification(recall, actor=actor, count=count, today=today)
    return recall


def _start_verification(recall: RecallRequest, *, actor, count: int, today: date) -> None:
    recall.final_signatures_count = count
    recall.verification_due_on = add_working_days(today, recall.rules.verification_working_days)
    _transition(recall, Status.VERIFICATION, actor=actor, today=today, audit_after={"signatures": count})


# ------------------------------------------------------------------------------
# Verification by the commission
# ------------------------------------------------------------------------------
def recall_signatures_mark(*, actor: User, recall: RecallRequest, signature_ids, result: str, reason: str = "") -> int:
    """Mark signatures valid or invalid (one or in bulk). Each decision is appended to the history."""
    if result not in {RecallSignature.Result.VALID, RecallSignature.Result.INVALID}:
        raise ValidationError({"result": [_("Choose valid or invalid.")]})
    if result == RecallSignature.Result.INVALID and reason not in RecallSignature.InvalidReason.values:
        raise ValidationError({"reason": [_("Choose the reason why the signature is invalid.")]})
    if result == RecallSignature.Result.VALID:
        reason = ""
    ids = sorted({int(pk) for pk in signature_ids})
    if not ids:
        raise ValidationError(_("Select at least one signature."), code="empty")
    with transaction.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.VERIFICATION)
        signatures = list(RecallSignature.objects.filter(recall=recall, pk__in=ids).only("pk"))
        if len(signatures) != len(ids):
            raise ValidationError(_("Some of the selected signatures do not belong to this recall request."))
        RecallSignature.objects.filter(pk__in=ids).update(result=result, invalid_reason=reason)
        RecallSignatureCheck.objects.bulk_create(
            [RecallSignatureCheck(signature_id=pk, result=result, invalid_reason=reason, actor=actor) for pk in ids]
        )
        audit_record(
            actor=actor,
            action="recall.signatures_mark",
            obj=recall,
            scope_code=recall.maslikhat.code,
            after={"count": len(ids), "result": result, "reason": reason},
        )
    return len(ids)


def recall_sample_draw(*, actor: User, recall: RecallRequest) -> int:
    """Switch to random-sample verification: draw the sample once; its size follows the rules."""
    with transaction.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.VERIFICATION)
        if recall.verification_mode == RecallRequest.VerificationMode.SAMPLE:
            return recall.sample_size or 0
        ids = list(recall.signatures.values_list("pk", flat=True))
        size = recall_rules.sample_size(len(ids), recall.rules)
        chosen = secrets.SystemRandom().sample(ids, size)
        RecallSignature.objects.filter(pk__in=chosen).update(in_sample=True)
        recall.verification_mode = RecallRequest.VerificationMode.SAMPLE
        recall.sample_size = size
        recall.save(update_fields=["verification_mode", "sample_size"])
        audit_record(
            actor=actor,
            action="recall.sample_draw",
            obj=recall,
            scope_code=recall.maslikhat.code,
            after={"population": len(ids), "sample_size": size},
        )
    return size


def recall_verification_finish(*, actor: User, recall: RecallRequest, today: date | None = None) -> RecallRequest:
    """Close verification. Full mode counts every signature; sample mode estimates the valid count
    from the checked sample. The count decides: a vote, or not enough valid signatures."""
    today = today or _today()
    with transaction.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.VERIFICATION)
        scope = recall.signatures.all()
        total = scope.count()
        sample = recall.verification_mode == RecallRequest.VerificationMode.SAMPLE
        checked = scope.filter(in_sample=True) if sample else scope
        tally = checked.aggregate(
            pending=Count("pk", filter=Q(result=RecallSignature.Result.PENDING)),
            valid=Count("pk", filter=Q(result=RecallSignature.Result.VALID)),
            invalid=Count("pk", filter=Q(result=RecallSignature.Result.INVALID)),
        )
        if tally["pending"]:
            raise ValidationError(
                _("%(n)s signatures still have to be checked.") % {"n": tally["pending"]}, code="pending"
            )
        if sample:
            valid = recall_rules.estimated_valid(total, tally["valid"], tally["valid"] + tally["invalid"])
        else:
            valid = tally["valid"]
        recall.final_signatures_count = total
        recall.valid_signatures_count = valid
        recall.invalid_signatures_count = total - valid
        target = Status.VOTE_PENDING if valid >= (recall.signature_threshold or 0) else Status.INSUFFICIENT
        _transition(
            recall,
            target,
            actor=actor,
            today=today,
            audit_after={"valid": valid, "total": total, "mode": recall.verification_mode},
        )
    return recall


# ------------------------------------------------------------------------------
# The vote
# ------------------------------------------------------------------------------
def recall_vote_record(
    *, actor: User, recall: RecallRequest, held_on: date, voters: int, turnout: int, votes_for: int, votes_against: int
) -> RecallRequest:
    """The commission records the official result; the rules decide it. A recalled deputy loses
    the seat: status recalled, the seat shows vacant and a by-election follows."""
    errors = {}
    numbers = {"voters": voters, "turnout": turnout, "votes_for": votes_for, "votes_against": votes_against}
    for field, value in numbers.items():
        if value is None or int(value) < 0:
            errors[field] = [_("Enter a whole number, zero or more.")]
    if not errors:
        if turnout > voters:
            errors["turnout"] = [_("More voters took part than are on the list.")]
        if votes_for + votes_against > turnout:
            errors["votes_for"] = [_("More votes were counted than voters took part.")]
        if voters == 0:
            errors["voters"] = [_("The voter list cannot be empty.")]
    if held_on is None or held_on > _today():
        errors["held_on"] = [_("Enter the date the vote was held (not in the future).")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.VOTE_PENDING)
        outcome = recall_rules.vote_outcome(voters=voters, turnout=turnout, votes_for=votes_for, rules=recall.rules)
        recall.vote_held_on, recall.vote_voters, recall.vote_turnout = held_on, voters, turnout
        recall.votes_for, recall.votes_against = votes_for, votes_against
        _transition(recall, outcome, actor=actor, today=held_on, audit_after=numbers)
        if outcome == Status.RECALLED:
            deputy = Deputy.objects.select_for_update().get(pk=recall.deputy_id)
            before = {"status": deputy.status, "status_changed_on": deputy.status_changed_on}
            deputy.status = Deputy.Status.RECALLED
            deputy.status_changed_on = held_on
            deputy.save(update_fields=["status", "status_changed_on"])
            audit_record(
                actor=actor,
                action="deputy.recalled",
                obj=deputy,
                scope_code=recall.maslikhat.code,
                before=before,
                after={"status": deputy.status, "status_changed_on": held_on, "recall": recall.pk},
            )
    return recall


# ------------------------------------------------------------------------------
# The deputy's reply
# ------------------------------------------------------------------------------
def recall_reply(*, actor: User, recall: RecallRequest, text: str) -> RecallRequest:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write your reply.")]})
    if len(text) > MAX_REPLY:
        raise ValidationError({"text": [_("The reply may not be longer than %(n)s characters.") % {"n": MAX_REPLY}]})
    with transaction.atomic():
        recall = _lock(recall)
        if not is_deputy_user(actor, recall.deputy):
            raise PermissionDenied(_("Only the deputy may reply to a recall request."))
        before = {"reply": bool(recall.deputy_reply)}
        recall.deputy_reply, recall.deputy_reply_at = text, timezone.now()
        recall.save(update_fields=["deputy_reply", "deputy_reply_at"])
        audit_record(
            actor=actor,
            action="recall.reply",
            obj=recall,
            scope_code=recall.maslikhat.code,
            before=before,
            after={"reply": True},
        )
        recipients = [recall.initiator_id] if recall.initiator_id else []
        notify(
            event="recall.reply",
            obj=recall,
            key=f"recall:{recall.pk}:reply:{recall.deputy_reply_at:%Y%m%d%H%M%S}",
            recipients=chain(recipients, followers_of(recall, recall.deputy).iterator()),
        )
    return recall


# ------------------------------------------------------------------------------
# Deadlines and retention (run by Celery beat)
# ------------------------------------------------------------------------------
def recall_process_deadlines(*, today: date | None = None) -> dict:
    """Close what the calendar closes: a collection period that ended goes to verification when the
    threshold was reached, else lapses; a group that did not form in time lapses. Idempotent."""
    today = today or _today()
    done = {"verification": 0, "lapsed": 0}
    due = RecallRequest.objects.filter(
        Q(status=Status.COLLECTING, collection_ends_on__lt=today)
        | Q(status=Status.GROUP_FORMING, group_due_on__lt=today)
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            recall = RecallRequest.objects.select_for_update().with_related().get(pk=pk)
            if recall.status == Status.COLLECTING and recall.collection_ends_on < today:
                count = recall.signatures.count()
                if count >= (recall.signature_threshold or 0):
                    _start_verification(recall, actor=None, count=count, today=today)
                    done["verification"] += 1
                else:
                    recall.final_signatures_count = count
                    _transition(recall, Status.LAPSED, actor=None, today=today, audit_after={"signatures": count})
                    done["lapsed"] += 1
            elif recall.status == Status.GROUP_FORMING and recall.group_due_on < today:
                _transition(recall, Status.LAPSED, actor=None, today=today, audit_after={"reason": "group_not_formed"})
                done["lapsed"] += 1
    return done


def recall_purge_personal_data(*, today: date | None = None) -> int:
    """N days (rules) after a procedure ends, delete the IINs, addresses and names of signers and
    group members. The recall keeps its aggregate counts and its public history."""
    today = today or _today()
    purged = 0
    candidates = RecallRequest.objects.filter(ended_on__isnull=False, purged_at__isnull=True).select_related("rules")
    for pk, ended_on, retention_days in candidates.values_list("pk", "ended_on", "rules__retention_days"):
        if (today - ended_on).days < retention_days:
            continue
        with transaction.atomic():
            recall = RecallRequest.objects.select_for_update().with_related().get(pk=pk)
            if recall.purged_at is not None:
                continue
            signatures = recall.signatures.count()
            if recall.final_signatures_count is None:
                recall.final_signatures_count = signatures
            recall.group_size = max(recall.group_size, recall.members.count())
            recall.signatures.all().delete()
            recall.members.all().delete()
            recall.initiator = None
            recall.purged_at = timezone.now()
            recall.save()
            audit_record(
                actor=None,
                action="recall.purge",
                obj=recall,
                scope_code=recall.maslikhat.code,
                after={"signatures_deleted": signatures, "ended_on": ended_on},
            )
            purged += 1
    return purged


def recall_audit_iin_view(*, actor: User, recall: RecallRequest, what: str, count: int) -> None:
    """Showing full IINs to the commission is itself an audited act."""
    audit_record(
        actor=actor,
        action="recall.iins_viewed",
        obj=recall,
        scope_code=recall.maslikhat.code,
        after={"what": what, "count": count},
    )
