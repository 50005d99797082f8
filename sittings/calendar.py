"""iCalendar (RFC 5545) of sessions, as hearings do it: times in Asia/Almaty with a VTIMEZONE, a
stable UID and a SEQUENCE that grows when the time or status changes."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event

PRODID = "-//Dauys//Maslikhat sessions//KK"


def session_event(session, language: str | None = None) -> Event:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    tz = ZoneInfo(settings.TIME_ZONE)
    with translation.override(language):
        event = Event()
        event.add("uid", f"session-{session.pk}@dauys.kz")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", timezone.localtime(session.starts_at, tz))
        event.add("dtend", timezone.localtime(session.expected_end(), tz))
        event.add("summary", f"{session.maslikhat.name}: {session.title}")
        location = session.place or session.broadcast_url
        if location:
            event.add("location", location)
        if session.broadcast_url:
            event.add("description", session.broadcast_url)
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        if site:
            event.add("url", site + session.get_absolute_url())
        event.add("sequence", session.sequence)
        event.add("status", "TENTATIVE" if session.status == session.Status.POSTPONED else "CONFIRMED")
    return event


def sessions_calendar(sessions, *, name: str = "", language: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        calendar.add_component(session_event(session, language))
    calendar.add_missing_timezones()
    return calendar.to_ical()
