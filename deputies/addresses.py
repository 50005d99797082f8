"""Address parsing: what people type, reduced to keys that match the commissions' descriptions.

First version: "Settlement, street, house" with street words dropped and case folded. The
representatives issue extends it (Latin transliteration, genitive forms, house rules)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 200
STREET_WORDS = {"ул", "улица", "көшесі", "көше", "пр", "проспект", "даңғылы", "мкр", "микрорайон", "ықшамаудан", "д", "дом", "үй"}
HOUSE_RE = re.compile(r"^\d+[а-яәіңғүұқөһa-z]?(/\d+)?$", re.IGNORECASE)


class AddressInputError(ValidationError):
    """Malformed input: empty, too long, control characters. Shown to the citizen as is."""


def validate_address_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise AddressInputError(_("Please enter an address."), code="empty")
    if len(text) > MAX_LENGTH:
        raise AddressInputError(_("An address may not be longer than 200 characters."), code="too_long")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise AddressInputError(_("The address contains characters that are not allowed."), code="control")
    return text


def normalise(text: str) -> str:
    words = re.split(r"[\s.,]+", text.casefold())
    return " ".join(w for w in words if w and w not in STREET_WORDS)


def split_house(text: str) -> tuple[str, str]:
    """'Абылай хана 15А' -> ('абылай хана', '15а')."""
    words = normalise(text).split()
    if words and HOUSE_RE.match(words[-1]):
        return " ".join(words[:-1]), words[-1]
    return " ".join(words), ""


def house_in_rule(house: str, rule: str) -> bool:
    """`all` / a house / a range `1-25` / `odd 1-37` / `even 2-40`, comma-separated."""
    if not house:
        return False
    number_match = re.match(r"\d+", house)
    number = int(number_match.group()) if number_match else None
    for item in (part.strip().casefold() for part in rule.split(",")):
        if item in {"all", "все", "барлығы"}:
            return True
        parity = None
        for word, value in (("odd", 1), ("нечет", 1), ("тақ", 1), ("even", 0), ("чет", 0), ("жұп", 0)):
            if item.startswith(word + " "):
                parity, item = value, item[len(word):].strip()
                break
        if "-" in item and number is not None:
            low, _sep, high = item.partition("-")
            if low.strip().isdigit() and high.strip().isdigit() and int(low) <= number <= int(high):
                if parity is None or number % 2 == parity:
                    return True
        elif item == house.casefold():
            return True
    return False
