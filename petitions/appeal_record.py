"""What the maslikhat's office records about a delivered appeal: its registration number, and the
single extension of the answer term with its reason (within the route's extended term). Each is an
official action: audited, only by the petition's answerers (staff of the maslikhat, its deputies)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import access
from petitions.models import Petition, PetitionDelivery
from portal.audit import audit_record
from portal.workdays import add_working_days


def _locked_delivered(petition: Petition, actor) -> Petition:
    locked = Petition.objects.select_for_update(of=("self",)).select_related("maslikhat").get(pk=petition.pk)
    if not access.may_answer(actor, locked):
        raise PermissionDenied(_("You may not do this with this petition."))
    if locked.status != Petition.Status.AWAITING_ANSWER or locked.delivered_at is None:
        raise ValidationError(_("Only a petition delivered and awaiting its answer can be recorded."))
    return locked


def petition_registration_record(*, petition: Petition, actor, number: str) -> Petition:
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Enter the registration number.")})
    with transaction.atomic():
        locked = _locked_delivered(petition, actor)
        before = locked.registration_number
        locked.registration_number = number
        locked.save(update_fields=["registration_number"])
        audit_record(
            actor=actor,
            action="petition.registration_record",
            obj=locked,
            before={"registration_number": before},
            after={"registration_number": number},
            scope_code=locked.maslikhat.code,
        )
    return locked


def petition_answer_extend(*, petition: Petition, actor, until, reason: str) -> Petition:
    """Extend the answer term once, with a published reason, to no later than the route's extended
    term counted from the delivery day."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked_delivered(petition, actor)
        if locked.answer_extended_to:
            raise ValidationError(_("The answer term has already been extended once."))
        route = PetitionDelivery.objects.select_related("route").get(petition=locked).route
        latest = add_working_days(timezone.localdate(locked.delivered_at), route.extended_working_days)
        errors = {}
        if not reason:
            errors["reason"] = _("Write the reason for the extension; it is published.")
        if until is None or until <= locked.answer_due or until > latest:
            errors["until"] = _("Choose a date after the current term and no later than %(date)s.") % {
                "date": latest.isoformat()
            }
        if errors:
            raise ValidationError(errors)
        locked.answer_extended_to, locked.extension_reason = until, reason
        locked.save(update_fields=["answer_extended_to", "extension_reason"])
        audit_record(
            actor=actor,
            action="petition.answer_extend",
            obj=locked,
            before={"answer_due": str(locked.answer_due)},
            after={"answer_extended_to": str(until), "reason": reason},
            scope_code=locked.maslikhat.code,
        )
    return locked
