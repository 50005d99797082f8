"""What the recall procedure holds about a person, for the own-data export and account deletion
(portal.personal_data; registered in recalls/wiring.py).

Deletion keeps every signature as a counted row (recall counts do not move) but unlinks a recall
signature or group membership from the account. The IIN and address of a recall signature stay,
encrypted, while the procedure needs them for the election commission's verification, and are
deleted with the rest by the retention purge (recall_purge_personal_data, RecallRules.retention_days
after the procedure ends).

An EDS signature's evidence (RecallEdsEvidence: the certificate's serial and issuer, the name in it and
the CMS) is personal data too. The export shows what identifies the certificate and the name, not the
CMS, which carries the full IIN. Deletion unlinks it with its signature: it is what proves the counted
signature to the commission, so like the IIN it stays, encrypted, until the retention purge deletes it
with the signature (CASCADE)."""

from recalls.models import RecallEdsEvidence, RecallGroupMember, RecallIinCollision, RecallSignature


def _eds_evidence(signature) -> dict | None:
    try:
        evidence = signature.eds
    except RecallEdsEvidence.DoesNotExist:
        return None
    return {
        "certificate_serial": evidence.certificate_serial,
        "certificate_issuer": evidence.certificate_issuer,
        "name_in_certificate": evidence.signer_name,
        "verified_at": evidence.verified_at.isoformat(),
    }


def export_recalls(user) -> dict:
    signatures = RecallSignature.objects.filter(user=user).select_related("recall__deputy", "eds").order_by("signed_at")
    members = RecallGroupMember.objects.filter(user=user).select_related("recall__deputy").order_by("joined_at")
    return {
        # The IIN is masked even here: a downloaded file travels further than the page.
        "signatures": [
            {
                "recall": s.recall_id,
                "deputy": s.recall.deputy.full_name,
                "signed_at": s.signed_at.isoformat(),
                "iin": s.masked_iin,
                "method": s.method,
                "verification": s.result,
                "eds": _eds_evidence(s),
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
    # EDS evidence hangs on its signature alone: unlinking the signature unlinks it (module docstring).
    RecallSignature.objects.filter(user=user).update(user=None)
    RecallGroupMember.objects.filter(user=user).update(user=None)
    RecallIinCollision.objects.filter(user=user).update(user=None)
    RecallIinCollision.objects.filter(earlier_user=user).update(earlier_user=None)
