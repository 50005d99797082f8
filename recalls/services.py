"""Write use cases of the recall procedure. Each validates, writes in one transaction, records the
audit entry and notifies after the commit. Every change of status goes through the one transition
engine (recalls.transitions, portal.transitions), which checks who may make which move of
RecallRequest.TRANSITIONS, appends to the public history and notifies once the row is unlocked.

IINs are handled as local values only: they are encrypted by the model field, looked up by their
keyed hash, never put into an exception message, an audit entry or a log line."""

import base64
import secrets
from datetime import date

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
from portal import transitions as engine
from portal.access import require_verified_email
from portal.audit import audit_record
from portal.crypto import keyed_hash
from portal.eds import EdsError
from portal.eds import enabled as eds_enabled
from portal.eds_challenges import eds_challenge_issue, eds_signature_verify
from portal.iin import validate_iin
from portal.models import EdsChallenge, User
from portal.textsafety import strip_bidi
from portal.workdays import add_working_days
from recalls import rules as recall_rules
from recalls.access import is_commission_for, is_deputy_user
from recalls.models import (
    RecallEdsEvidence,
    RecallGroupMember,
    RecallHistory,
    RecallIinCollision,
    RecallRequest,
    RecallSignature,
    RecallSignatureCheck,
)
from recalls.transitions import recall_transition

Status = RecallRequest.Status
MAX_GROUNDS = 5000
MAX_REPLY = 5000


class AlreadySigned(ValidationError):
    """This account has already signed this recall with another IIN."""


class TooManyIinAttempts(ValidationError):
    """An account or a network tried more IINs than RecallRules allows per hour."""


# ------------------------------------------------------------------------------
# IINs: attempts are limited, and an IIN already given by another account is never revealed
# ------------------------------------------------------------------------------
def _network() -> str:
    import ipaddress

    from portal.middleware import current_ip

    try:
        address = ipaddress.ip_address(current_ip() or "")
    except ValueError:
        return ""  # no request (a command, the demo seed): no network to count
    return str(ipaddress.ip_network(f"{address}/{24 if address.version == 4 else 48}", strict=False))


def _count_iin_attempt(user, rules, iin_hash: str) -> None:
    """Count a distinct IIN tried by the account and by the network this hour (a retry with the same
    IIN is not a new attempt); refuse past RecallRules' hourly limits. Counted in the cache: a Redis
    outage lets attempts through, and the unique constraints still hold."""
    from django.core.cache import cache

    hour = timezone.now().strftime("%Y%m%d%H")
    network = _network()
    limits = [(f"recall-iin:user:{user.pk}:{hour}", rules.iin_attempts_per_account_per_hour)]
    if network:
        limits.append((f"recall-iin:net:{network}:{hour}", rules.iin_attempts_per_network_per_hour))
    for key, limit in limits:
        if not cache.add(f"{key}:{iin_hash}", 1, 3600):
            continue  # this IIN was already counted here this hour
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
        if count and count > limit:
            raise TooManyIinAttempts(_("Too many attempts with IINs. Please try again in an hour."), code="throttled")


def _record_collision(*, kind: str, recall, user, iin: str, iin_hash: str, address: str, full_name: str, earlier_user):
    """Keep the attempt for the commission, flag the first use, and tell the first account's owner."""
    from portal.security_mail import security_mail

    collision, created = RecallIinCollision.objects.get_or_create(
        recall=recall,
        kind=kind,
        user=user,
        defaults={
            "iin": iin,
            "iin_hash": iin_hash,
            "address": address,
            "full_name": full_name,
            "earlier_user": earlier_user,
        },
    )
    if created:
        if kind == RecallIinCollision.Kind.SIGNATURE:
            RecallSignature.objects.filter(recall=recall, iin_hash=iin_hash).update(contested=True)
        audit_record(
            actor=user,
            action=f"recall.iin_collision.{kind}",
            obj=recall,
            scope_code=recall.maslikhat.code,
            after={"collision": collision.pk},
        )
        if earlier_user is not None:
            security_mail(
                users=[earlier_user],
                template="recall_iin_used",
                context={"recall": recall, "deputy_name": recall.deputy.full_name},
            )
    return collision


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def _today() -> date:
    return timezone.localdate()


def _lock(recall: RecallRequest) -> RecallRequest:
    return RecallRequest.objects.select_for_update().with_related().get(pk=recall.pk)


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


