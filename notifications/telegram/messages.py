"""The text of a Telegram notification, in the recipient's language, for Telegram's HTML parse mode.

The headline is the event's email subject (every event already has one, translated), rendered as
plain text and then escaped; an event may add lines in `templates/telegram/<template>.html` (Django
escapes its variables). Whatever a petition title or a deputy's name holds, it reaches Telegram as
text: Telegram's HTML accepts `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric entities, which is all
django.utils.html.escape produces."""

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from notifications.emails import ObjectCache, absolute
from notifications.models import TelegramDelivery
from notifications.registry import DIGEST_EVENTS, get_event
from notifications.telegram.api import MAX_TEXT

ROOM_FOR_FOOTER = 400


def _plain(template_name: str, context: dict) -> str:
    """A text template rendered without escaping, whitespace collapsed (the email subject)."""
    template = get_template(template_name).template
    return " ".join(template.render(Context(context, autoescape=False)).split())


def _lines(text: str) -> str:
    """Trim each line and drop blank ones (templates are indented; Telegram keeps every newline)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def _footer() -> str:
    return link(absolute(reverse("notification_preferences")), _("Notification settings"))


def _event_text(delivery: TelegramDelivery, objects: ObjectCache) -> str | None:
    event = get_event(delivery.event)
    obj = objects.get(delivery.object_type, delivery.object_id)
    if obj is None:
        return None
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    context = {
        "user": delivery.user,
        "object": obj,
        "object_url": absolute(url) if url else "",
        "event_label": event.label,
        "site_url": settings.SITE_URL,
        "language": translation.get_language(),
    }
    if event.context:
        context.update(event.context(obj, delivery.user))
    headline = _plain(f"emails/{event.template}_subject.txt", context)
    parts = [f"<b>{escape(headline)}</b>"]
    try:
        parts.append(_lines(render_to_string(f"telegram/{event.template}.html", context)))
    except TemplateDoesNotExist:
        pass
    if context["object_url"]:
        parts.append(link(context["object_url"], _("Open on Dauys")))
    parts.append(_footer())
    return "\n".join(part for part in parts if part)


def _digest_text(delivery: TelegramDelivery, objects: ObjectCache) -> str | None:
    period = delivery.event.split(".", 1)[1]
    lines = [
        "<b>{}</b>".format(
            escape(
                _("What happened this week in what you follow:")
                if period == "weekly"
                else _("What happened today in what you follow:")
            )
        )
    ]
    length, left_out, count = len(lines[0]), 0, 0
    for item in delivery.digest_items.order_by("created_at", "pk"):
        try:
            event = get_event(item.event)
        except LookupError:
            continue
        obj = objects.get(item.object_type, item.object_id)
        if obj is None:
            continue
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        line = f"• {escape(event.label)}: " + (link(absolute(url), str(obj)) if url else escape(str(obj)))
        count += 1
        if length + len(line) + ROOM_FOR_FOOTER > MAX_TEXT:
            left_out += 1
            continue
        lines.append(line)
        length += len(line) + 1
    if not count:
        return None
    if left_out:
        lines.append(escape(_("And more: see all your notifications on the site.")))
    lines.append(link(absolute(reverse("notification_inbox")), _("All your notifications")))
    lines.append(_footer())
    return "\n".join(lines)


def telegram_text(delivery: TelegramDelivery, objects: ObjectCache | None = None) -> str | None:
    """The message for one delivery in the recipient's language; None when there is nothing to send
    (the object is gone, or a digest has no items left)."""
    objects = objects or ObjectCache()
    language = delivery.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        if delivery.event in DIGEST_EVENTS:
            text = _digest_text(delivery, objects)
        else:
            text = _event_text(delivery, objects)
    if text is not None and len(text) > MAX_TEXT:
        # Only a template gone wild gets here: cut at a line boundary so no tag is left open.
        text = text[:MAX_TEXT].rsplit("\n", 1)[0]
    return text
