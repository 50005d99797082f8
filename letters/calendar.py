"""iCalendar (RFC 5545) for a booked reception slot: times in Asia/Almaty, a stable UID per slot,
a cancellation when the slot is cancelled."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from letters.models import ReceptionSlot

PRODID = "-//Dauys//Deputy reception//KK"


def slot_invitation(slot: ReceptionSlot, language: str | None = None) -> bytes:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    tz = ZoneInfo(settings.TIME_ZONE)
    cancelled = slot.status == ReceptionSlot.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    with translation.override(language):
        event = Event()
        event.add("uid", f"reception-{slot.pk}@dauys.kz")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", timezone.localtime(slot.starts_at, tz))
        event.add("dtend", timezone.localtime(slot.ends_at, tz))
        event.add("summary", _("Reception of deputy %(name)s") % {"name": slot.deputy.full_name})
        event.add("location", slot.place)
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        if site:
            event.add("url", site + slot.get_absolute_url())
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
