"""Attaching an EDS signature to a petition (issue 15). The caller (the API or page that received the
CMS) has verified it with portal.eds_challenges.eds_signature_verify and passes what the certificate
says: the IIN and the name, and the evidence. One person counts once (issue 15: "an IIN that signed
by EDS and on paper counts once"):

- no row of this IIN or account: a new `eds` row;
- a paper row of this IIN (no account): the row is upgraded in place: the account attached, method
  `eds`, the evidence stored; it stays one counted row, moved from the paper count to the EDS count;
- this account's own online (`email`) row: upgraded to `eds` and given the IIN;
- both (the account signed online and this IIN on paper): the account's row is upgraded and the
  paper row retired (invalidated, its IIN given up), so the person counts once;
- a row of this IIN that belongs to another account, or this account already signed with another
  IIN: IinTaken, under `iin` (the API answers 409).

The row locks and the unique (petition, iin_hash) and (petition, signer) constraints settle races
with a paper entry or a second request; the tally moves the counts.

`petition_eds_challenge` issues the text to sign and `petition_sign_eds` verifies a CMS over it and
attaches the signature (the API's `GET .../signatures/challenge/` and `POST .../signatures/` with
`cms`; docs/eds.md)."""

import base64
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.follows import follow_add
from petitions.common import email_domain
from petitions.models import Petition, PetitionSignatureEvidence, Signature
from petitions.selectors import consent_refused_message
from petitions.signer_identity import IinTaken, collecting_or_refuse, iin_taken_message, signer_full_name, signer_iin
from petitions.signing import SignResult, nudge_tally, place_signer
from portal.access import require_verified_email
from portal.eds import EdsError
from portal.eds import enabled as eds_enabled
from portal.eds_challenges import eds_challenge_issue, eds_signature_verify
from portal.models import EdsChallenge

M = Signature.Method
V = Signature.Status


@dataclass(frozen=True)
class EdsEvidence:
    """What portal.eds read from the verified CMS (portal.eds.SignerIdentity and the CMS bytes)."""

    certificate_serial: str
    certificate_issuer: str
    cms: bytes
    signer_name: str = ""


def _upgrade(row: Signature, *, user, iin: str, iin_hash: str, full_name: str, place, address: str, consent_at, now):
    district_id, _number, resident = place
    Signature.objects.filter(pk=row.pk).update(
        signer=user,
        method=M.EDS,
        status=V.VALID,
        status_changed_at=now if row.status != V.VALID else row.status_changed_at,
        iin=iin,
        iin_hash=iin_hash,
        full_name=full_name,
        address=address[:200],
        district_id=district_id,
        is_resident=resident,
        created_at=now,
        delivery_consent_at=consent_at or row.delivery_consent_at,
        pending=True,
    )
    row.refresh_from_db()
    return row


def _attach(*, petition, user, iin, iin_hash, full_name, place, address, evidence, consent_at, now) -> SignResult:
    rows = list(
        Signature.objects.select_for_update()
        .filter(Q(signer=user) | Q(iin_hash=iin_hash), petition=petition)
        .order_by("pk")
    )
    mine = next((row for row in rows if row.signer_id == user.pk), None)
    by_iin = next((row for row in rows if row.iin_hash == iin_hash), None)
    if by_iin is not None and by_iin.signer_id not in (None, user.pk):
        raise IinTaken(iin_taken_message(), existing_method=by_iin.method)
    if mine is not None and mine.iin_hash and mine.iin_hash != iin_hash:
        raise IinTaken(
            _("Your account has already signed this petition with another person's IIN."),
            existing_method=mine.method,
        )
    for row in (mine, by_iin):
        if row is not None and row.status == V.INVALIDATED:
            raise PermissionDenied(_("Your signature on this petition was invalidated by the moderators."))
    kept = mine or by_iin
    if kept is not None and kept.method == M.EDS and kept.status == V.VALID:
        return SignResult(kept, created=False, district_number=kept.district.number if kept.district else None)
    previous = kept.method if kept is not None else ""
    if mine is not None and by_iin is not None and by_iin.pk != mine.pk:
        # The account signed online and the same person on paper: keep the account's row, retire
        # the paper row (the tally takes it out of the counts) and give its IIN to the kept row.
        Signature.objects.filter(pk=by_iin.pk).update(
            status=V.INVALIDATED,
            status_changed_at=now,
            invalidation_reason="Signed again with EDS from an account; counted once there."[:300],
            iin_hash=None,
            pending=True,
        )
        previous = M.PAPER
    values = {"iin": iin, "iin_hash": iin_hash, "full_name": full_name, "place": place, "address": address}
    if kept is not None:
        signature = _upgrade(kept, user=user, consent_at=consent_at, now=now, **values)
    else:
        district_id, _number, resident = place
        signature = Signature.objects.create(
            petition=petition,
            signer=user,
            method=M.EDS,
            created_at=now,
            iin=iin,
            iin_hash=iin_hash,
            full_name=full_name,
            address=address[:200],
            district_id=district_id,
            is_resident=resident,
            is_citizen=True,
            email_domain=email_domain(user.email),
            delivery_consent_at=consent_at,
        )
    PetitionSignatureEvidence.objects.update_or_create(
        signature=signature,
        defaults={
            "certificate_serial": evidence.certificate_serial[:64],
            "certificate_issuer": evidence.certificate_issuer[:500],
            "signer_name": evidence.signer_name,
            "cms": base64.b64encode(evidence.cms).decode(),
            "verified_at": now,
        },
    )
    if previous == M.PAPER and mine is None:
        follow_add(user=user, obj=petition)  # the tally follows only on a row newly counted
    district = signature.district
    return SignResult(
        signature, created=True, district_number=district.number if district else None, previous_method=previous
    )


