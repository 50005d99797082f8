"""Address parsing: what people type, reduced to keys that match the commissions' descriptions.

Both sides go through the same functions: the coverage rows store `settlement_key` and `street_key`
computed by `settlement_key()` / `street_key()` (AddressCoverage.save and the importers), and a
citizen's text is cut into tokens that are keyed the same way. A key is a Latin skeleton of the
words, so that the forms people type meet:

- Kazakh and Russian letters fold together (Достық / Достык), and Latin transliterations land on the
  same skeleton (Dostyk, Abai / Abay, Qosshy / Қосшы);
- trailing vowels are cut from every word, so nominative and genitive meet (Абай / Абая,
  Республика / Республики, Кабанбай батыр / Кабанбай батыра);
- street words (ул., көшесі, проспект, даңғылы, мкр, ықшамаудан ...) and settlement words
  (г., қаласы ...) are dropped wherever they stand.

House-number rules (the `houses` column), comma-separated items:
`all` (`все`, `барлығы`); a house `12`, `12А`, `5/1`; a range `1-25`; an odd or even range
`odd 1-37` / `нечет 1-37` / `тақ 1-37`, `even 2-40` / `чет 2-40` / `жұп 2-40`. A range covers the
houses whose number (before any letter or fraction) lies in it; a single house covers exactly that
house. A house outside every rule is not covered: we never guess.

Carve-outs: commissions describe a district by ranges and name single buildings of those ranges in
another district ("1-30, 32-60" in one, "30Б, 44/2" in the other). The most specific rule wins: an
explicit house over a range, a range over `all`. Rules of the same kind covering one house in two
districts are an overlap (refused on import).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

MAX_LENGTH = 200
MAX_SPAN_WORDS = 6  # the longest street or settlement name we try, in words

_CYRILLIC = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "і": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
# Latin letters of the Kazakh alphabets (2018, 2021) and common transliterations, after NFKD has
# removed the diacritics that it can.
_LATIN = {"ı": "i", "y": "i", "q": "k", "w": "u", "x": "h", "ß": "s"}
# "tp" / "tb": Russian and Kazakh spell some names differently (Сатпаев / Сәтбаев).
_LATIN_DIGRAPHS = (("zh", "j"), ("kh", "h"), ("tsh", "ch"), ("yu", "iu"), ("ya", "ia"), ("tp", "tb"))
_VOWELS = set("aeiou")


def fold(word: str) -> str:
    """One word (or any text) to its Latin skeleton, before stemming: 'Қосшы' -> 'koshi'."""
    text = re.sub(r"\bye", "e", word.casefold())  # Yesil / Есіл, Yessenov / Есенов
    out = []
    for ch in text:
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        else:
            out.append(ch)
    text = "".join(out)
    for latin, replacement in _LATIN_DIGRAPHS:
        text = text.replace(latin, replacement)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(_LATIN.get(ch, ch) for ch in text if not unicodedata.combining(ch))
    # Doubled letters are spelt either way in transliteration (Qosshy / Qoshy, Сейфуллин / Seifulin).
    # An iotated vowel after a vowel is spelt with or without its y/i (Сатпаев / Satpayev, Райымбек / Раимбек).
    text = re.sub(r"(?<=[aeiou])i(?=[aeiou])", "", text)
    return re.sub(r"([^\W\d_])\1+", r"\1", text)


def stem(token: str) -> str:
    """Cut trailing vowels so that case forms meet (abaia, abai -> aba; respublika, respubliki)."""
    if any(ch.isdigit() for ch in token):
        return token
    while len(token) > 3 and token[-1] in _VOWELS:
        token = token[:-1]
    return token


def _folded_set(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


STREET_WORDS = _folded_set(
    "ул улица улицы көшесі көшесi көше кош koshesi koshe street st str ulitsa ulica "
    "пр пр-т прт просп проспект проспекта даңғылы даңғ dangyly dangily avenue ave av prospekt prospect "
    "мкр мкрн мкр-н микрорайон микрорайона ықшамаудан ықшамауданы шағынаудан шағын mkr mkrn microdistrict "
    "mikroraion ykshamaudan shagynaudan пер переулок тұйық тупик бульвар бул бр blvd boulevard шоссе "
    "highway lane alley аллея көш"
)
SETTLEMENT_WORDS = _folded_set(
    "г город города қ қ-сы қаласы қала city gorod kalasy tsity "
    "с село ауыл ауылы aul auyl village пос поселок посёлок кент кенті"
)
HOUSE_WORDS = _folded_set("д дом үй уй house h building корпус корп к")
DROP_WORDS = STREET_WORDS | SETTLEMENT_WORDS | HOUSE_WORDS
APARTMENT_WORDS = _folded_set("кв квартира пәтер патер apt apartment flat")
REGION_WORDS = _folded_set(
    "обл область области облысы облыс район р-н ауданы аудан region oblast oblys district audany "
    "рк казахстан қазақстан kazakhstan республика"
)
ALL_WORDS = {fold(w) for w in ("all", "все", "всё", "барлығы", "весь")}
ODD_PREFIXES = tuple(fold(w) for w in ("odd", "нечет", "нечёт", "тақ"))
EVEN_PREFIXES = tuple(fold(w) for w in ("even", "чет", "чёт", "жұп"))

_HOUSE_RE = re.compile(r"^\d{1,5}[a-z]?(/\d{1,4}[a-z]?)?$")
_TOKEN_SPLIT = re.compile(r"[\s.,;:\-–—_()«»\"'`!?#№]+")


class AddressInputError(ValidationError):
    """Malformed input: empty, too long, control characters. Shown to the citizen as is."""


def validate_address_text(text) -> str:
    text = (text if isinstance(text, str) else "").strip()
    if not text:
        raise AddressInputError(_("Please enter an address."), code="empty")
    if len(text) > MAX_LENGTH:
        raise AddressInputError(_("An address may not be longer than 200 characters."), code="too_long")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in text):
        raise AddressInputError(_("The address contains characters that are not allowed."), code="control")
    return text


_ABBREVIATIONS = re.compile(r"(?i)\b(пр-т|мкр-н|р-н|б-р|қ-сы)\b")
# A single letter after a house number belongs to it ("12 А"), except letters that abbreviate words
# (д. дом, к. корпус, г. город, с. село, п. посёлок).
_LETTERS = "".join(ch for ch in "abcefghijlmnoqrtuvwxyzабвежзийлмнорстуфхцчшщэюяәғқңөұүһі" if ch not in "дкгсп")
_HOUSE_LETTER = re.compile(rf"(\d)\s+([{_LETTERS}])(?=[\s,.;]|$)", re.IGNORECASE)


def _words(text: str) -> list[str]:
    # "д.12" and "12 А" are one house; "5 / 1" is one fraction; "пр-т" is one word.
    text = _ABBREVIATIONS.sub(lambda m: m.group().replace("-", ""), text)
    text = re.sub(r"(\d)\s*/\s*(\d)", r"\1/\2", text)
    text = _HOUSE_LETTER.sub(r"\1\2", text)
    return [w for w in _TOKEN_SPLIT.split(text) if w]


def _key_of_words(words: list[str], drop: frozenset[str]) -> str:
    keys = []
    for word in words:
        folded = fold(word)
        if folded and folded not in drop:
            keys.append(stem(folded))
    return " ".join(keys)


def street_key(street: str) -> str:
    """'пр. Абылай хана' -> 'abil han'; 'мкр. Самал-2' -> 'samal 2'."""
    return _key_of_words(_words(street), DROP_WORDS)[:200]


def settlement_key(settlement: str) -> str:
    """'г. Алматы' -> 'almat'."""
    return _key_of_words(_words(settlement), DROP_WORDS)[:120]


def house_key(house: str) -> str:
    """'12А' -> '12a', 'д. 5/1' -> '5/1'; '' when it is not a house number."""
    words = [fold(w) for w in _words(house)]
    words = [w for w in words if w not in HOUSE_WORDS]
    if len(words) == 1 and _HOUSE_RE.match(words[0]):
        return words[0]
    return ""


# ------------------------------------------------------------------------------
# Parsing a citizen's text into interpretations
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    text: str  # as typed
    key: str  # folded and stemmed
    group: int  # index of the comma-separated part it came from
    house: bool  # looks like a house number


@dataclass(frozen=True)
class Reading:
    """One way to read the text: the street is tokens[start:end], the house is tokens[house_at]
    (or none), everything else is the settlement (and region words)."""

    street_key: str
    house: str  # house key ('12a'), '' when none was typed
    house_text: str  # as typed, for display ('12А')
    rest: tuple[Token, ...]  # tokens not in the street or the house


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    skip_next_number = False
    for group, part in enumerate(text.split(",")):
        for word in _words(part):
            folded = fold(word)
            if folded in APARTMENT_WORDS:
                skip_next_number = True  # "кв. 5": the flat number is not the house
                continue
            is_house = bool(_HOUSE_RE.match(folded))
            if skip_next_number and is_house:
                skip_next_number = False
                continue
            skip_next_number = False
            if folded in DROP_WORDS or not folded:
                continue
            tokens.append(Token(text=word, key=stem(folded), group=group, house=is_house))
    return tokens


def readings(tokens: list[Token]) -> list[Reading]:
    """Every (street span, house) split of the tokens. Spans stay within one comma part."""
    found: list[Reading] = []
    house_positions = [i for i, t in enumerate(tokens) if t.house] + [None]
    for house_at in house_positions:
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + MAX_SPAN_WORDS) + 1):
                span = tokens[start:end]
                if house_at is not None and start <= house_at < end:
                    continue
                if any(t.group != span[0].group for t in span):
                    continue
                if all(t.house for t in span) and house_at is None and len(span) == len(tokens):
                    continue  # a bare number is not a street on its own
                rest = tuple(t for i, t in enumerate(tokens) if not (start <= i < end) and i != house_at)
                house = tokens[house_at] if house_at is not None else None
                found.append(
                    Reading(
                        street_key=" ".join(t.key for t in span),
                        house=house.key if house else "",
                        house_text=house.text.upper() if house else "",
                        rest=rest,
                    )
                )
    return found


def settlement_fits(rest: tuple[Token, ...], key: str) -> bool:
    """Do the tokens left over (after street and house) name this settlement? Nothing left over fits
    any settlement; a comma part holding a region word ('Алматинская область') may be left over."""
    if not rest:
        return True
    groups: dict[int, list[Token]] = {}
    for token in rest:
        groups.setdefault(token.group, []).append(token)
    named = False
    for tokens in groups.values():
        words = " ".join(t.key for t in tokens)
        if words == key:
            named = True
        elif not any(t.key in _REGION_STEMS for t in tokens):
            return False
    return named


_REGION_STEMS = frozenset(stem(w) for w in REGION_WORDS)


# ------------------------------------------------------------------------------
# House-number rules
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleItem:
    kind: str  # "all", "house", "range"
    house: str = ""
    low: int = 0
    high: int = 0
    parity: int | None = None  # 1 odd, 0 even, None both

    def covers(self, house: str) -> bool:
        if not house:
            return False
        if self.kind == "all":
            return True
        if self.kind == "house":
            return house == self.house
        number = int(re.match(r"\d+", house).group())
        return self.low <= number <= self.high and (self.parity is None or number % 2 == self.parity)

    @property
    def specificity(self) -> int:
        """An explicit house (2) is more specific than a range (1), a range more than `all` (0):
        where rules of two districts cover one house, the most specific wins (a carve-out)."""
        return {"all": 0, "range": 1, "house": 2}[self.kind]

    def shares_house(self, other: "RuleItem") -> bool:
        """Is there a house both items cover?"""
        if self.kind == "all" or other.kind == "all":
            return True
        if self.kind == "house" and other.kind == "house":
            return self.house == other.house
        if self.kind == "house":
            return other.covers(self.house)
        if other.kind == "house":
            return self.covers(other.house)
        low, high = max(self.low, other.low), min(self.high, other.high)
        if low > high:
            return False
        parities = {p for p in (self.parity, other.parity) if p is not None}
        if len(parities) == 2:
            return False
        if not parities:
            return True
        parity = parities.pop()
        return any(n % 2 == parity for n in range(low, min(high, low + 1) + 1))

    def overlaps(self, other: "RuleItem") -> bool:
        """Two rules of one kind covering a common house: the same house twice, two ranges sharing a
        house of the same parity, `all` twice. Nothing says which district wins, so it is refused."""
        return self.specificity == other.specificity and self.shares_house(other)

    def carves_out(self, other: "RuleItem") -> bool:
        """Is this item a more specific rule inside the other (30Б inside 1-30, 1-9 inside all)?"""
        return self.specificity > other.specificity and self.shares_house(other)


class RuleError(ValueError):
    pass


_RULE_CACHE: dict[str, tuple[RuleItem, ...]] = {}


WEEKDAY_TOKENS = {
    token.casefold(): day
    for names in (
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
        ("Дс", "Сс", "Ср", "Бс", "Жм", "Сб", "Жс"),
    )
    for day, token in enumerate(names)
}
_WEEKDAY_RE = re.compile(
    r"(?<![\w])(" + "|".join(sorted(WEEKDAY_TOKENS, key=len, reverse=True)) + r")\.?(?![\w])", re.I
)


def describe_reception(text: str) -> str:
    """Reception hours in the page's language: weekday abbreviations of any of the three languages
    read in the active one (`Mon 10:00-12:00` is `Дс 10:00–12:00` on a Kazakh page), time ranges
    with an en dash."""
    names = (
        pgettext("weekday", "Mon"),
        pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"),
        pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    )
    text = _WEEKDAY_RE.sub(lambda match: names[WEEKDAY_TOKENS[match.group(1).casefold()]], text or "")
    return re.sub(r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", "\\1–\\2", text)


def describe_rule(rule: str) -> str:
    """A `houses` rule in the active language (`нечет 1-99` reads `тақ 1–99` on a Kazakh page); the
    stored text unchanged when it does not parse."""
    try:
        items = parse_rule(rule)
    except RuleError:
        return rule
    raws = [raw.strip() for raw in (rule or "").split(",") if raw.strip()]
    parts = []
    for raw, item in zip(raws, items, strict=False):
        if item.kind == "all":
            parts.append(pgettext("houses", "all"))
        elif item.kind == "house":
            parts.append(raw.upper())
        else:
            span = f"{item.low}–{item.high}"
            if item.parity == 1:
                span = pgettext("houses", "odd %(range)s") % {"range": span}
            elif item.parity == 0:
                span = pgettext("houses", "even %(range)s") % {"range": span}
            parts.append(span)
    return ", ".join(parts)


def parse_rule(rule: str) -> tuple[RuleItem, ...]:
    """Parse a `houses` value; raises RuleError on a malformed item."""
    cached = _RULE_CACHE.get(rule)
    if cached is not None:
        return cached
    items = []
    text = re.sub(r"\s*[–—]\s*", "-", rule or "")
    for raw in text.split(","):
        item = fold(raw.strip())
        if not item:
            continue
        if item in ALL_WORDS:
            items.append(RuleItem("all"))
            continue
        parity = None
        words = item.split(None, 1)
        if len(words) == 2 and words[0].startswith(ODD_PREFIXES):
            parity, item = 1, words[1]
        elif len(words) == 2 and words[0].startswith(EVEN_PREFIXES):
            parity, item = 0, words[1]
        item = item.replace(" ", "")
        if match := re.fullmatch(r"(\d{1,5})-(\d{1,5})", item):
            low, high = int(match.group(1)), int(match.group(2))
            if low > high:
                raise RuleError(_("the range %(range)s runs backwards") % {"range": raw.strip()})
            items.append(RuleItem("range", low=low, high=high, parity=parity))
        elif parity is None and _HOUSE_RE.match(item):
            items.append(RuleItem("house", house=item))
        else:
            raise RuleError(_("“%(item)s” is not a house, a range or “all”") % {"item": raw.strip()})
    if not items:
        raise RuleError(_("the house rule is empty"))
    result = tuple(items)
    if len(_RULE_CACHE) < 50_000:
        _RULE_CACHE[rule] = result
    return result


def house_in_rule(house: str, rule: str) -> bool:
    """Is the house (a key from house_key, or as typed) covered by the rule? Malformed rules cover nothing."""
    key = house_key(house) if house else ""
    if not key:
        return False
    try:
        items = parse_rule(rule)
    except RuleError:
        return False
    return any(item.covers(key) for item in items)


def rules_overlap(first: str, second: str) -> bool:
    """Do two rules cover a common house at the same specificity (refused between districts)?"""
    return any(a.overlaps(b) for a in parse_rule(first) for b in parse_rule(second))


def rules_carve_out(first: str, second: str) -> bool:
    """Does either rule carve houses out of the other (a more specific item inside a less specific one)?"""
    return any(a.carves_out(b) or b.carves_out(a) for a in parse_rule(first) for b in parse_rule(second))


def rule_specificity(house: str, rule: str) -> int | None:
    """How specifically the rule names the house (a house key): 2 by name, 1 by a range, 0 by `all`;
    None when the rule does not cover it (or is malformed)."""
    if not house:
        return None
    try:
        items = parse_rule(rule)
    except RuleError:
        return None
    return max((item.specificity for item in items if item.covers(house)), default=None)


def covers_whole_street(rule: str) -> bool:
    try:
        return any(item.kind == "all" for item in parse_rule(rule))
    except RuleError:
        return False


def normalise(text: str) -> str:
    """Kept for callers of the first version: the street key of a text."""
    return street_key(text)


def split_house(text: str) -> tuple[str, str]:
    """'Абылай хана 15А' -> ('abil han', '15a')."""
    tokens = tokenize(text)
    if tokens and tokens[-1].house:
        return " ".join(t.key for t in tokens[:-1]), tokens[-1].key
    return " ".join(t.key for t in tokens), ""
