"""Write use cases of the staff console: plan a session, build and publish its agenda, attach
documents, record attendance and votes, publish decisions. Each checks that the actor is staff of
the session's maslikhat, writes in a transaction and records an audit entry; notifications are
queued by notify() when the transaction commits."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.access import staff_maslikhat_codes
from deputies.models import Deputy
from portal.audit import audit_record
from portal.uploads import DOCX, PDF, check_upload
from sittings import events
from sittings.models import AgendaItem, Attendance, Decision, Session, SessionDocument, Vote

SESSION_FIELDS = (
    "kind",
    "title_kk",
    "title_ru",
    "title_en",
    "starts_at",
    "ends_at",
    "place",
    "broadcast_url",
    "video_url",
    "status",
)


def _require_staff(actor, maslikhat) -> None:
    if not (getattr(actor, "is_superuser", False) or maslikhat.code in staff_maslikhat_codes(actor)):
        raise PermissionDenied(_("You are not staff of this maslikhat."))


def _audit(actor, action: str, obj, session: Session, **after) -> None:
    audit_record(actor=actor, action=action, obj=obj, after=after, scope_code=session.maslikhat.code)


@transaction.atomic
def session_plan(*, actor, maslikhat, number: int, starts_at, **fields) -> Session:
    _require_staff(actor, maslikhat)
    convocation = maslikhat.convocations.order_by("-number").first()
    kind = fields.get("kind", Session.Kind.REGULAR)
    clash = Session.objects.filter(maslikhat=maslikhat, convocation=convocation, number=number)
    clash = clash.filter(kind=kind) if kind == Session.Kind.COMMISSION else clash.exclude(kind=Session.Kind.COMMISSION)
    if clash.exists():
        raise ValidationError({"number": _("A session with this number already exists in this convocation.")})
    session = Session.objects.create(
        maslikhat=maslikhat,
        convocation=convocation,
        number=number,
        starts_at=starts_at,
        **{k: v for k, v in fields.items() if k in SESSION_FIELDS},
    )
    _audit(actor, "session.plan", session, session, number=number, starts_at=starts_at.isoformat())
    return session


@transaction.atomic
def session_update(*, actor, session: Session, **fields) -> Session:
    _require_staff(actor, session.maslikhat)
    session = Session.objects.select_for_update().select_related("maslikhat").get(pk=session.pk)
    before = {k: getattr(session, k) for k in fields if k in SESSION_FIELDS}
    for name, value in fields.items():
        if name in SESSION_FIELDS:
            setattr(session, name, value)
    if before.get("starts_at", session.starts_at) != session.starts_at or before.get("status", session.status) != (
        session.status
    ):
        session.sequence += 1
    session.full_clean(exclude=["maslikhat", "convocation", "commission"])
    session.save()
    _audit(actor, "session.update", session, session, **{k: getattr(session, k) for k in before})
    return session


@transaction.atomic
def agenda_item_add(*, actor, session: Session, title_kk: str = "", title_ru: str = "", **fields) -> AgendaItem:
    _require_staff(actor, session.maslikhat)
    if not (title_kk or title_ru or fields.get("title_en")):
        raise ValidationError({"title_ru": _("Give the title in Kazakh or Russian.")})
    number = fields.pop("number", None) or (max((i.number for i in session.items.all()), default=0) + 1)
    if session.items.filter(number=number).exists():
        raise ValidationError({"number": _("This agenda already has an item with this number.")})
    allowed = {"title_en", "kind", "rapporteur", "related_petition_id", "related_hearing_id"}
    item = AgendaItem.objects.create(
        session=session,
        number=number,
        title_kk=title_kk,
        title_ru=title_ru,
        **{k: v for k, v in fields.items() if k in allowed},
    )
    _audit(actor, "session.agenda_add", item, session, number=number)
    return item


@transaction.atomic
def agenda_publish(*, actor, session: Session) -> Session:
    """Publish the agenda: the followers of the maslikhat and of the session are notified once."""
    _require_staff(actor, session.maslikhat)
    session = Session.objects.select_for_update().select_related("maslikhat").get(pk=session.pk)
    if not session.items.exists():
        raise ValidationError(_("Add at least one agenda item before publishing the agenda."))
    if session.agenda_published_at is None:
        session.agenda_published_at = timezone.now()
        session.save(update_fields=["agenda_published_at"])
    _audit(actor, "session.agenda_publish", session, session)
    events.notify_agenda_published(session)
    return session


@transaction.atomic
def document_attach(*, actor, session: Session, upload, title: str, kind: str, item=None) -> SessionDocument:
    """A document through the upload gate (PDF or DOCX, checked by content)."""
    _require_staff(actor, session.maslikhat)
    if item is not None and item.session_id != session.pk:
        raise ValidationError(_("This agenda item belongs to another session."))
    checked = check_upload(upload, kinds=(PDF, DOCX))
    document = SessionDocument(
        session=session, item=item, kind=kind, title=title or checked.name, size=checked.size, uploaded_by=actor
    )
    document.file.save(checked.name, checked.file, save=False)
    document.save()
    _audit(actor, "session.document_attach", document, session, kind=kind, size=checked.size)
    return document


@transaction.atomic
def attendance_record(*, actor, session: Session, rows: dict) -> None:
    """rows: {deputy_id: (status, reason)} for deputies of the session's maslikhat."""
    _require_staff(actor, session.maslikhat)
    allowed = set(Deputy.objects.filter(maslikhat=session.maslikhat).values_list("pk", flat=True))
    for deputy_id, (status, reason) in rows.items():
        if deputy_id not in allowed:
            raise ValidationError(_("A deputy of another maslikhat cannot attend this session."))
        if status not in Attendance.Status.values:
            raise ValidationError(_("Choose present, absent for a reason, or absent."))
        Attendance.objects.update_or_create(
            session=session,
            deputy_id=deputy_id,
            defaults={"status": status, "reason": reason if status == Attendance.Status.EXCUSED else ""},
        )
    _audit(actor, "session.attendance", session, session, rows=len(rows))


