"""What the bot writes: the representatives for an address, help, and the linking answers, for
Telegram's HTML parse mode. Every piece of data (addresses, names, parties, hints) goes through
django.utils.html.escape; links are built from our own URLs."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from deputies.models import Deputy
from deputies.selectors import representatives_for_address
from notifications.emails import absolute
from notifications.telegram.api import MAX_TEXT
from notifications.telegram.messages import link

MAX_SUGGESTIONS = 5
MAX_CHOICES = 5
ROOM_FOR_FOOTER = 300


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{escape(text)}</i>"


def _demo(obj) -> str:
    return " ({})".format(escape(_("demo data"))) if getattr(obj, "is_demo", False) else ""


def _deputy_line(deputy: Deputy) -> str:
    party = deputy.party or _("Self-nominated")
    return f"• {link(absolute(deputy.get_absolute_url()), deputy.full_name)}{_demo(deputy)} · {escape(party)}"


def _suggestions(result) -> list[str]:
    """ "Did you mean" addresses from the lookup (`suggestions`, [{"address": ...}] or strings)."""
    found = getattr(result, "suggestions", None)
    if found is None:
        found = getattr(getattr(result, "lookup", None), "suggestions", None) or []
    texts = []
    for item in found:
        text = item.get("address", "") if isinstance(item, dict) else str(getattr(item, "address", item))
        if text and text not in texts:
            texts.append(text)
    return texts[:MAX_SUGGESTIONS]


def _keyboard(options: list[str]) -> dict:
    """Buttons that send the address back as a message: one tap asks again."""
    return {
        "keyboard": [[{"text": option[:100]}] for option in options],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }


def _page_link(text: str) -> str:
    url = absolute(reverse("deputies:representatives")) + "?" + urlencode({"address": text})
    return link(url, _("Open the full answer on Dauys"))


def _fit(lines: list[str], footer: str) -> str:
    """Join lines within Telegram's 4096 characters, whole lines only (no tag cut in half)."""
    kept, length = [], len(footer)
    for line in lines:
        if length + len(line) + 1 + ROOM_FOR_FOOTER > MAX_TEXT:
            kept.append("…")
            break
        kept.append(line)
        length += len(line) + 1
    return "\n".join([*kept, footer])


def representatives_answer(text: str) -> tuple[str, dict | None]:
    """(message, reply keyboard or None) for a plain-text message taken as an address."""
    try:
        result = representatives_for_address(text)
    except ValidationError as error:
        return escape(" ".join(error.messages)), None
    return representatives_message(result, text)


def representatives_message(result, text: str) -> tuple[str, dict | None]:
    """The answer for a lookup result (deputies.selectors.Representatives)."""
    if not result.matches:
        lines = [bold(_("No district found")), escape(result.hint)]
        suggestions = _suggestions(result)
        if suggestions:
            lines.append(bold(_("Did you mean:")))
            lines += [f"• {escape(s)}" for s in suggestions]
        lines.append(escape(_("Send /help to see how to write an address.")))
        return "\n".join(lines), (_keyboard(suggestions) if suggestions else None)
    if len(result.matches) > 1:
        labels = [m.match.label for m in result.matches[:MAX_CHOICES]]
        lines = [bold(_("Several addresses match. Choose yours:"))]
        lines += [f"• {escape(label)}" for label in labels]
        return "\n".join(lines), _keyboard(labels)
    match = result.matches[0]
    lines = [bold(_("Representatives for %(address)s") % {"address": match.match.label})]
    for group in match.groups:
        maslikhat = group.maslikhat
        lines.append("")
        lines.append(f"<b>{link(absolute(maslikhat.get_absolute_url()), maslikhat.name)}</b>")
        if group.seat:
            district = group.seat.district
            number = f"№ {district.number}" + (f" · {district.name}" if district.name else "")
            lines.append(
                escape(_("Your single-mandate district:")) + " "
                f"{link(absolute(district.get_absolute_url()), number)}{_demo(district)}"
            )
            if group.seat.deputy:
                lines.append(italic(Deputy.Mandate.SINGLE_MANDATE.label))
                lines.append(_deputy_line(group.seat.deputy))
            else:
                lines.append(escape(_("This seat is vacant.")))
        if group.party_list:
            lines.append(italic(_("Party-list deputies (they represent the whole territory)")))
            lines += [_deputy_line(deputy) for deputy in group.party_list]
    return _fit(lines, "\n" + _page_link(text)), {"remove_keyboard": True}


def help_text() -> str:
    return "\n".join(
        [
            bold(_("Dauys: who represents your address")),
            escape(
                _(
                    "Send me an address: the settlement, the street and the house number, e.g. “Almaty, Abai "
                    "avenue 10”. I answer with the deputies of the maslikhats who represent it: your "
                    "single-mandate district's deputy and the party-list deputies."
                )
            ),
            escape(
                _(
                    "To get your Dauys notifications here, open Notification settings on the site and press "
                    "Connect Telegram."
                )
            ),
            escape(_("/stop: stop notifications in this chat. /help: this message.")),
        ]
    )


def linked_text() -> str:
    return (
        escape(
            _(
                "Telegram is connected to your Dauys account: your notifications will come here too. "
                "Choose which ones in Notification settings on the site. /stop disconnects this chat."
            )
        )
        + "\n"
        + link(absolute(reverse("notification_preferences")), _("Notification settings"))
    )


def stopped_text(was_linked: bool) -> str:
    if was_linked:
        return escape(_("This chat is disconnected from your Dauys account: no more notifications will come here."))
    return escape(_("This chat is not connected to a Dauys account."))