def _transition(
    recall: RecallRequest,
    to_status: str,
    *,
    actor,
    note: str = "",
    today: date | None = None,
    audit_after: dict | None = None,
    changes: dict | None = None,
) -> RecallRequest:
    """Move the locked recall through the engine (recalls.transitions), with the fields decided."""
    return recall_transition(
        recall, to_status, actor=actor, note=note, today=today, audit_after=audit_after, changes=changes
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
    require_verified_email(user)
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
    full_name = strip_bidi((full_name or "").strip())
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
            RecallHistory.objects.create(recall=recall, from_status="", to_status=Status.GROUP_FORMING, actor=user)
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
    require_verified_email(user)
    errors = {}
    full_name = strip_bidi((full_name or "").strip())
    if not full_name:
        errors["full_name"] = [_("Write your full name as in your identity document.")]
    iin_value, iin_hash, address = _voter_details(iin, address, recall, on=today, rules=recall.rules, errors=errors)
    _count_iin_attempt(user, recall.rules, iin_hash)
    with transaction.atomic():
        recall = _lock(recall)
        _require_status(recall, Status.GROUP_FORMING)
        if (
            recall.members.filter(user=user).exists()
            or recall.iin_collisions.filter(user=user, kind=RecallIinCollision.Kind.MEMBER).exists()
        ):
            raise ValidationError(_("You are already a member of this initiative group."), code="duplicate")
        earlier = recall.members.filter(iin_hash=iin_hash).select_related("user").first()
        if earlier is not None:
            # Another account gave this IIN: answered as a join (no oracle), kept for the commission.
            _record_collision(
                kind=RecallIinCollision.Kind.MEMBER,
                recall=recall,
                user=user,
                iin=iin_value,
                iin_hash=iin_hash,
                address=address,
                full_name=full_name,
                earlier_user=earlier.user,
            )
            return RecallGroupMember(recall=recall, user=user, full_name=full_name, iin=iin_value, iin_hash=iin_hash)
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
    with engine.atomic():
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
        _transition(
            recall,
            Status.REGISTRATION_REVIEW,
            actor=actor,
            audit_after={"group_size": size},
            changes={
                "group_size": size,
                "submitted_at": timezone.now(),
                "registration_due_on": add_working_days(today, recall.rules.registration_review_working_days),
            },
        )
    return recall


def recall_withdraw(
    *, actor: User, recall: RecallRequest, reason: str = "", today: date | None = None
) -> RecallRequest:
    with engine.atomic():
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
    with engine.atomic():
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
        threshold = recall_rules.signature_threshold(voters, rules)
        ends_on = add_working_days(today, days)
        _transition(
            recall,
            Status.COLLECTING,
            actor=actor,
            today=today,
            audit_after={"threshold": threshold, "collection_ends_on": ends_on},
            changes={
                "registered_on": today,
                "registered_voters": voters,
                "signature_threshold": threshold,
                "collection_ends_on": ends_on,
            },
        )
    return recall


def recall_refuse(*, actor: User, recall: RecallRequest, reason: str, today: date | None = None) -> RecallRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    with engine.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.REGISTRATION_REVIEW)
        _transition(
            recall,
            Status.REFUSED,
            actor=actor,
            note=reason[:5000],
            today=today,
            changes={"refusal_reason": reason[:5000]},
        )
    return recall


# ------------------------------------------------------------------------------
# Signatures
# ------------------------------------------------------------------------------


def _signable_recall(user: User, recall: RecallRequest, today: date) -> RecallRequest:
    """The recall, fresh, if this account may sign it today (any way of signing): verified email,
    collecting, within the collection period, and not the deputy themselves."""
    require_verified_email(user)
    recall = RecallRequest.objects.with_related().get(pk=recall.pk)
    _require_status(recall, Status.COLLECTING)
    if recall.collection_ends_on and today > recall.collection_ends_on:
        raise ValidationError(_("The signature collection period has ended."), code="closed")
    if is_deputy_user(user, recall.deputy):
        raise PermissionDenied(_("The deputy cannot sign a recall request against themselves."))
    return recall


