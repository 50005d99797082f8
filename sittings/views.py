"""Public session pages: list, month calendar, the session, decisions; the maslikhat scorecard and
the comparison table (HTML, CSV, JSON). Thin: parse, call a selector, render."""

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from deputies.models import Maslikhat
from sittings import events, selectors
from sittings.models import AgendaItem, Session, SessionDocument, Vote
from sittings.scorecard import scorecard_table, table_csv, table_json


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


def _maslikhat(request) -> Maslikhat | None:
    code = request.GET.get("maslikhat", "").strip()[:40]
    return get_object_or_404(Maslikhat, code=code) if code else None


def _maslikhats():
    return Maslikhat.objects.filter(sittings__isnull=False).distinct().order_by("level", "code")


def session_list(request):
    maslikhat = _maslikhat(request)
    params = {
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in Session.Kind.values else "",
        "status": request.GET.get("status", "") if request.GET.get("status") in Session.Status.values else "",
        "broadcast": request.GET.get("broadcast", "") if request.GET.get("broadcast") in ("yes", "no") else "",
    }
    date_from, date_to = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    sessions = selectors.session_list_public(maslikhat=maslikhat, date_from=date_from, date_to=date_to, **params)
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sittings/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "maslikhat": maslikhat,
            "maslikhats": _maslikhats(),
            "params": params,
            "date_from": date_from,
            "date_to": date_to,
            "kinds": Session.Kind.choices,
            "statuses": Session.Status.choices,
        },
    )


def _month(request) -> date:
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def session_calendar(request):
    maslikhat = _maslikhat(request)
    first = _month(request)
    query = request.GET.copy()
    query.pop("month", None)
    return render(
        request,
        "sittings/calendar.html",
        {
            "weeks": selectors.session_month_grid(first.year, first.month, maslikhat=maslikhat),
            "month": first,
            "previous": (first - timedelta(days=1)).replace(day=1),
            "following": (first.replace(day=28) + timedelta(days=4)).replace(day=1),
            "maslikhat": maslikhat,
            "maslikhats": _maslikhats(),
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


def session_detail(request, pk: int):
    try:
        session = selectors.session_get_public(pk)
    except Session.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    attendance = list(session.attendance.all())
    items = list(session.items.all())
    followed = events.followed_ids(request.user, items)
    labels = dict(Vote.Choice.choices)
    for item in items:
        item.is_followed = item.pk in followed
        decision = getattr(item, "decision", None)
        groups: dict[str, list[str]] = {}
        for vote in decision.votes.all() if decision else []:
            groups.setdefault(vote.choice, []).append(vote.deputy.full_name)
        # How each deputy voted, one line per choice (a session of 50 items and 50 deputies stays small).
        item.vote_groups = [(labels[c], groups[c]) for c in Vote.Choice.values if c in groups]
    return render(
        request,
        "sittings/detail.html",
        {
            "session": session,
            "items": items,
            "attendance": attendance,
            "present_count": sum(1 for a in attendance if a.present),
            "is_running": session.is_running(now),
            "is_over": session.is_over(now),
        },
    )


def document(request, pk: int):
    doc = get_object_or_404(SessionDocument, pk=pk)
    if not doc.file:
        raise Http404
    response = FileResponse(doc.file.open("rb"), as_attachment=False, filename=doc.file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response


def decision_list(request):
    maslikhat = _maslikhat(request)
    kind = request.GET.get("kind", "")
    filters = {
        "kind": kind if kind in AgendaItem.Kind.values or kind == "budget" else "",
        "unanimous": request.GET.get("unanimous", "") if request.GET.get("unanimous") in ("yes", "no") else "",
        "opposed": request.GET.get("opposed", "") if request.GET.get("opposed") in ("yes", "no") else "",
    }
    decisions = selectors.decision_list_public(
        maslikhat=maslikhat, current=request.GET.get("current") == "1", **filters
    )
    page = Paginator(decisions, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sittings/decisions.html",
        {"page": page, "query": query.urlencode(), "maslikhat": maslikhat, "filters": filters},
    )


def scorecards(request, fmt: str = "html"):
    sort = request.GET.get("sort", "")[:40]
    descending = request.GET.get("dir", "desc") != "asc"
    columns, rows = scorecard_table(sort=sort, descending=descending)
    if fmt == "json":
        return JsonResponse(table_json(columns, rows), json_dumps_params={"ensure_ascii": False})
    if fmt == "csv":
        response = HttpResponse(table_csv(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="maslikhat-scorecards.csv"'
        return response
    return render(
        request,
        "sittings/scorecards.html",
        {"columns": columns, "rows": rows, "sort": sort, "descending": descending},
    )


def scorecard(request, code: str):
    maslikhat = get_object_or_404(Maslikhat, code=code)
    columns, rows = scorecard_table([maslikhat])
    return render(
        request,
        "sittings/scorecard.html",
        {
            "maslikhat": maslikhat,
            "columns": columns,
            "cells": rows[0].cells,
            "recent": selectors.maslikhat_recent_sessions(maslikhat),
        },
    )
