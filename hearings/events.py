"""Notification events of hearings (registered in HearingsConfig.ready()): what each email
carries beyond the hearing itself, computed at send time in the recipient's language."""

import io

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.registry import EventType, register_event

ICS_MIME = "text/calendar; charset=utf-8"


def _registration(hearing, user):
    from hearings.models import Registration

    return Registration.objects.filter(hearing=hearing, user=user).first()


def qr_png(text: str) -> bytes:
    import qrcode

    image = qrcode.make(text, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(text: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def ics_attachment(hearing, user):
    from hearings.calendar import hearing_invitation

    language = getattr(user, "preferred_language", "") or translation.get_language()
    return [("hearing.ics", hearing_invitation(hearing, language), ICS_MIME)]


def ics_and_qr_attachments(hearing, user):
    attachments = ics_attachment(hearing, user)
    registration = _registration(hearing, user)
    if registration is not None and registration.status == registration.Status.SEATED:
        attachments.append((f"check-in-{registration.code}.png", qr_png(registration.code), "image/png"))
    return attachments


def registration_context(hearing, user):
    from hearings.selectors import waitlist_position

    registration = _registration(hearing, user)
    return {"registration": registration, "waitlist_position": waitlist_position(registration)}


def register_events() -> None:
    events = [
        EventType(
            key="hearing.scheduled",
            label=_("A public hearing you take part in is scheduled"),
            template="hearing_scheduled",
            model="hearings.hearing",
            attachments=ics_attachment,
        ),
        EventType(
            key="hearing.registered",
            label=_("Your registration for a public hearing"),
            template="hearing_registered",
            model="hearings.hearing",
            attachments=ics_and_qr_attachments,
            context=registration_context,
        ),
        EventType(
            key="hearing.promoted",
            label=_("A seat became free for you at a public hearing"),
            template="hearing_promoted",
            model="hearings.hearing",
            attachments=ics_and_qr_attachments,
            context=registration_context,
        ),
        EventType(
            key="hearing.postponed",
            label=_("A public hearing you registered for is postponed"),
            template="hearing_postponed",
            model="hearings.hearing",
            attachments=ics_attachment,
            context=registration_context,
        ),
        EventType(
            key="hearing.cancelled",
            label=_("A public hearing you registered for is cancelled"),
            template="hearing_cancelled",
            model="hearings.hearing",
            attachments=ics_attachment,
        ),
        EventType(
            key="hearing.reminder",
            label=_("Reminders before a public hearing"),
            template="hearing_reminder",
            model="hearings.hearing",
            context=registration_context,
        ),
        EventType(
            key="hearing.minutes_published",
            label=_("Minutes of a public hearing you registered for"),
            template="hearing_minutes_published",
            model="hearings.hearing",
        ),
    ]
    for event in events:
        register_event(event)
