"""What petitions and recalls hold about a person, for the own-data export and account deletion
(portal.personal_data). Registered in PetitionsConfig.ready().

Deletion keeps every signature as a counted row (petition and recall counts do not move) but
removes what identifies the signer: a petition signature loses its declared address, network and
email domain; a recall signature or group membership is unlinked from the account. The IIN and
address of a recall signature stay, encrypted, while the procedure needs them for the election
commission's verification, and are deleted with the rest by the retention purge
(recall_purge_personal_data, RecallRules.retention_days after the procedure ends)."""

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


def _export_recalls(user) -> dict:
    from petitions.recall_models import RecallGroupMember, RecallSignature

    signatures = RecallSignature.objects.filter(user=user).select_related("recall__deputy").order_by("signed_at")
    members = RecallGroupMember.objects.filter(user=user).select_related("recall__deputy").order_by("joined_at")
    return {
        # The IIN is masked even here: a downloaded file travels further than the page.
        "signatures": [
            {
                "recall": s.recall_id,
                "deputy": s.recall.deputy.full_name,
                "signed_at": s.signed_at.isoformat(),
                "iin": s.masked_iin,
                "verification": s.result,
            }
            for s in signatures
        ],
        "initiative_groups": [
            {
                "recall": m.recall_id,
                "deputy": m.recall.deputy.full_name,
                "full_name": m.full_name,
                "iin": m.masked_iin,
                "initiator": m.is_initiator,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in members
        ],
    }


def _erase_recalls(user) -> None:
    from petitions.recall_models import RecallGroupMember, RecallSignature

    RecallSignature.objects.filter(user=user).update(user=None)
    RecallGroupMember.objects.filter(user=user).update(user=None)


def register() -> None:
    register_personal_data(PersonalDataHolder(name="petitions", export=_export_petitions, erase=_erase_petitions))
    register_personal_data(PersonalDataHolder(name="recalls", export=_export_recalls, erase=_erase_recalls))