@transaction.atomic
def decision_record(
    *, actor, item: AgendaItem, adopted: bool, number: str = "", text: str = "", totals=None, roll=None
) -> Decision:
    """Record the vote on an item. `roll` ({deputy_id: choice}) lists the deputies present; when given,
    the totals are counted from it and stated totals that contradict it are refused."""
    session = item.session
    _require_staff(actor, session.maslikhat)
    roll = {k: v for k, v in (roll or {}).items() if v}
    if any(choice not in Vote.Choice.values for choice in roll.values()):
        raise ValidationError(_("A vote is for, against, abstain or did not vote."))
    if roll:
        present = set(session.attendance.filter(status=Attendance.Status.PRESENT).values_list("deputy_id", flat=True))
        if set(roll) - present:
            raise ValidationError(_("Only deputies recorded as present can vote; record the attendance first."))
        counted = {c: sum(1 for v in roll.values() if v == c) for c in Vote.Choice.values}
        if totals and any(totals.get(c) is not None and totals[c] != counted[c] for c in Vote.Choice.values):
            raise ValidationError(_("The totals contradict the roll call."))
        totals = counted
    totals = totals or {}
    decision, _created = Decision.objects.update_or_create(
        item=item,
        defaults={
            "adopted": adopted,
            "number": number,
            "text": text,
            "votes_for": totals.get("for"),
            "votes_against": totals.get("against"),
            "votes_abstain": totals.get("abstain"),
            "votes_not_voting": totals.get("not_voting"),
        },
    )
    decision.votes.exclude(deputy_id__in=list(roll)).delete()
    for deputy_id, choice in roll.items():
        Vote.objects.update_or_create(decision=decision, deputy_id=deputy_id, defaults={"choice": choice})
    _audit(actor, "session.decision_record", decision, session, adopted=adopted, **{k: v for k, v in totals.items()})
    return decision


@transaction.atomic
def decision_publish(*, actor, decision: Decision) -> Decision:
    """Make the decision public; when adopted, followers of the item and of the session hear once."""
    session = decision.item.session
    _require_staff(actor, session.maslikhat)
    decision = Decision.objects.select_for_update().select_related("item__session__maslikhat").get(pk=decision.pk)
    first = decision.published_at is None
    if first:
        decision.published_at = timezone.now()
        decision.save(update_fields=["published_at"])
    _audit(actor, "session.decision_publish", decision, session, adopted=decision.adopted)
    if first and decision.adopted:
        events.notify_decision_adopted(decision)
    return decision
