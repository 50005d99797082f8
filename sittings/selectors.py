"""Read use cases for sessions: lists, the session page, a deputy's record, the scorecard figures."""

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.utils import timezone

from deputies.models import Convocation
from portal.panels import with_annotations
from portal.portable_sql import json_array_subquery
from sittings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DeclaredInterest,
    DeputyDeclaration,
    ElectionProgramme,
    Session,
    SessionDocument,
    Vote,
    VoterReport,
)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def session_list_public(
    *,
    maslikhat=None,
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str = "",
    status: str = "",
    broadcast: str = "",
):
    sessions = Session.objects.select_related("maslikhat").annotate(
        item_count=Count("items", distinct=True),
    )
    if maslikhat is not None:
        sessions = sessions.filter(maslikhat=maslikhat)
    if date_from:
        sessions = sessions.filter(starts_at__gte=_day_start(date_from))
    if date_to:
        sessions = sessions.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if kind:
        sessions = sessions.filter(kind=kind)
    if status:
        sessions = sessions.filter(status=status)
    if broadcast == "yes":
        sessions = sessions.filter(~Q(broadcast_url="") | ~Q(video_url=""))
    elif broadcast == "no":
        sessions = sessions.filter(broadcast_url="", video_url="")
    return sessions.order_by("-starts_at", "-pk")


def session_get_public(pk: int) -> Session:
    """The session with everything its page and API show, in a fixed number of queries."""
    return (
        Session.objects.select_related("maslikhat", "convocation", "commission")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related("decision").prefetch_related(
                    Prefetch(
                        "decision__votes", queryset=Vote.objects.select_related("deputy").order_by("deputy__full_name")
                    ),
                    Prefetch("documents", queryset=SessionDocument.objects.order_by("uploaded_at", "pk")),
                ),
            ),
            Prefetch("attendance", queryset=Attendance.objects.select_related("deputy").order_by("deputy__full_name")),
            Prefetch("documents", queryset=SessionDocument.objects.filter(item__isnull=True)),
        )
        .get(pk=pk)
    )


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    sessions: list = field(default_factory=list)


