"""What the calendar moves (the beat task calls `petition_deadlines`; running it twice changes nothing
the second time): a support period that ended lapses, a collection that ended closes or goes for an
answer, and an answer past its due date is marked overdue."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from petitions.models import Petition, PetitionHistory
from petitions.tally import petitions_tally
from petitions.transitions import petition_transition
from portal.audit import audit_record

S = Petition.Status


def petition_deadlines(*, today=None) -> dict[str, int]:
    petitions_tally()  # decide on fresh counts
    today = today or timezone.localdate()
    done = {"lapsed": 0, "closed": 0, "sent": 0, "overdue": 0}
    moves = (
        ("lapsed", S.GATHERING_SUPPORT, S.LAPSED, "support_due__lt"),
        ("closed", S.OPEN, S.CLOSED, "collection_ends__lt"),
        ("sent", S.THRESHOLD_REACHED, S.AWAITING_ANSWER, "collection_ends__lt"),
    )
    for name, current, target, field in moves:
        for pk in Petition.objects.filter(status=current, **{field: today}).values_list("pk", flat=True):
            try:
                petition_transition(petition=Petition(pk=pk), to=target, actor=None)
            except ValidationError:
                continue  # moved meanwhile (signed past the gate, withdrawn...): nothing to do
            done[name] += 1
    done["overdue"] = _mark_overdue_answers(today)
    return done


def _mark_overdue_answers(today) -> int:
    """Stamp each petition whose answer is past due, once (not a move: it stays awaiting an answer)."""
    marked = 0
    # The extended term when the maslikhat extended it (petitions.appeal_record).
    overdue = Petition.objects.filter(
        Q(answer_extended_to__lt=today) | Q(answer_extended_to__isnull=True, answer_due__lt=today),
        status=S.AWAITING_ANSWER,
        answer_overdue_at__isnull=True,
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            petition = Petition.objects.select_for_update(of=("self",)).select_related("maslikhat").get(pk=pk)
            if petition.status != S.AWAITING_ANSWER or petition.answer_overdue_at is not None:
                continue
            petition.answer_overdue_at = timezone.now()
            petition.save(update_fields=["answer_overdue_at"])
            PetitionHistory.objects.create(
                petition=petition,
                kind=PetitionHistory.Kind.ANSWER_OVERDUE,
                from_status=petition.status,
                to_status=petition.status,
            )
            audit_record(
                actor=None,
                action="petition.answer_overdue",
                obj=petition,
                after={"answer_due": str(petition.answer_due)},
                scope_code=petition.maslikhat.code,
            )
        marked += 1
    return marked
