"""Reads of the recall procedure: public lists, the public page, the commission's queues."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from recalls.access import access_recall_for_viewer
from recalls.models import RecallGroupMember, RecallHistory, RecallIinCollision, RecallRequest, RecallSignature

Status = RecallRequest.Status


@dataclass
class TimelineStep:
    status: str
    label: str
    on: date | None
    done: bool
    current: bool = False
    note: str = ""
    from_status: str = ""


@dataclass
class RecallPage:
    recall: RecallRequest
    signatures: int
    percent: int
    timeline: list[TimelineStep] = field(default_factory=list)
    deadline: date | None = None


def recall_list_public(*, maslikhat: str = "", status: str = ""):
    qs = RecallRequest.objects.listed().with_related().order_by("-created_at", "-pk")
    if maslikhat:
        qs = qs.filter(maslikhat__code=maslikhat)
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs


def recall_list_for_deputy(deputy):
    """What the deputy's record shows: registered procedures, and an open one at any stage."""
    return (
        RecallRequest.objects.filter(deputy=deputy)
        .filter(Q(status__in=RecallRequest.LISTED) | ~Q(status__in=RecallRequest.TERMINAL))
        .order_by("-created_at", "-pk")
    )


def recall_open_for_deputy(deputy) -> RecallRequest | None:
    return RecallRequest.objects.open().filter(deputy=deputy).first()


def recall_vacancies_for_districts(districts) -> list[RecallRequest]:
    """Districts in the list whose deputy was recalled and whose seat has no active deputy yet."""
    ids = [d.pk for d in districts]
    if not ids:
        return []
    return list(
        RecallRequest.objects.filter(status=Status.RECALLED, district_id__in=ids)
        .exclude(district__deputies__status="active")
        .with_related()
        .order_by("-vote_held_on")
    )


def recall_signature_count(recall: RecallRequest) -> int:
    if recall.final_signatures_count is not None:
        return recall.final_signatures_count
    return recall.signatures.count()


def recall_eds_signature_count(recall: RecallRequest) -> int:
    """Signatures made with EDS (0 once personal data is purged: the evidence goes with them)."""
    return recall.signatures.filter(method="eds").count()


def recall_deadline(recall: RecallRequest) -> date | None:
    return {
        Status.GROUP_FORMING: recall.group_due_on,
        Status.REGISTRATION_REVIEW: recall.registration_due_on,
        Status.COLLECTING: recall.collection_ends_on,
        Status.VERIFICATION: recall.verification_due_on,
    }.get(recall.status)


MAIN_PATH = [
    Status.GROUP_FORMING,
    Status.REGISTRATION_REVIEW,
    Status.COLLECTING,
    Status.VERIFICATION,
    Status.VOTE_PENDING,
]


def recall_timeline(recall: RecallRequest, transitions: list[RecallHistory]) -> list[TimelineStep]:
    """The stages passed (from the history) and the stages still ahead on the main path."""
    steps = [
        TimelineStep(
            status=t.to_status,
            label=Status(t.to_status).label,
            on=t.created_at.date(),
            done=True,
            note=t.note,
            from_status=t.from_status,
        )
        for t in transitions
    ]
    if steps:
        steps[-1].current = True
    if recall.is_open:
        reached = {s.status for s in steps}
        steps.extend(
            TimelineStep(status=status, label=Status(status).label, on=None, done=False)
            for status in MAIN_PATH
            if status not in reached
        )
        steps.append(TimelineStep(status="outcome", label=str(_("Result of the recall vote")), on=None, done=False))
    return steps


def recall_get_page(pk) -> RecallPage:
    recall = access_recall_for_viewer(pk)
    transitions = list(recall.transitions.all())
    count = recall_signature_count(recall)
    threshold = recall.signature_threshold or 0
    percent = min(100, count * 100 // threshold) if threshold else 0
    return RecallPage(
        recall=recall,
        signatures=count,
        percent=percent,
        timeline=recall_timeline(recall, transitions),
        deadline=recall_deadline(recall),
    )


def recall_membership(recall: RecallRequest, user) -> RecallGroupMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    member = recall.members.filter(user=user).first()
    if member is None:
        # A join with an IIN another account gave is shown to its caller as a join (no oracle).
        claim = recall.iin_collisions.filter(user=user, kind=RecallIinCollision.Kind.MEMBER).first()
        if claim is not None:
            member = RecallGroupMember(
                recall=recall, user=user, full_name=claim.full_name, iin=claim.iin, joined_at=claim.created_at
            )
    return member


def recall_signature_of(recall: RecallRequest, user) -> RecallSignature | None:
    if not getattr(user, "is_authenticated", False):
        return None
    signature = recall.signatures.filter(user=user).first()
    if signature is None:
        # A signature with an IIN another account gave is shown to its caller as signed (no oracle);
        # the commission decides which of the two is the voter's.
        claim = recall.iin_collisions.filter(user=user, kind=RecallIinCollision.Kind.SIGNATURE).first()
        if claim is not None:
            signature = RecallSignature(recall=recall, user=user, iin=claim.iin, signed_at=claim.created_at)
    return signature


# ------------------------------------------------------------------------------
# The commission
# ------------------------------------------------------------------------------
def recall_list_for_commission(scope_codes: set[str] | None):
    """Recall requests before the commissions of these territories; None: every territory."""
    rows = (
        RecallRequest.objects.all()
        if scope_codes is None
        else RecallRequest.objects.filter(maslikhat__code__in=scope_codes)
    )
    return rows.exclude(status=Status.GROUP_FORMING).with_related().order_by("status", "-created_at")


def recall_signature_queue(recall: RecallRequest, *, result: str = "", sample_only: bool = False):
    qs = recall.signatures.select_related("user").order_by("signed_at", "pk")
    if result in RecallSignature.Result.values:
        qs = qs.filter(result=result)
    if sample_only:
        qs = qs.filter(in_sample=True)
    return qs


def recall_verification_tally(recall: RecallRequest) -> dict:
    sample = recall.verification_mode == RecallRequest.VerificationMode.SAMPLE
    return recall.signatures.aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(result="pending") & (Q(in_sample=True) if sample else Q())),
        valid=Count("pk", filter=Q(result="valid")),
        invalid=Count("pk", filter=Q(result="invalid")),
        in_sample=Count("pk", filter=Q(in_sample=True)),
    )