def session_month_grid(year: int, month: int, *, maslikhat=None) -> list[list[CalendarDay]]:
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    sessions = session_list_public(maslikhat=maslikhat, date_from=first, date_to=last)
    by_day: dict[date, list] = {}
    for session in sessions.order_by("starts_at"):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return [[CalendarDay(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def decision_list_public(*, maslikhat=None, kind: str = "", unanimous: str = "", opposed: str = "", current=False):
    decisions = Decision.objects.filter(published_at__isnull=False).select_related("item__session__maslikhat")
    if maslikhat is not None:
        decisions = decisions.filter(item__session__maslikhat=maslikhat)
        if current:
            decisions = decisions.filter(item__session__in=current_sessions(maslikhat))
    if kind == "budget":
        decisions = decisions.filter(item__kind__in=AgendaItem.BUDGET_KINDS)
    elif kind:
        decisions = decisions.filter(item__kind=kind)
    if unanimous == "yes":
        decisions = decisions.filter(adopted=True, votes_against=0, votes_abstain=0)
    elif unanimous == "no":
        decisions = decisions.filter(votes_for__isnull=False).exclude(adopted=True, votes_against=0, votes_abstain=0)
    if opposed == "yes":
        decisions = decisions.filter(votes_against__gt=0)
    elif opposed == "no":
        decisions = decisions.filter(votes_against=0)
    return decisions.order_by("-item__session__starts_at", "item__number", "pk")


# ------------------------------------------------------------------------------
# A deputy's record
# ------------------------------------------------------------------------------
def current_convocation(maslikhat) -> Convocation | None:
    return maslikhat.convocations.order_by("-number").first()


def current_sessions(maslikhat, convocation=None):
    """Held sessions of the maslikhat in its current convocation (all of them when the maslikhat has
    no convocation on record)."""
    convocation = convocation or current_convocation(maslikhat)
    sessions = Session.objects.held().filter(maslikhat=maslikhat)
    return sessions.filter(convocation=convocation) if convocation else sessions


def _in_current_convocation(queryset, session: str):
    """Rows of `queryset` (one subquery below a deputy row) whose session, reached by `session`, was held
    in the deputy's maslikhat in the current convocation: the deputy's, else the maslikhat's latest
    (every held session when the maslikhat has no convocation on record)."""
    latest = Convocation.objects.filter(maslikhat_id=OuterRef(OuterRef("maslikhat_id"))).order_by("-number")
    current = Coalesce(OuterRef("convocation_id"), Subquery(latest.values("pk")[:1]), output_field=IntegerField())
    return (
        queryset.filter(
            **{f"{session}__status": Session.Status.HELD, f"{session}__maslikhat_id": OuterRef("maslikhat_id")}
        )
        .annotate(current=current)
        .filter(Q(**{f"{session}__convocation_id": F("current")}) | Q(current__isnull=True))
    )


def record_annotations() -> dict:
    """A deputy's record as two expressions over a deputy row (JSON): `sittings_attendance` (held
    sessions of the current convocation at which the deputy's attendance was recorded, and those
    attended) and `sittings_votes` (the deputy's votes on published decisions of those sessions, by
    choice). The deputy page adds them to its query for the deputy (portal.panels)."""
    attendance = _in_current_convocation(Attendance.objects.filter(deputy_id=OuterRef("pk")), "session")
    votes = _in_current_convocation(
        Vote.objects.filter(deputy_id=OuterRef("pk"), decision__published_at__isnull=False), "decision__item__session"
    )
    present = Q(status=Attendance.Status.PRESENT)
    by_choice = {choice: Count("pk", filter=Q(choice=choice)) for choice in Vote.Choice.values}
    return {
        "sittings_attendance": Subquery(
            attendance.order_by()
            .values("deputy_id")
            .annotate(json=JSONObject(held=Count("pk"), attended=Count("pk", filter=present)))
            .values("json"),
            output_field=JSONField(),
        ),
        "sittings_votes": Subquery(
            votes.order_by().values("deputy_id").annotate(json=JSONObject(**by_choice)).values("json"),
            output_field=JSONField(),
        ),
    }


def deputy_record(deputy) -> dict:
    """`record` of the deputy API: held sessions of the current convocation (the deputy's, else the
    maslikhat's latest) at which the deputy's attendance was recorded, those attended, the rate, and
    the deputy's votes on published decisions of those sessions. One query, none on the deputy page
    (whose query for the deputy carries record_annotations)."""
    deputy = with_annotations(deputy, record_annotations())
    attendance = deputy.sittings_attendance or {}
    votes = deputy.sittings_votes or {}
    held, attended = attendance.get("held", 0), attendance.get("attended", 0)
    return {
        "sessions_held": held,
        "sessions_attended": attended,
        "attendance_rate": round(attended / held, 4) if held else None,
        "votes": {choice: votes.get(choice, 0) for choice in Vote.Choice.values},
    }


def deputy_dissents(deputy, limit: int = 10) -> list[Vote]:
    """Published decisions where the deputy voted against the majority: against when most voted for,
    or for when most voted against."""
    return list(
        Vote.objects.filter(deputy=deputy, decision__published_at__isnull=False)
        .filter(
            Q(choice=Vote.Choice.AGAINST, decision__votes_for__gt=F("decision__votes_against"))
            | Q(choice=Vote.Choice.FOR, decision__votes_against__gt=F("decision__votes_for"))
        )
        .select_related("decision__item__session")
        .order_by("-decision__item__session__starts_at", "decision__item__number")[:limit]
    )


def programme_annotations() -> dict:
    """The deputy's election programmes as JSON on the deputy's row (`sittings_programmes`), so that
    the deputy page's query for the deputy brings them (portal.panels)."""
    programmes = (
        ElectionProgramme.objects.filter(deputy_id=OuterRef("pk"))
        .order_by(F("convocation__number").desc(nulls_last=True), "pk")
        .values(
            json=JSONObject(
                id="pk",
                convocation_id="convocation_id",
                convocation_number="convocation__number",
                text_kk="text_kk",
                text_ru="text_ru",
                text_en="text_en",
                document="document",
                document_url="document_url",
            )
        )
    )
    return {"sittings_programmes": json_array_subquery(programmes)}


def _programmes(deputy) -> list[ElectionProgramme]:
    deputy = with_annotations(deputy, programme_annotations())
    return [
        ElectionProgramme(
            pk=row["id"],
            deputy=deputy,
            convocation=Convocation(pk=row["convocation_id"], number=row["convocation_number"])
            if row["convocation_id"]
            else None,
            text_kk=row["text_kk"],
            text_ru=row["text_ru"],
            text_en=row["text_en"],
            document=row["document"] or "",
            document_url=row["document_url"],
        )
        for row in deputy.sittings_programmes
    ]


def deputy_accountability(deputy) -> dict:
    """Declared occupation, declared interests and reports to voters in one query (a UNION of rows of
    one shape); programmes ride on the page's query for the deputy (programme_annotations): the panel
    sits on a page with a query budget."""
    nothing = Value(None, output_field=DateField())

    def rows(queryset, kind, text, detail, day, link):
        # No ORDER BY inside a UNION member (SQLite refuses one; the models' Meta.ordering adds it):
        # the lists are sorted below.
        return (
            queryset.filter(deputy=deputy)
            .order_by()
            .values_list(
                Value(kind, output_field=CharField()),
                Cast(text, TextField()),
                Cast(detail, TextField()),
                Cast(day, DateField()) if day is not None else nothing,  # every column an expression: one order
                Cast(link, TextField()),
            )
        )

    union = rows(DeputyDeclaration.objects, "declaration", "occupation", "employer", "declared_on", "source_url").union(
        rows(DeclaredInterest.objects, "interest", "description", Value(""), "declared_on", "source_url"),
        rows(VoterReport.objects, "report", "text", "place", "held_on", "video_url"),
        all=True,
    )
    declaration, interests, reports = None, [], []
    for kind, text, detail, day, link in union:
        if kind == "declaration":
            declaration = DeputyDeclaration(occupation=text, employer=detail, declared_on=day, source_url=link)
        elif kind == "interest":
            interests.append(DeclaredInterest(description=text, declared_on=day, source_url=link))
        else:
            reports.append(VoterReport(text=text, place=detail, held_on=day, video_url=link))
    interests.sort(key=lambda i: i.declared_on or date.min, reverse=True)
    reports.sort(key=lambda r: r.held_on, reverse=True)
    return {
        "declaration": declaration,
        "interests": interests,
        "programmes": _programmes(deputy),
        "reports": reports[:10],
    }


def maslikhat_recent_sessions(maslikhat, limit: int = 5) -> list[Session]:
    return list(Session.objects.filter(maslikhat=maslikhat).order_by("-starts_at", "-pk")[:limit])


# ------------------------------------------------------------------------------
# Scorecard figures (registered with portal.scorecards in wiring.py)
# ------------------------------------------------------------------------------
def _current_convocation_sessions():
    """Held plenary sessions in each maslikhat's current convocation, as one queryset."""
    latest = Convocation.objects.filter(maslikhat=OuterRef("maslikhat")).order_by("-number").values("pk")[:1]
    return (
        Session.objects.held()
        .plenary()
        .annotate(current=Subquery(latest))
        .filter(Q(convocation_id=F("current")) | Q(current__isnull=True))
    )


def session_figures(maslikhat_ids) -> dict[int, dict]:
    """Per maslikhat: sessions held, broadcast, attendance rows and present rows. Two queries."""
    sessions = _current_convocation_sessions().filter(maslikhat_id__in=maslikhat_ids)
    figures = {
        row["maslikhat_id"]: dict(row)
        for row in sessions.values("maslikhat_id")
        .annotate(held=Count("pk"), broadcast=Count("pk", filter=~Q(broadcast_url="") | ~Q(video_url="")))
        .order_by()
    }
    for row in (
        Attendance.objects.filter(session__in=sessions.values("pk"))
        .values("session__maslikhat_id")
        .annotate(rows=Count("pk"), present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)))
        .order_by()
    ):
        figures.setdefault(row["session__maslikhat_id"], {}).update(rows=row["rows"], present=row["present"])
    return figures


def decision_figures(maslikhat_ids) -> dict[int, dict]:
    """Per maslikhat: published decisions with totals, unanimous ones, budget decisions with totals
    and those opposed by at least one vote. One query."""
    sessions = _current_convocation_sessions().filter(maslikhat_id__in=maslikhat_ids)
    budget = Q(item__kind__in=AgendaItem.BUDGET_KINDS)
    rows = (
        Decision.objects.filter(
            published_at__isnull=False, votes_for__isnull=False, item__session__in=sessions.values("pk")
        )
        .values("item__session__maslikhat_id")
        .annotate(
            counted=Count("pk"),
            unanimous=Count("pk", filter=Q(adopted=True, votes_against=0, votes_abstain=0)),
            budgets=Count("pk", filter=budget),
            budgets_opposed=Count("pk", filter=budget & Q(votes_against__gt=0)),
        )
        .order_by()
    )
    return {row.pop("item__session__maslikhat_id"): row for row in rows}
