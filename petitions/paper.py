"""Paper signatures (issue 14 §3): a resident signs a printed sheet at a reception or a hearing, and
staff of the maslikhat enter it. The row has no account: it names the person by full name and IIN
(validated like a recall's, encrypted at rest, unique per petition by keyed hash), is placed by the
representatives lookup like an online signature (a resident counts towards the threshold the same
way) and is counted by the tally under `paper_signature_count` as well as `signature_count`.

An IIN that has signed the petition in any way (online with EDS, on another sheet) is refused with
`IinTaken`: one person counts once. A later EDS signature of the same IIN upgrades the paper row
(petitions/eds_signing.py). The staff page and `import_paper_signatures` (petitions/paper_import.py)
call this service. Only the maslikhat's staff enter sheets (`access.may_enter_paper`); a row
entered by mistake is withdrawn by them with a reason (`paper_signature_withdraw`)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import access
from petitions.models import Petition, PetitionHistory, Signature
from petitions.signer_identity import IinTaken, collecting_or_refuse, iin_taken_message, signer_full_name, signer_iin
from petitions.signing import invalidate_rows, nudge_tally, place_signer
from portal.audit import audit_record


@dataclass(frozen=True)
class PaperSignature:
    full_name: str
    iin: str
    address: str
    signed_on: date | None


def _signed_on(petition: Petition, signed_on: date | None, today: date) -> date:
    if signed_on is None:
        raise ValidationError({"signed_on": _("Enter the date written on the sheet.")})
    opened = timezone.localdate(petition.published_at) if petition.published_at else today
    if signed_on > today or signed_on < opened:
        raise ValidationError(
            {
                "signed_on": _("The date on the sheet must be between %(start)s and %(end)s.")
                % {"start": opened.isoformat(), "end": today.isoformat()}
            }
        )
    return signed_on


def paper_signature_check(*, petition: Petition, entry: PaperSignature, today: date | None = None) -> dict:
    """Every problem of one sheet row at once (a dict of field -> messages), or the cleaned values.
    Reads only: an importer checks a whole file before it writes any row."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    values: dict = {}
    checks = (
        ("full_name", lambda: signer_full_name(entry.full_name)),
        ("signed_on", lambda: _signed_on(petition, entry.signed_on, today)),
        ("iin", lambda: signer_iin(entry.iin, on=entry.signed_on or today)),
        ("address", lambda: place_signer(petition, (entry.address or "").strip())),
    )
    for name, check in checks:
        try:
            values[name] = check()
        except ValidationError as error:
            found = error.message_dict if hasattr(error, "error_dict") else {name: error.messages}
            for field, messages in found.items():
                errors.setdefault(field if field != "__all__" else name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


def paper_signature_add(*, petition: Petition, actor, entry: PaperSignature, today: date | None = None) -> Signature:
    """Enter one paper signature. `actor`: staff of the maslikhat (None: an operator's management
    command). Refuses, changing nothing: a petition not collecting, a bad row (every
    field's reason at once), an IIN that already signed this petition (IinTaken, under `iin`)."""
    if actor is not None and not access.may_enter_paper(actor, petition):
        raise PermissionDenied(_("You may not do this with this petition."))
    today = today or timezone.localdate()
    collecting_or_refuse(petition, today)
    values = paper_signature_check(petition=petition, entry=entry, today=today)
    iin, iin_hash = values["iin"]
    district_id, _number, resident = values["address"]
    signed_on = values["signed_on"]
    existing = Signature.objects.filter(petition=petition, iin_hash=iin_hash).values_list("method", flat=True).first()
    if existing is not None:
        raise IinTaken(iin_taken_message(), existing_method=existing)
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                petition=petition,
                signer=None,
                method=Signature.Method.PAPER,
                iin=iin,
                iin_hash=iin_hash,
                full_name=values["full_name"],
                signed_on=signed_on,
                # The printed sheet says what is delivered and to whom (issue 14 §2): signing it is
                # the consent, given on the sheet's date.
                delivery_consent_at=timezone.make_aware(datetime.combine(signed_on, time.min)),
                address=entry.address.strip()[:200],
                district_id=district_id,
                is_resident=resident,
                is_citizen=True,
            )
            audit_record(
                actor=actor,
                action="petition.paper_signature_add",
                obj=petition,
                after={"signature": signature.pk, "signed_on": signed_on.isoformat()},
                scope_code=petition.maslikhat.code,
            )
    except IntegrityError:
        # Another entry of the same IIN won the race: the partial unique index settled it.
        method = Signature.objects.filter(petition=petition, iin_hash=iin_hash).values_list("method", flat=True).first()
        raise IinTaken(iin_taken_message(), existing_method=method or "") from None
    transaction.on_commit(nudge_tally, robust=True)
    return signature


def paper_signature_withdraw(*, petition: Petition, actor, signature_id: int, reason: str) -> Signature:
    """Withdraw a paper row entered by mistake (a mistyped address, the wrong petition), while the
    petition collects: the row is invalidated with the reason, leaves the counts at the next tally
    and gives up its IIN's hash, so the same person can be entered again correctly. Audited; the
    petition's history says publicly that one paper signature was withdrawn (the reason stays in
    the audit: it may name the person)."""
    if not access.may_enter_paper(actor, petition):
        raise PermissionDenied(_("You may not do this with this petition."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Write why this row is withdrawn.")})
    if not petition.is_signable:
        raise ValidationError(_("Signatures can be withdrawn only while the petition collects them."))
    with transaction.atomic():
        row = (
            Signature.objects.select_for_update()
            .filter(pk=signature_id, petition=petition, method=Signature.Method.PAPER, status=Signature.Status.VALID)
            .first()
        )
        if row is None:
            # Gone, withdrawn already, or upgraded meanwhile by the person's own EDS signature.
            raise ValidationError(_("This row is not a valid paper signature of this petition any more."))
        # The IIN may sign again (by EDS, or on a corrected row): its hash no longer holds the place.
        invalidate_rows([row.pk], reason, iin_hash=None)
        PetitionHistory.objects.create(
            petition=petition,
            actor=actor,
            kind=PetitionHistory.Kind.INVALIDATION,
            from_status=petition.status,
            to_status=petition.status,
            public_note=_("A paper signature entered by mistake was withdrawn by the maslikhat's staff."),
        )
        audit_record(
            actor=actor,
            action="petition.paper_signature_withdraw",
            obj=petition,
            before={"signature": row.pk, "status": row.status},
            after={"signature": row.pk, "status": Signature.Status.INVALIDATED, "reason": reason[:300]},
            scope_code=petition.maslikhat.code,
        )
    transaction.on_commit(nudge_tally, robust=True)
    row.refresh_from_db()
    return row
