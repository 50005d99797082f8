"""What petitions hold about a person, for the own-data export and account deletion
(portal.personal_data). Registered in PetitionsConfig.ready().

Deletion keeps every signature as a counted row (petition counts do not move) but removes what
identifies the signer: a petition signature loses its declared address, network and email domain."""

from portal.personal_data import PersonalDataHolder, register_personal_data


def _export_petitions(user) -> dict:
    from petitions.models import Petition, Signature

    authored = Petition.objects.filter(author=user).order_by("created_at")
    signatures = Signature.objects.filter(signer=user).select_related("petition", "district").order_by("created_at")
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
            }
            for s in signatures
        ],
    }


def _erase_petitions(user) -> None:
    from petitions.models import Signature

    Signature.objects.filter(signer=user).update(address="", ip_prefix="", email_domain="")


def register() -> None:
    register_personal_data(PersonalDataHolder(name="petitions", export=_export_petitions, erase=_erase_petitions))
