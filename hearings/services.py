"""Write use cases for hearings. Each validates, writes in one transaction, records the hearing's
history and the audit log for official actions, and queues notifications on commit."""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy, Maslikhat
from hearings.access import require_staff_of
from hearings.models import (
    LANGUAGE_CHOICES,
    AgendaDocument,
    Hearing,
    HearingRules,
    MinutesDocument,
    Question,
    QuestionVote,
    Registration,
)
from hearings.transitions import ACTIVE_REGISTRATION, TABLE, hearing_transition, history
from notifications.follows import follow_add, followers_of
from notifications.services import notify
from portal import transitions as engine
from portal.access import require_verified_email
from portal.audit import audit_record
from portal.uploads import PDF, check_upload
from portal.workdays import add_working_days

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no look-alikes (0/O, 1/I/L, 5/S, 8/B)
CODE_LENGTH = 6
MAX_QUESTIONS_PER_PERSON = 5
REMINDER_WINDOWS = (("reminder-24h", timedelta(hours=24)), ("reminder-1h", timedelta(hours=1)))
SEATED = (Registration.Status.SEATED, Registration.Status.ATTENDED)


def _local(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def normalise_venue(address: str) -> str:
    """Two spellings of one hall ("ул. Абая, 10" / "ул Абая 10") must clash."""
    return " ".join(re.sub(r"[^\w]+", " ", address.casefold()).split())


def rules_for(hearing_type: str, on=None) -> HearingRules:
    rules = HearingRules.objects.in_force(on, hearing_type=hearing_type)
    if rules is None:
        raise ValidationError(
            _("No hearing rules are in force for this type of hearing; ask an administrator to add them.")
        )
    return rules


def minutes_due_on(hearing: Hearing, rules: HearingRules, ends_at: datetime | None = None):
    return add_working_days(timezone.localtime(ends_at or hearing.ends_at).date(), rules.minutes_working_days)


def _history(hearing, action, actor=None, reason="", before=None, after=None):
    history(hearing, action, actor, reason=reason, before=before, after=after)


# ------------------------------------------------------------------------------
# Scheduling rules: notice period, clashes, same-day warning
# ------------------------------------------------------------------------------
def schedule_problems(
    *,
    maslikhat: Maslikhat,
    commission,
    hearing_type: str,
    starts_at: datetime,
    ends_at: datetime,
    venue_address: str,
    deputies,
    exclude_pk: int | None = None,
    check_notice: bool = True,
    now: datetime | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """(errors by field, warnings). Errors refuse; warnings need the staff member's confirmation."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []

    def error(field, message):
        errors.setdefault(field, []).append(message)

    if ends_at <= starts_at:
        error("ends_at", _("The hearing must end after it starts."))
        return errors, warnings
    if starts_at <= now:
        error("starts_at", _("The hearing must start in the future."))
        return errors, warnings
    if check_notice:
        rules = rules_for(hearing_type, timezone.localdate(now))
        earliest = timezone.localdate(now) + timedelta(days=rules.notice_days)
        if timezone.localtime(starts_at).date() < earliest:
            error(
                "starts_at",
                _(
                    "Too short a notice: hearings of this type must be announced at least %(days)d calendar "
                    "days ahead (%(reference)s). The earliest possible date is %(date)s."
                )
                % {
                    "days": rules.notice_days,
                    "reference": rules.reference,
                    "date": formats.date_format(earliest, "DATE_FORMAT"),
                },
            )
    overlapping = Hearing.objects.active().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    venue_key = normalise_venue(venue_address)
    if venue_key:
        clash = overlapping.filter(venue_key=venue_key).first()
        if clash:
            error(
                "venue_address",
                _("The venue is already booked from %(start)s to %(end)s for “%(topic)s”.")
                % {"start": _local(clash.starts_at), "end": _local(clash.ends_at), "topic": clash.topic},
            )
    deputy_ids = [getattr(d, "pk", d) for d in deputies]
    if deputy_ids:
        busy = (
            Deputy.objects.filter(pk__in=deputy_ids, hearings__in=overlapping)
            .values_list("full_name", "hearings__topic_kk", "hearings__topic_ru", "hearings__topic_en")
            .distinct()
        )
        for full_name, *topics in busy:
            error(
                "deputies",
                _("%(name)s already takes part in another hearing at that time (“%(topic)s”).")
                % {"name": full_name, "topic": next((t for t in topics if t), "")},
            )
    local_day = timezone.localtime(starts_at).date()
    same_day = Hearing.objects.active().filter(commission=commission, starts_at__date=local_day)
    if exclude_pk:
        same_day = same_day.exclude(pk=exclude_pk)
    warnings.extend(
        _("The commission already holds a hearing on this day: “%(topic)s” at %(time)s.")
        % {"topic": other.topic, "time": formats.time_format(timezone.localtime(other.starts_at), "TIME_FORMAT")}
        for other in same_day[:3]
    )
    return errors, warnings


def hearing_schedule(
    *,
    actor,
    maslikhat: Maslikhat,
    commission,
    hearing_type: str,
    starts_at: datetime,
    ends_at: datetime,
    registration_deadline: datetime | None = None,
    topic_kk: str = "",
    topic_ru: str = "",
    topic_en: str = "",
    description_kk: str = "",
    description_ru: str = "",
    description_en: str = "",
    languages=(),
    venue_address: str = "",
    capacity: int | None = None,
    accessibility_notes: str = "",
    broadcast_url: str = "",
    deputies=(),
    related_petition_id: int | None = None,
    related_petition_url: str = "",
    related_petition_title: str = "",
    agenda_documents=(),
    confirm_same_day: bool = False,
    is_demo: bool = False,
) -> Hearing:
    require_staff_of(actor, maslikhat)
    errors: dict[str, list[str]] = {}
    if commission.maslikhat_id != maslikhat.pk:
        errors["commission"] = [_("The commission must belong to the hearing's maslikhat.")]
    deputies = list(deputies)
    if any(d.maslikhat_id != maslikhat.pk for d in deputies):
        errors["deputies"] = [_("Related deputies must be deputies of the hearing's maslikhat.")]
    if not (topic_kk.strip() or topic_ru.strip() or topic_en.strip()):
        errors["topic_kk"] = [_("Give the topic in at least one language.")]
    if not (venue_address.strip() or broadcast_url.strip()):
        errors["venue_address"] = [_("Give a venue address, an online broadcast link, or both.")]
    if capacity is not None and capacity < 1:
        errors["capacity"] = [_("Capacity must be at least one seat.")]
    known = {code for code, _label in LANGUAGE_CHOICES}
    languages = [code for code in languages if code in known]
    registration_deadline = registration_deadline or starts_at
    if registration_deadline > starts_at:
        errors["registration_deadline"] = [_("Registration must close before the hearing starts.")]
    for document in agenda_documents:
        try:
            validate_pdf(document)
        except ValidationError as error:
            errors.setdefault("agenda", []).extend(error.messages)
    with transaction.atomic():
        # Serialises scheduling within a maslikhat so two staff members cannot book one hall at once.
        Maslikhat.objects.select_for_update().filter(pk=maslikhat.pk).first()
        clash_errors, warnings = schedule_problems(
            maslikhat=maslikhat,
            commission=commission,
            hearing_type=hearing_type,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_address=venue_address,
            deputies=deputies,
        )
        for field, messages in clash_errors.items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        if warnings and not confirm_same_day:
            raise ValidationError({"confirm_same_day": warnings}, code="same_day")
        rules = rules_for(hearing_type)
        hearing = Hearing(
            maslikhat=maslikhat,
            commission=commission,
            hearing_type=hearing_type,
            starts_at=starts_at,
            ends_at=ends_at,
            registration_deadline=registration_deadline,
            topic_kk=topic_kk.strip(),
            topic_ru=topic_ru.strip(),
            topic_en=topic_en.strip(),
            description_kk=description_kk,
            description_ru=description_ru,
            description_en=description_en,
            languages=languages,
            venue_address=venue_address.strip(),
            venue_key=normalise_venue(venue_address),
            capacity=capacity,
            accessibility_notes=accessibility_notes,
            broadcast_url=broadcast_url.strip(),
            related_petition_id=related_petition_id,
            related_petition_url=related_petition_url,
            related_petition_title=related_petition_title,
            rules=rules,
            created_by=actor if getattr(actor, "pk", None) else None,
            is_demo=is_demo,
        )
        hearing.minutes_due_on = minutes_due_on(hearing, rules)
        hearing.save()
        hearing.deputies.set(deputies)
        for document in agenda_documents:
            _store_document(AgendaDocument, hearing, document, actor)
        snapshot = {
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "venue": hearing.venue_address,
            "type": hearing_type,
            "warnings": warnings,
        }
        _history(hearing, "scheduled", actor, after=snapshot)
        audit_record(actor=actor, action="hearing.schedule", obj=hearing, after=snapshot, scope_code=maslikhat.code)
        # Deputies with an account learn they are named on a hearing; citizens who follow the
        # maslikhat, one of its districts or a related deputy learn a hearing is coming.
        deputy_users = [d.user_id for d in deputies if d.user_id]
        followers = followers_of(maslikhat, *maslikhat.districts.all(), *deputies).iterator()
        notify(
            event="hearing.scheduled",
            obj=hearing,
            recipients=deputy_users,
            followers=followers,
            key=f"hearing:{hearing.pk}:scheduled",
        )
    return hearing


def hearing_postpone(
    *,
    actor,
    hearing: Hearing,
    reason: str,
    starts_at: datetime,
    ends_at: datetime,
    registration_deadline: datetime | None = None,
) -> Hearing:
    require_staff_of(actor, hearing.maslikhat)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for postponing; registrants will read it.")]})
    with engine.atomic():
        hearing = Hearing.objects.select_for_update().select_related("maslikhat").get(pk=hearing.pk)
        if hearing.status == Hearing.Status.HELD or hearing.starts_at <= timezone.now():
            raise ValidationError(_("Only a hearing that has not started yet can be postponed."))
        TABLE.check(hearing, Hearing.Status.POSTPONED, actor)
        if starts_at <= hearing.starts_at:
            raise ValidationError({"starts_at": [_("A postponed hearing must start later than planned.")]})
        errors, _warnings = schedule_problems(
            maslikhat=hearing.maslikhat,
            commission=hearing.commission,
            hearing_type=hearing.hearing_type,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_address=hearing.venue_address,
            deputies=list(hearing.deputies.all()),
            exclude_pk=hearing.pk,
            check_notice=False,
        )
        registration_deadline = registration_deadline or starts_at
        if registration_deadline > starts_at:
            errors.setdefault("registration_deadline", []).append(
                _("Registration must close before the hearing starts.")
            )
        if errors:
            raise ValidationError(errors)
        before = {
            "starts_at": hearing.starts_at.isoformat(),
            "ends_at": hearing.ends_at.isoformat(),
            "status": hearing.status,
        }
        after = {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "status": Hearing.Status.POSTPONED}
        sequence = hearing.sequence + 1
        hearing = hearing_transition(
            hearing,
            Hearing.Status.POSTPONED,
            actor=actor,
            action="postponed",
            audit_action="hearing.postpone",
            changes={
                "starts_at": starts_at,
                "ends_at": ends_at,
                "registration_deadline": registration_deadline,
                "status_reason": reason.strip(),
                "sequence": sequence,
                "minutes_due_on": minutes_due_on(hearing, hearing.rules or rules_for(hearing.hearing_type), ends_at),
            },
            reason=reason.strip(),
            before=before,
            after=after,
            audit_after={**after, "reason": reason.strip()},
            event=("hearing.postponed", f"hearing:{hearing.pk}:postponed:{sequence}"),
        )
    return hearing


DETAIL_FIELDS = (
    "topic_kk",
    "topic_ru",
    "topic_en",
    "description_kk",
    "description_ru",
    "description_en",
    "languages",
    "accessibility_notes",
    "broadcast_url",
    "capacity",
    "related_petition_id",
    "related_petition_url",
    "related_petition_title",
)


def hearing_update_details(*, actor, hearing: Hearing, **changes) -> Hearing:
    """Correct what a hearing says without moving it: topic, description, languages, accessibility,
    broadcast link, capacity, related petition. Time and venue change only by postponing (which
    re-checks notice and clashes and tells registrants). More seats seat the waitlist in order;
    fewer seats than people already seated are refused."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not a detail of a hearing: {sorted(unknown)}")
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().select_related("maslikhat").get(pk=hearing.pk)
        require_staff_of(actor, hearing.maslikhat)
        if not hearing.is_active or hearing.ends_at <= timezone.now():
            raise ValidationError(_("A cancelled or finished hearing can no longer be edited."))
        before = {field: getattr(hearing, field) for field in changes}
        for field, value in changes.items():
            setattr(hearing, field, value if value is not None or field in {"capacity", "related_petition_id"} else "")
        errors = {}
        if not (hearing.topic_kk or hearing.topic_ru or hearing.topic_en):
            errors["topic_kk"] = [_("Give the topic in at least one language.")]
        if not (hearing.venue_address or hearing.broadcast_url):
            errors["broadcast_url"] = [_("An online-only hearing needs its broadcast link.")]
        seated = hearing.registrations.filter(status__in=SEATED).count()
        if hearing.capacity is not None and hearing.capacity < seated:
            errors["capacity"] = [
                _("%(seated)s people already have a seat; the capacity cannot be lower.") % {"seated": seated}
            ]
        if errors:
            raise ValidationError(errors)
        changed = {field: value for field, value in changes.items() if before[field] != getattr(hearing, field)}
        if not changed:
            return hearing
        hearing.save()
        snapshot_before = {field: str(before[field]) for field in changed}
        snapshot_after = {field: str(getattr(hearing, field)) for field in changed}
        _history(hearing, "edited", actor, before=snapshot_before, after=snapshot_after)
        audit_record(
            actor=actor,
            action="hearing.edit",
            obj=hearing,
            before=snapshot_before,
            after=snapshot_after,
            scope_code=hearing.maslikhat.code,
        )
        while "capacity" in changed and _promote_waitlisted(hearing) is not None:
            pass
    return hearing


def hearing_cancel(*, actor, hearing: Hearing, reason: str) -> Hearing:
    require_staff_of(actor, hearing.maslikhat)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling; registrants will read it.")]})
    with engine.atomic():
        hearing = Hearing.objects.select_for_update().select_related("maslikhat").get(pk=hearing.pk)
        before = {"status": hearing.status}
        hearing = hearing_transition(
            hearing,
            Hearing.Status.CANCELLED,
            actor=actor,
            action="cancelled",
            audit_action="hearing.cancel",
            changes={"status_reason": reason.strip(), "sequence": hearing.sequence + 1},
            reason=reason.strip(),
            before=before,
            after={"status": Hearing.Status.CANCELLED},
            audit_after={"reason": reason.strip()},
            event=("hearing.cancelled", f"hearing:{hearing.pk}:cancelled"),
        )
    return hearing


def hearing_publish_minutes(
    *, actor, hearing: Hearing, minutes_text: str, decisions: str = "", video_url: str = "", files=()
) -> Hearing:
    require_staff_of(actor, hearing.maslikhat)
    files = list(files)
    errors: dict[str, list[str]] = {}
    for document in files:
        try:
            validate_pdf(document)
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.messages)
    with engine.atomic():
        hearing = Hearing.objects.select_for_update().select_related("maslikhat").get(pk=hearing.pk)
        if hearing.status == Hearing.Status.CANCELLED:
            raise ValidationError(_("A cancelled hearing has no minutes."))
        if hearing.starts_at > timezone.now():
            raise ValidationError(_("Minutes can be published once the hearing has taken place."))
        if not minutes_text.strip() and not files and not hearing.minutesdocuments.exists():
            errors.setdefault("minutes_text", []).append(_("Write the minutes or attach them as a PDF."))
        if errors:
            raise ValidationError(errors)
        first_time = hearing.minutes_published_at is None
        before = {"status": hearing.status, "minutes_published_at": str(hearing.minutes_published_at or "")}
        changes = {"minutes_text": minutes_text.strip(), "decisions": decisions.strip(), "video_url": video_url.strip()}
        if first_time:
            changes["minutes_published_at"] = timezone.now()
        after = {
            "status": Hearing.Status.HELD,
            "late": hearing.minutes_due_on is not None and timezone.localdate() > hearing.minutes_due_on,
            "files": len(files),
        }
        hearing = hearing_transition(
            hearing,
            Hearing.Status.HELD,
            actor=actor,
            action="minutes_published" if first_time else "minutes_updated",
            audit_action="hearing.minutes_publish",
            changes=changes,
            before=before,
            after=after,
            audit_after=after,
            event=("hearing.minutes_published", f"hearing:{hearing.pk}:minutes") if first_time else None,
        )
        for document in files:
            _store_document(MinutesDocument, hearing, document, actor)
    return hearing