def petition_signature_attach_eds(
    *,
    petition: Petition,
    user,
    iin: str,
    full_name: str,
    address: str,
    evidence: EdsEvidence,
    consent: bool | None = None,
) -> SignResult:
    """Record a verified EDS signature of `user` on `petition` (see the module's docstring for the
    cases). Refuses, changing nothing: not signed in or no verified email, a petition not collecting,
    consent refused (`consent`), a bad IIN (`iin`), a name missing (`full_name`), an address not
    found (`address`), an IIN of another account (IinTaken, `iin`), an invalidated signature.

    `SignResult.created` is False when this account had already signed with EDS (nothing changes);
    otherwise `previous_method` names the row upgraded ("paper", "email") or is "" for a new row."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    require_verified_email(user)
    if consent is False:
        raise ValidationError({"consent": consent_refused_message(petition)})
    today = timezone.localdate()
    collecting_or_refuse(petition, today)
    iin_value, iin_hash = signer_iin(iin, on=today)
    name = signer_full_name(full_name)
    address = (address or "").strip()
    place = place_signer(petition, address)
    now = timezone.now()
    for attempt in range(2):
        try:
            with transaction.atomic():
                result = _attach(
                    petition=petition,
                    user=user,
                    iin=iin_value,
                    iin_hash=iin_hash,
                    full_name=name,
                    place=place,
                    address=address,
                    evidence=evidence,
                    consent_at=now if consent else None,
                    now=now,
                )
        except IntegrityError:
            # A paper entry or another request of this account inserted between our read and our
            # write: read again, once; the rows it made now decide.
            if attempt:
                raise IinTaken(iin_taken_message()) from None
            continue
        if result.created:
            transaction.on_commit(nudge_tally, robust=True)
        return result
    raise AssertionError("unreachable")


class EdsRefused(ValidationError):
    """The CMS was refused (portal.eds): reported under `cms` with a translated reason; `code` is
    portal.eds's code (`bad_signature`, `expired`, `disabled`, ...) for clients that act on it."""

    def __init__(self, error: EdsError):
        super().__init__({"cms": [error.message]})
        self.code = error.code


def eds_subject(petition: Petition) -> str:
    """What a challenge names (portal.eds_challenges): a challenge for one petition signs no other."""
    return f"petition:{petition.pk}"


def _signable_by(petition: Petition, user) -> None:
    """The refusals that need no signature, in the order the online signing endpoint gives them."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    require_verified_email(user)
    collecting_or_refuse(petition, timezone.localdate())


def petition_eds_challenge(*, petition: Petition, user) -> EdsChallenge:
    """The exact text to sign with EDS for this petition: its title, the SHA-256 of its text, the
    account and a nonce; bound to the account, single-use, short-lived. Raises EdsError `disabled`
    when EDS is off, PermissionDenied (not signed in, email not confirmed), ValidationError (the
    petition is not collecting signatures)."""
    if not eds_enabled():
        raise EdsError("disabled")
    _signable_by(petition, user)
    return eds_challenge_issue(user=user, subject=eds_subject(petition), title=petition.title, text=petition.text)


def petition_sign_eds(
    *, petition: Petition, user, cms: str, address: str | None = None, consent: bool | None = None
) -> SignResult:
    """Sign `petition` with a CMS SignedData over one of this account's challenges for it. The IIN
    and the name come from the verified certificate, so they cannot be someone else's; the address
    defaults to the profile's, as for an online signature.

    Refuses, changing nothing: EDS off or any fault of the CMS, its challenge or its certificate
    (EdsRefused, under `cms`); then as petition_signature_attach_eds (IinTaken under `iin` when
    another account holds the IIN). The challenge is consumed in the same transaction as the
    signature, so a refusal leaves it usable and a replay of an accepted CMS is `reused_challenge`."""
    if not eds_enabled():
        raise EdsRefused(EdsError("disabled"))
    _signable_by(petition, user)
    if consent is False:
        raise ValidationError({"consent": consent_refused_message(petition)})
    address = (address or getattr(user, "address", "") or "").strip()
    if not address:
        raise ValidationError(
            {"address": _("Enter your home address: it decides whether your signature counts towards the threshold.")}
        )
    with transaction.atomic():
        try:
            identity, data = eds_signature_verify(user=user, subject=eds_subject(petition), cms_base64=cms)
        except EdsError as error:
            raise EdsRefused(error) from None
        evidence = EdsEvidence(
            certificate_serial=identity.serial,
            certificate_issuer=identity.issuer,
            cms=data,
            signer_name=identity.full_name,
        )
        return petition_signature_attach_eds(
            petition=petition,
            user=user,
            iin=identity.iin,
            full_name=identity.full_name,
            address=address,
            evidence=evidence,
            consent=consent,
        )
