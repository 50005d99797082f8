"""Machine-readable session feeds (not language-prefixed): iCalendar per maslikhat and per session."""

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Maslikhat
from sittings.calendar import sessions_calendar
from sittings.models import Session

FEED_DAYS_BACK = 180
FEED_LIMIT = 500


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def calendar_feed(request):
    sessions = Session.objects.select_related("maslikhat").filter(
        starts_at__gte=timezone.now() - timedelta(days=FEED_DAYS_BACK)
    )
    code = request.GET.get("maslikhat", "").strip()[:40]
    maslikhat = None
    if code:
        maslikhat = get_object_or_404(Maslikhat, code=code)
        sessions = sessions.filter(maslikhat=maslikhat)
    name = _("Maslikhat sessions") + (f": {maslikhat.name}" if maslikhat else "")
    return _ics(sessions_calendar(sessions.order_by("starts_at")[:FEED_LIMIT], name=name), "sessions.ics")


def session_ics(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("maslikhat"), pk=pk)
    return _ics(sessions_calendar([session]), f"session-{session.pk}.ics")
