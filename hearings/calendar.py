"""iCalendar (RFC 5545) for hearings: one event per hearing, times in Asia/Almaty with a VTIMEZONE,
a stable UID and a SEQUENCE that grows with every change, so calendar apps update or cancel the
event they already hold instead of adding a second one."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event

from portal.i18n import localized

PRODID = "-//Dauys//Public hearings//KK"


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def hearing_uid(hearing) -> str:
    return f"hearing-{hearing.pk}@dauys.kz"


def hearing_event(hearing, language: str | None = None) -> Event:
    from hearings.models import Hearing

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        event = Event()
        event.add("uid", hearing_uid(hearing))
        event.add("dtstamp", timezone.now())
        event.add("dtstart", timezone.localtime(hearing.starts_at, _tz()))
        event.add("dtend", timezone.localtime(hearing.ends_at, _tz()))
        event.add("summary", localized(hearing, "topic", language))
        description = localized(hearing, "description", language)
        if hearing.broadcast_url:
            description = f"{description}\n\n{hearing.broadcast_url}".strip()
        if description:
            event.add("description", description)
        location = hearing.venue_address or hearing.broadcast_url
        if location:
            event.add("location", location)
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        if site:
            event.add("url", site + hearing.get_absolute_url())
        event.add("sequence", hearing.sequence)
        event.add("status", "CANCELLED" if hearing.status == Hearing.Status.CANCELLED else "CONFIRMED")
    return event


def hearings_calendar(hearings, *, name: str = "", method: str = "", language: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for hearing in hearings:
        calendar.add_component(hearing_event(hearing, language))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def hearing_invitation(hearing, language: str | None = None) -> bytes:
    """The .ics attached to emails: a cancellation when the hearing is cancelled, else the event."""
    from hearings.models import Hearing

    method = "CANCEL" if hearing.status == Hearing.Status.CANCELLED else "PUBLISH"
    return hearings_calendar([hearing], method=method, language=language)
