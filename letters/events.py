"""The one place letters meets the notification kernel (notify, follows, event registry), so the
imports can be repointed in one file when that kernel moves. Events registered in
LettersConfig.ready(); each email is rendered at send time in the recipient's language."""

from django.utils.translation import gettext_lazy as _

from notifications.follows import follow_add, followers_of
from notifications.registry import EventType, register_event
from notifications.services import notify

__all__ = ["follow_add", "followers_of", "notify", "register_events"]

ICS_MIME = "text/calendar; charset=utf-8"


def _followup_context(message, user):
    from letters.links import followup_urls

    return {"followup": followup_urls(message)}


def _booking_ics(slot, user):
    from letters.calendar import slot_invitation

    return [("reception.ics", slot_invitation(slot, getattr(user, "preferred_language", "") or "kk"), ICS_MIME)]


def _message_scope(message) -> str:
    return message.maslikhat.code


def register_events() -> None:
    for event in (
        EventType(
            key="letter.replied",
            label=_("A deputy replied to your message"),
            template="letter_replied",
            model="letters.message",
            scope=_message_scope,
        ),
        EventType(
            key="letter.followup",
            label=_("Did you get a reply from the deputy?"),
            template="letter_followup",
            model="letters.message",
            context=_followup_context,
            scope=_message_scope,
        ),
        EventType(
            key="letter.forwarded",
            label=_("Your message was passed to the deputy by the maslikhat"),
            template="letter_forwarded",
            model="letters.message",
            scope=_message_scope,
        ),
        EventType(
            key="reception.booked",
            label=_("Your booking of a deputy's reception"),
            template="reception_booked",
            model="letters.receptionslot",
            attachments=_booking_ics,
        ),
        EventType(
            key="reception.reminder",
            label=_("Reminders before a deputy's reception"),
            template="reception_reminder",
            model="letters.receptionslot",
        ),
        EventType(
            key="reception.cancelled",
            label=_("A deputy's reception you booked is cancelled"),
            template="reception_cancelled",
            model="letters.receptionslot",
        ),
    ):
        register_event(event)
