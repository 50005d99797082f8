"""What petitions hold about a person, for the own-data export and account deletion
(portal.personal_data). Registered in PetitionsConfig.ready().

Deletion keeps every signature as a counted row (petition counts do not move) but removes what
identifies the signer: a petition signature loses its declared address, network and email domain,
and a signature by IIN (EDS) its IIN, name and EDS evidence (the CMS carries the certificate). Its
keyed IIN hash stays: it is what keeps the same IIN from signing the petition a second time, and
cannot be turned back into the IIN without the server's key.

A paper signature has no account, so no export or deletion reaches it through one; it is personal
data of the petition's delivery, erased with the petition's other signer data."""

from portal.personal_data import PersonalDataHolder, register_personal_data


def _export_petitions(user) -> dict:
    from petitions.models import Petition, Signature

    authored = Petition.objects.filter(author=user).order_by("created_at")
    signatures = (
        Signature.objects.filter(signer=user).select_related("petition", "district", "eds").order_by("created_at")
    )
    return {
        "authored": [
            {"id": p.pk, "title": p.title, "status": p.status, "created_at": p.created_at.isoformat()} for p in authored
        ],
        "signatures": [
            {
                "petition": s.petition_id,
                "title": s.petition.title,
                "signed_at": s.created_at.isoformat(),
                "status": s.status,
                "declared_address": s.address,
                "declared_citizen": s.is_citizen,
                "district": s.district.number if s.district else None,
                "method": s.method,
                # The IIN is masked even here: a downloaded file travels further than the page.
                "iin": s.masked_iin,
                "full_name": s.full_name,
                "delivery_consent_at": s.delivery_consent_at.isoformat() if s.delivery_consent_at else None,
                "eds_certificate": _certificate(s),
            }
            for s in signatures
        ],
    }


def _certificate(signature) -> dict | None:
    from petitions.models import PetitionSignatureEvidence

    try:
        evidence = signature.eds
    except PetitionSignatureEvidence.DoesNotExist:
        return None
    return {
        "serial": evidence.certificate_serial,
        "issuer": evidence.certificate_issuer,
        "verified_at": evidence.verified_at.isoformat(),
    }


def _erase_petitions(user) -> None:
    from petitions.models import PetitionSignatureEvidence, Signature

    PetitionSignatureEvidence.objects.filter(signature__signer=user).delete()
    Signature.objects.filter(signer=user).update(address="", ip_prefix="", email_domain="", iin="", full_name="")


def register() -> None:
    register_personal_data(PersonalDataHolder(name="petitions", export=_export_petitions, erase=_erase_petitions))