def recall_sign(
    *, user: User, recall: RecallRequest, iin: str, address: str, today: date | None = None
) -> tuple[RecallSignature, bool]:
    """One INSERT guarded by unique constraints on (recall, IIN hash) and (recall, account).

    Returns (signature, True) for a new signature and (signature, False) when this account already
    signed with this IIN (a retry). Raises AlreadySigned when the IIN was used by another account or
    this account signed with another IIN. Does not lock or update the recall row: a surge of
    signatures must not serialise on it."""
    today = today or _today()
    recall = _signable_recall(user, recall, today)
    errors = {}
    iin_value, iin_hash, address = _voter_details(iin, address, recall, on=today, rules=recall.rules, errors=errors)
    _count_iin_attempt(user, recall.rules, iin_hash)
    claimed = recall.iin_collisions.filter(user=user, kind=RecallIinCollision.Kind.SIGNATURE).first()
    if claimed is not None:  # this account's signature is the one waiting for the commission
        if claimed.iin_hash == iin_hash:
            return _unsaved_signature(recall, user, iin_value, iin_hash, address), False
        raise AlreadySigned(_("You have already signed this recall request."), code="duplicate_user")
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
        # The IIN was given from another account. Answering "already used" would tell anyone whose IIN
        # has signed (an oracle) and lock the voter out after a theft: the answer is the one of an
        # accepted signature, and both go to the commission, flagged (issue 13, finding 3).
        earlier = RecallSignature.objects.filter(recall=recall, iin_hash=iin_hash).first()
        with transaction.atomic():
            _record_collision(
                kind=RecallIinCollision.Kind.SIGNATURE,
                recall=recall,
                user=user,
                iin=iin_value,
                iin_hash=iin_hash,
                address=address,
                full_name="",
                earlier_user=earlier.user if earlier is not None else None,
            )
            follow_add(user=user, obj=recall)
        return _unsaved_signature(recall, user, iin_value, iin_hash, address), True
    return signature, True


def _unsaved_signature(recall, user, iin_value, iin_hash, address) -> RecallSignature:
    return RecallSignature(recall=recall, user=user, iin=iin_value, iin_hash=iin_hash, address=address)


def recall_eds_challenge(*, user: User, recall: RecallRequest) -> EdsChallenge:
    """The text to sign with EDS for this recall (portal.eds_challenges): names the recall and the
    digest of its statement of grounds; bound to the account, single-use, short-lived."""
    if not eds_enabled():
        raise EdsError("disabled")
    require_verified_email(user)
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
    recall = _signable_recall(user, recall, today)
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
    with engine.atomic():
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
    _transition(
        recall,
        Status.VERIFICATION,
        actor=actor,
        today=today,
        audit_after={"signatures": count},
        changes={
            "final_signatures_count": count,
            "verification_due_on": add_working_days(today, recall.rules.verification_working_days),
        },
    )


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
    with engine.atomic():
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
        target = Status.VOTE_PENDING if valid >= (recall.signature_threshold or 0) else Status.INSUFFICIENT
        _transition(
            recall,
            target,
            actor=actor,
            today=today,
            audit_after={"valid": valid, "total": total, "mode": recall.verification_mode},
            changes={
                "final_signatures_count": total,
                "valid_signatures_count": valid,
                "invalid_signatures_count": total - valid,
            },
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
    with engine.atomic():
        recall = _lock(recall)
        _require_commission(actor, recall)
        _require_status(recall, Status.VOTE_PENDING)
        outcome = recall_rules.vote_outcome(voters=voters, turnout=turnout, votes_for=votes_for, rules=recall.rules)
        vote = {"vote_held_on": held_on, "vote_voters": voters, "vote_turnout": turnout}
        vote |= {"votes_for": votes_for, "votes_against": votes_against}
        _transition(recall, outcome, actor=actor, today=held_on, audit_after=numbers, changes=vote)
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
            recipients=recipients,
            followers=followers_of(recall, recall.deputy).iterator(),
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
        with engine.atomic():
            recall = RecallRequest.objects.select_for_update().with_related().get(pk=pk)
            if recall.status == Status.COLLECTING and recall.collection_ends_on < today:
                count = recall.signatures.count()
                if count >= (recall.signature_threshold or 0):
                    _start_verification(recall, actor=None, count=count, today=today)
                    done["verification"] += 1
                else:
                    _transition(
                        recall,
                        Status.LAPSED,
                        actor=None,
                        today=today,
                        audit_after={"signatures": count},
                        changes={"final_signatures_count": count},
                    )
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
            recall.iin_collisions.all().delete()
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
