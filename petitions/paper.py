"""Paper signatures (issue 14 §3): a resident signs a printed sheet at a reception or a hearing, and
staff of the maslikhat enter it. The row has no account: it names the person by full name and IIN
(validated like a recall's, encrypted at rest, unique per petition by keyed hash), is placed by the
representatives lookup like an online signature (a resident counts towards the threshold the same
way) and is counted by the tally under `paper_signature_count` as well as `signature_count`.

An IIN that has signed the petition in any way (online with EDS, on another sheet) is refused with
`IinTaken`: one person counts once. A later EDS signature of the same IIN upgrades the paper row
(petitions/eds_signing.py). The staff page and `import_paper_signatures` call this service."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import access
from petitions.models import Petition, Signature
from petitions.signer_identity import IinTaken, collecting_or_refuse, iin_taken_message, signer_full_name, signer_iin
from petitions.signing import nudge_tally, place_signer
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
    """Enter one paper signature. `actor`: staff or a deputy of the maslikhat (None: an operator's
    management command). Refuses, changing nothing: a petition not collecting, a bad row (every
    field's reason at once), an IIN that already signed this petition (IinTaken, under `iin`)."""
    if actor is not None and not access.is_official_of(actor, petition):
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
