"""What the recall procedure holds about a person, for the own-data export and account deletion
(portal.personal_data; registered in recalls/wiring.py).

Deletion keeps every signature as a counted row (recall counts do not move) but unlinks a recall
signature or group membership from the account. The IIN and address of a recall signature stay,
encrypted, while the procedure needs them for the election commission's verification, and are
deleted with the rest by the retention purge (recall_purge_personal_data, RecallRules.retention_days
after the procedure ends)."""

from recalls.models import RecallGroupMember, RecallSignature


def export_recalls(user) -> dict:
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


def erase_recalls(user) -> None:
    RecallSignature.objects.filter(user=user).update(user=None)
    RecallGroupMember.objects.filter(user=user).update(user=None)
