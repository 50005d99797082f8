"""Read use cases for hearings: lists, the month calendar, records for deputies and maslikhats."""

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, F, JSONField, OuterRef, Q, Subquery, Window
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone

from hearings.models import Hearing, Question, Registration
from portal.panels import with_annotations


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def hearing_list_public(
    *,
    maslikhat=None,
    hearing_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    status: str = "",
):
    hearings = Hearing.objects.select_related("maslikhat", "commission").with_counts()
    if maslikhat is not None:
        hearings = hearings.filter(maslikhat=maslikhat)
    if hearing_type:
        hearings = hearings.filter(hearing_type=hearing_type)
    if date_from:
        hearings = hearings.filter(ends_at__gte=_day_start(date_from))
    if date_to:
        hearings = hearings.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if status:
        hearings = hearings.filter(status=status)
    return hearings.order_by("starts_at", "pk")


def hearing_get_public(pk: int) -> Hearing:
    return (
        Hearing.objects.select_related("maslikhat", "commission", "rules")
        .with_counts()
        .prefetch_related("deputies", "agendadocuments", "minutesdocuments", "history")
        .get(pk=pk)
    )


def question_list_public(hearing: Hearing, user=None):
    questions = Question.objects.filter(hearing=hearing)
    visible = Q(status__in=[Question.Status.PUBLISHED, Question.Status.ANSWERED])
    if getattr(user, "is_authenticated", False):
        # Authors see their own questions while they wait for moderation.
        visible |= Q(author=user, status=Question.Status.PENDING)
        questions = questions.annotate(voted=Count("vote_rows", filter=Q(vote_rows__user=user)))
    return questions.filter(visible).select_related("author").by_votes()


def registration_for(user, hearing: Hearing) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(hearing=hearing, user=user).first()


def waitlist_position(registration: Registration) -> int | None:
    if registration is None or registration.status != Registration.Status.WAITLISTED:
        return None
    return Registration.objects.filter(
        hearing_id=registration.hearing_id, status=Registration.Status.WAITLISTED, position__lte=registration.position
    ).count()


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    hearings: list = field(default_factory=list)


def hearing_month_grid(year: int, month: int, *, maslikhat=None, hearing_type: str = "") -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month with the hearings starting on each day, local time."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    hearings = hearing_list_public(maslikhat=maslikhat, hearing_type=hearing_type).filter(
        starts_at__gte=_day_start(first), starts_at__lt=_day_start(last + timedelta(days=1))
    )
    by_day: dict[date, list] = {}
    for hearing in hearings:
        by_day.setdefault(timezone.localtime(hearing.starts_at).date(), []).append(hearing)
    return [[CalendarDay(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def hearing_list_upcoming_for_maslikhats(maslikhat_ids, limit: int = 5):
    return list(
        Hearing.objects.upcoming()
        .filter(maslikhat_id__in=list(maslikhat_ids))
        .select_related("maslikhat", "commission")[:limit]
    )


def _counts(today, now) -> dict:
    return {
        "total": Count("pk", filter=~Q(status=Hearing.Status.CANCELLED), distinct=True),
        "held": Count(
            "pk",
            filter=Q(status=Hearing.Status.HELD) | Q(ends_at__lt=now) & ~Q(status=Hearing.Status.CANCELLED),
            distinct=True,
        ),
        "minutes_published": Count("pk", filter=Q(minutes_published_at__isnull=False), distinct=True),
        "overdue": Count(
            "pk",
            filter=Q(minutes_published_at__isnull=True, minutes_due_on__lt=today) & ~Q(status=Hearing.Status.CANCELLED),
            distinct=True,
        ),
    }


def _counts_annotation(subject: str) -> dict:
    """The counts of a record as JSON on the subject's row (`hearings_counts`), so the page's query
    for the subject brings them (portal.panels)."""
    counts = (
        Hearing.objects.filter(**{subject: OuterRef("pk")})
        .order_by()
        .values(subject)
        .annotate(json=JSONObject(**_counts(timezone.localdate(), timezone.now())))
        .values("json")
    )
    return {"hearings_counts": Subquery(counts, output_field=JSONField())}


def deputy_record_annotations() -> dict:
    return _counts_annotation("deputies")


def maslikhat_record_annotations() -> dict:
    return _counts_annotation("maslikhat")


def _record(hearings, counts: dict | None = None) -> dict:
    today = timezone.localdate()
    now = timezone.now()
    if counts is None:
        counts = hearings.aggregate(**_counts(today, now))
    else:
        counts = {**dict.fromkeys(_counts(today, now), 0), **counts}
    # Both short lists in one query (the record is a panel on pages with a query budget): each
    # hearing is numbered within "upcoming" and within "minutes overdue" (HearingQuerySet.upcoming
    # and .minutes_overdue), and the first five of each are kept.
    active = ~Q(status=Hearing.Status.CANCELLED)
    upcoming = active & Q(ends_at__gte=now)
    overdue = active & Q(minutes_published_at__isnull=True, minutes_due_on__lt=today)
    rows = list(
        hearings.filter(upcoming | overdue)
        .annotate(
            is_upcoming=ExpressionWrapper(upcoming, output_field=BooleanField()),
            is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
        )
        .annotate(
            upcoming_rank=Window(RowNumber(), partition_by=[F("is_upcoming")], order_by=[F("starts_at"), F("pk")]),
            overdue_rank=Window(RowNumber(), partition_by=[F("is_overdue")], order_by=[F("minutes_due_on"), F("pk")]),
        )
        .filter(Q(upcoming_rank__lte=5) | Q(overdue_rank__lte=5))
        .select_related("maslikhat")
        .order_by()
    )
    counts["upcoming"] = sorted(
        (h for h in rows if h.is_upcoming and h.upcoming_rank <= 5), key=lambda h: h.upcoming_rank
    )
    counts["overdue_list"] = sorted(
        (h for h in rows if h.is_overdue and h.overdue_rank <= 5), key=lambda h: h.overdue_rank
    )
    return counts


def maslikhat_hearing_record(maslikhat) -> dict:
    # The counts came with the maslikhat when its page loaded it (portal.panels); otherwise one
    # aggregate now, nothing kept on the object.
    hearings = Hearing.objects.filter(maslikhat=maslikhat)
    if "hearings_counts" in maslikhat.__dict__:
        return _record(hearings, maslikhat.hearings_counts or {})
    return _record(hearings)


def deputy_hearing_record(deputy) -> dict:
    deputy = with_annotations(deputy, deputy_record_annotations())
    return _record(Hearing.objects.filter(deputies=deputy), deputy.hearings_counts or {})


def registrations_for_staff(hearing: Hearing, query: str = ""):
    registrations = hearing.registrations.select_related("user").order_by("position")
    query = query.strip()
    if query:
        code = query.upper().replace("-", "").replace(" ", "")
        registrations = registrations.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(code=code)
        )
    return registrations


def attendance_counts(hearing: Hearing) -> dict:
    return hearing.registrations.aggregate(
        seated=Count("pk", filter=Q(status=Registration.Status.SEATED)),
        attended=Count("pk", filter=Q(status=Registration.Status.ATTENDED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
    )


def staff_questions(hearing: Hearing):
    return hearing.questions.select_related("author").order_by("status", "-votes", "created_at")