# ------------------------------------------------------------------------------
# Documents
# ------------------------------------------------------------------------------
def validate_pdf(upload) -> None:
    """A PDF by its content (portal.uploads: no JavaScript, no polyglot), within the size limit."""
    check_upload(upload, kinds=(PDF,), max_bytes=getattr(settings, "HEARINGS_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024))


def _store_document(model, hearing, upload, actor):
    name = re.sub(r"[^\w.\-]+", "_", upload.name.rsplit("/", 1)[-1])[:80] or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    title = getattr(upload, "title", "") or upload.name.rsplit("/", 1)[-1]
    upload.seek(0)
    document = model(
        hearing=hearing, title=title[:200], size=upload.size, uploaded_by=actor if getattr(actor, "pk", None) else None
    )
    document.file.save(name, upload, save=False)
    document.save()
    return document


def agenda_document_add(*, actor, hearing: Hearing, upload, title: str = "") -> AgendaDocument:
    require_staff_of(actor, hearing.maslikhat)
    validate_pdf(upload)
    if title:
        upload.title = title
    with transaction.atomic():
        document = _store_document(AgendaDocument, hearing, upload, actor)
        _history(hearing, "agenda_added", actor, after={"title": document.title})
        audit_record(
            actor=actor,
            action="hearing.agenda_add",
            obj=hearing,
            after={"document": document.title, "size": document.size},
            scope_code=hearing.maslikhat.code,
        )
    return document


# ------------------------------------------------------------------------------
# Registrations
# ------------------------------------------------------------------------------
def _new_code(hearing) -> str:
    taken = set(hearing.registrations.values_list("code", flat=True))
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in taken:
            return code


def registration_create(*, user, hearing: Hearing) -> tuple[Registration, str]:
    """Register for a seat, or the waitlist when the hall is full. Returns (registration, outcome)
    with outcome "seated", "waitlisted" or "already". The hearing row is locked, so concurrent
    requests are counted one after another and never overbook."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to register."))
    require_verified_email(user)
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        existing = Registration.objects.filter(hearing=hearing, user=user).first()
        if existing is not None and existing.is_active:
            return existing, "already"
        if hearing.status == Hearing.Status.CANCELLED:
            raise ValidationError(_("This hearing has been cancelled."))
        if not hearing.registration_is_open():
            raise ValidationError(_("Registration for this hearing is closed."))
        seated = hearing.registrations.filter(status__in=SEATED).count()
        status = (
            Registration.Status.SEATED
            if hearing.capacity is None or seated < hearing.capacity
            else Registration.Status.WAITLISTED
        )
        position = (hearing.registrations.aggregate(m=Max("position"))["m"] or 0) + 1
        now = timezone.now()
        if existing is not None:
            existing.status, existing.position, existing.registered_at, existing.cancelled_at = (
                status,
                position,
                now,
                None,
            )
            existing.save(update_fields=["status", "position", "registered_at", "cancelled_at"])
            registration = existing
        else:
            registration = Registration.objects.create(
                hearing=hearing,
                user=user,
                status=status,
                code=_new_code(hearing),
                position=position,
                created_at=now,
                registered_at=now,
            )
        follow_add(user=user, obj=hearing)
        notify(
            event="hearing.registered",
            obj=hearing,
            recipients=[user.pk],
            key=f"hearing:{hearing.pk}:registration:{registration.pk}:{int(now.timestamp())}",
        )
    return registration, status


def registration_cancel(*, user, hearing: Hearing) -> Registration | None:
    """Cancel one's own registration. A freed seat goes to the first person on the waitlist, who
    is told. Returns the promoted registration, if any."""
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        registration = Registration.objects.filter(hearing=hearing, user=user, status__in=ACTIVE_REGISTRATION).first()
        if registration is None:
            raise ValidationError(_("You are not registered for this hearing."))
        if registration.status == Registration.Status.ATTENDED or hearing.starts_at <= timezone.now():
            raise ValidationError(_("The hearing has already started; the registration can no longer be cancelled."))
        freed_seat = registration.status == Registration.Status.SEATED
        registration.status, registration.cancelled_at = Registration.Status.CANCELLED, timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if freed_seat and hearing.is_active:
            return _promote_waitlisted(hearing)
    return None


def _promote_waitlisted(hearing: Hearing) -> Registration | None:
    """Caller holds the hearing lock."""
    seated = hearing.registrations.filter(status__in=SEATED).count()
    if hearing.capacity is not None and seated >= hearing.capacity:
        return None
    first = hearing.registrations.filter(status=Registration.Status.WAITLISTED).order_by("position").first()
    if first is None:
        return None
    first.status = Registration.Status.SEATED
    first.save(update_fields=["status"])
    notify(
        event="hearing.promoted",
        obj=hearing,
        recipients=[first.user_id],
        key=f"hearing:{hearing.pk}:promoted:{first.pk}:{int(first.registered_at.timestamp())}",
    )
    return first


def registration_check_in(
    *, actor, hearing: Hearing, code: str = "", registration_id: int | None = None
) -> Registration:
    require_staff_of(actor, hearing.maslikhat)
    with transaction.atomic():
        registrations = Registration.objects.select_for_update().select_related("user").filter(hearing=hearing)
        code = code.strip().upper().replace(" ", "").replace("-", "")
        if registration_id:
            registration = registrations.filter(pk=registration_id).first()
        elif code:
            registration = registrations.filter(code=code).first()
        else:
            registration = None
        if registration is None:
            raise ValidationError({"code": [_("No registration with this code for this hearing.")]})
        if registration.status == Registration.Status.ATTENDED:
            raise ValidationError(_("%(name)s is already checked in.") % {"name": _person(registration.user)})
        if registration.status != Registration.Status.SEATED:
            raise ValidationError(
                _("%(name)s has no confirmed seat (%(status)s).")
                % {"name": _person(registration.user), "status": registration.get_status_display()}
            )
        registration.status, registration.checked_in_at = Registration.Status.ATTENDED, timezone.now()
        registration.save(update_fields=["status", "checked_in_at"])
        audit_record(
            actor=actor,
            action="hearing.check_in",
            obj=hearing,
            after={"registration": registration.pk},
            scope_code=hearing.maslikhat.code,
        )
    return registration


def _person(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.email


# ------------------------------------------------------------------------------
# Questions in advance
# ------------------------------------------------------------------------------
def question_submit(*, user, hearing: Hearing, text: str) -> Question:
    require_verified_email(user)
    text = text.strip()
    if len(text) < 10:
        raise ValidationError({"text": [_("Write your question in at least 10 characters.")]})
    if len(text) > 1000:
        raise ValidationError({"text": [_("A question can be at most 1000 characters long.")]})
    if not hearing.is_active or hearing.ends_at <= timezone.now():
        raise ValidationError(_("Questions can be asked only before the hearing ends."))
    with transaction.atomic():
        if Question.objects.filter(hearing=hearing, author=user).count() >= MAX_QUESTIONS_PER_PERSON:
            raise ValidationError(
                _("You can ask at most %(count)d questions for one hearing.") % {"count": MAX_QUESTIONS_PER_PERSON}
            )
        return Question.objects.create(hearing=hearing, author=user, text=text)


def question_vote(*, user, question: Question) -> bool:
    """Upvote a published question. True when counted, False when this person had already voted."""
    require_verified_email(user)
    if not Question.objects.filter(pk=question.pk, status=Question.Status.PUBLISHED).exists():
        raise ValidationError(_("Only published, unanswered questions can be supported."))
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, user=user)
            Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
    except IntegrityError:
        return False
    return True


QUESTION_TRANSITIONS = {
    Question.Status.PENDING: {Question.Status.PUBLISHED, Question.Status.REJECTED},
    Question.Status.PUBLISHED: {Question.Status.ANSWERED, Question.Status.REJECTED},
    Question.Status.ANSWERED: {Question.Status.PUBLISHED},
    Question.Status.REJECTED: {Question.Status.PUBLISHED},
}


def question_moderate(*, actor, question: Question, status: str, answer: str = "") -> Question:
    require_staff_of(actor, question.hearing.maslikhat)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if status not in QUESTION_TRANSITIONS[question.status]:
            raise ValidationError(
                _("A question that is “%(status)s” cannot become “%(to)s”.")
                % {"status": question.get_status_display(), "to": Question.Status(status).label}
            )
        before = {"status": question.status}
        question.status, question.moderated_at = status, timezone.now()
        if status == Question.Status.ANSWERED:
            question.answer = answer.strip()
        question.save(update_fields=["status", "moderated_at", "answer"])
        audit_record(
            actor=actor,
            action="hearing.question_moderate",
            obj=question,
            before=before,
            after={"status": status},
            scope_code=question.hearing.maslikhat.code,
        )
    return question


# ------------------------------------------------------------------------------
# Reminders (Celery beat)
# ------------------------------------------------------------------------------
def hearing_send_reminders(*, now: datetime | None = None) -> int:
    """Remind seated registrants 24 hours and 1 hour ahead. The notification key names the
    hearing's start time, so a second run changes nothing and a postponed hearing is reminded again."""
    now = now or timezone.now()
    total = 0
    lower = now
    for name, window in reversed(REMINDER_WINDOWS):
        hearings = Hearing.objects.filter(
            status__in=[Hearing.Status.SCHEDULED, Hearing.Status.POSTPONED],
            starts_at__gt=lower,
            starts_at__lte=now + window,
        )
        for hearing in hearings:
            with transaction.atomic():
                seated = hearing.registrations.filter(status=Registration.Status.SEATED).values_list(
                    "user_id", flat=True
                )
                total += notify(
                    event="hearing.reminder",
                    obj=hearing,
                    recipients=seated.iterator(),
                    key=f"hearing:{hearing.pk}:{name}:{hearing.starts_at:%Y%m%dT%H%M}",
                )
        lower = now + window
    return total
