"""Reads of the deputies app. `address_lookup` is the contract other apps rely on:
petitions and recalls use it to place a signer in electoral districts.

Every lookup costs a fixed number of SQL queries whatever the data size: one for the coverage rows
of the candidate streets (pre-normalised keys, indexed), one for their districts with maslikhats,
and one for the deputies (representatives_*)."""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.addresses import (
    covers_whole_street,
    readings,
    rule_specificity,
    settlement_fits,
    tokenize,
    validate_address_text,
)
from deputies.models import (
    AddressCoverage,
    CommissionMembership,
    Convocation,
    Deputy,
    ElectoralDistrict,
    Maslikhat,
    StandingCommission,
)
from portal.dates import EARLIEST, LATEST, out_of_range_message
from portal.portable_sql import json_array_subquery

MAX_MATCHES = 10
MAX_TOKENS = 24  # more words than any real address: we ask for a shorter one
MAX_HOUSE_CANDIDATES = 3
_DISTRICT_RELATED = ("maslikhat__unit__parent__maslikhat", "convocation")


def in_force(on: date, prefix: str = "") -> Q:
    """Districts (or rows reached through `prefix`, e.g. "district__") of the boundary generation in
    force on a day: their convocation is the latest of its maslikhat elected on or before it."""
    later = Convocation.objects.filter(
        maslikhat=OuterRef(f"{prefix}convocation__maslikhat"),
        elected_on__gt=OuterRef(f"{prefix}convocation__elected_on"),
        elected_on__lte=on,
    )
    return Q(**{f"{prefix}convocation__elected_on__lte": on}) & ~Exists(later)


class DateInputError(ValidationError):
    """An `on` date that is not YYYY-MM-DD."""


def parse_on(value) -> date:
    """The `?on=YYYY-MM-DD` of a lookup; today when empty."""
    if not value:
        return timezone.localdate()
    try:
        on = date.fromisoformat(str(value).strip())
    except ValueError:
        raise DateInputError({"on": [_("Give the date as YYYY-MM-DD, e.g. 2025-06-01.")]}, code="invalid") from None
    if not EARLIEST <= on <= LATEST:
        raise DateInputError({"on": [out_of_range_message()]}, code="date_out_of_range")
    return on


@dataclass
class AddressMatch:
    label: str
    settlement: str
    street: str
    house: str
    districts: list[ElectoralDistrict] = field(default_factory=list)  # one per maslikhat level, lowest first
    point: tuple[float, float] | None = None  # (lat, lon) for a map lookup


@dataclass
class AddressLookup:
    matches: list[AddressMatch]
    hint: str = ""
    query: str = ""
    suggestions: list[str] = field(default_factory=list)  # "did you mean", when nothing matches
    on: date | None = None  # the day whose boundary generation answered


def _hint_format() -> str:
    return _("Write the settlement, the street and the house number, e.g. “Almaty, Abai avenue 10”.")


def _hint_not_found() -> str:
    return _(
        "We could not find this street. Check the spelling, write the settlement first (e.g. “Almaty, Abai "
        "avenue 10”), or ask your local maslikhat or akimat which electoral district you live in."
    )


def _level_order(district: ElectoralDistrict):
    return (district.maslikhat.level != Maslikhat.Level.DISTRICT, district.maslikhat.code, district.number)


def _street_divided(rows, maslikhat_id: int, s_key: str, district_id: int) -> bool:
    """Does another district of the maslikhat hold houses of this street (a carve-out from `all`)?"""
    return any(r[1] == maslikhat_id and r[3] == s_key and r[0] != district_id for r in rows)


def address_lookup(text: str, *, on: date | None = None) -> AddressLookup:
    """Resolve typed text to electoral districts of the boundary generation in force on `on` (default
    today), so a signature given under the old generation keeps its district. Raises
    AddressInputError on malformed input."""
    text = validate_address_text(text)
    on = on or timezone.localdate()
    tokens = tokenize(text)
    if not any(not t.house for t in tokens):
        return AddressLookup([], hint=_hint_format(), query=text)
    if len(tokens) > MAX_TOKENS:
        return AddressLookup(
            [],
            hint=_(
                "This is longer than an address. Write only the settlement, the street and the "
                "house number, e.g. “Almaty, Abai avenue 10”."
            ),
            query=text,
        )
    # Only the last few numbers can be the house ("мкр 5, дом 12").
    house_positions = [i for i, t in enumerate(tokens) if t.house][-MAX_HOUSE_CANDIDATES:]
    tokens = [
        t if (not t.house or i in house_positions) else t.__class__(t.text, t.key, t.group, False)
        for i, t in enumerate(tokens)
    ]
    reads = readings(tokens)
    street_keys = {r.street_key for r in reads}
    query = AddressCoverage.objects.filter(in_force(on, "district__"), street_key__in=street_keys)
    if all(r.rest for r in reads):
        # Every reading names a settlement: only those settlements' rows can match.
        settlement_keys = {
            " ".join(t.key for t in r.rest if t.group == g) for r in reads for g in {t.group for t in r.rest}
        }
        query = query.filter(settlement_key__in=settlement_keys)
    rows = list(
        query.values_list(
            "district_id", "district__maslikhat_id", "settlement", "settlement_key", "street", "street_key", "houses"
        )[:5000]
    )
    by_street = defaultdict(list)
    for row in rows:
        by_street[row[5]].append(row)

    hits: dict[tuple, dict] = {}
    street_seen: list[tuple] = []  # (settlement, street, house_text) where the street matched but the house did not
    needs_house = False
    for reading in reads:
        candidates = [row for row in by_street.get(reading.street_key, ()) if settlement_fits(reading.rest, row[3])]
        for district_id, maslikhat_id, settlement, s_key, street, st_key, houses in candidates:
            if reading.house:
                specificity = rule_specificity(reading.house, houses)
                if specificity is None:
                    street_seen.append((settlement, street, reading.house_text))
                    continue
            elif covers_whole_street(houses) and not _street_divided(candidates, maslikhat_id, s_key, district_id):
                specificity = 0
            else:
                needs_house = True
                continue
            key = (s_key, st_key, reading.house)
            hit = hits.setdefault(
                key, {"settlement": settlement, "street": street, "house": reading.house_text, "districts": {}}
            )
            # The most specific rule of a maslikhat wins (a carve-out): keep each district's best.
            best = hit["districts"].get(district_id, (maslikhat_id, -1))[1]
            hit["districts"][district_id] = (maslikhat_id, max(best, specificity))

    if not hits:
        if street_seen:
            settlement, street, house = street_seen[0]
            hint = _(
                "House %(house)s on %(street)s (%(settlement)s) is not in any electoral district we know. Check the "
                "number, or ask the maslikhat or the election commission of %(settlement)s."
            ) % {"house": house, "street": street, "settlement": settlement}
        elif needs_house:
            hint = _("Add the house number: this street is divided between several electoral districts.")
        else:
            hint = _hint_not_found()
            return AddressLookup([], hint=hint, query=text, suggestions=did_you_mean(reads, on=on), on=on)
        return AddressLookup([], hint=hint, query=text, on=on)

    for hit in hits.values():
        top: dict[int, int] = {}
        for maslikhat_id, specificity in hit["districts"].values():
            top[maslikhat_id] = max(top.get(maslikhat_id, -1), specificity)
        hit["districts"] = {d for d, (m, specificity) in hit["districts"].items() if specificity == top[m]}
    district_ids = {d for hit in hits.values() for d in hit["districts"]}
    districts = {
        d.pk: d for d in ElectoralDistrict.objects.filter(pk__in=district_ids).select_related(*_DISTRICT_RELATED)
    }
    matches = []
    for hit in sorted(hits.values(), key=lambda h: (h["settlement"], h["street"], h["house"]))[:MAX_MATCHES]:
        per_maslikhat: dict[int, ElectoralDistrict] = {}
        for district in sorted((districts[d] for d in hit["districts"] if d in districts), key=_level_order):
            # Overlapping rules are refused on import; if data still overlaps, the lowest number wins.
            per_maslikhat.setdefault(district.maslikhat_id, district)
        label = ", ".join(part for part in (hit["settlement"], hit["street"], hit["house"]) if part)
        matches.append(
            AddressMatch(
                label=label,
                settlement=hit["settlement"],
                street=hit["street"],
                house=hit["house"],
                districts=sorted(per_maslikhat.values(), key=_level_order),
            )
        )
    return AddressLookup(matches, query=text, on=on)


# ------------------------------------------------------------------------------
# Did you mean
# ------------------------------------------------------------------------------
MAX_SUGGESTIONS = 5
SIMILARITY = 0.3  # pg_trgm's default similarity threshold, used alike on both databases
_MAX_SUGGEST_KEYS = 8
_MAX_SUGGEST_ROWS = 400


def _trigrams(key: str) -> set[str]:
    """The trigrams pg_trgm takes of a text: each word padded with two spaces before, one after."""
    grams = set()
    for word in re.split(r"[^\w]+|_", key):
        if word:
            padded = f"  {word} "
            grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(first: str, second: str) -> float:
    """pg_trgm's similarity(), in Python: shared trigrams over all trigrams."""
    a, b = _trigrams(first), _trigrams(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def _street_candidates(reads, keys: list[str], on: date):
    """Coverage rows whose street key is close to one of the keys, of the typed settlement when one was
    typed: pg_trgm's `%` on PostgreSQL (a GIN trigram index, migration 0008), the closest first; on
    SQLite (development, small data) the first rows, scored in Python."""
    rows = AddressCoverage.objects.filter(in_force(on, "district__"))
    if all(r.rest for r in reads):
        settlements = {
            " ".join(t.key for t in r.rest if t.group == g) for r in reads for g in {t.group for t in r.rest}
        }
        rows = rows.filter(settlement_key__in=settlements)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity
        from django.db.models.functions import Greatest

        condition = Q()
        for key in keys:
            condition |= Q(street_key__trigram_similar=key)
        similarities = [TrigramSimilarity("street_key", Value(key)) for key in keys]
        closeness = Greatest(*similarities) if len(similarities) > 1 else similarities[0]
        rows = rows.filter(condition).annotate(closeness=closeness).order_by("-closeness")
    return rows.values_list("settlement", "settlement_key", "street", "street_key", "houses")[:_MAX_SUGGEST_ROWS]


def did_you_mean(reads, *, on: date) -> list[str]:
    """Up to five known addresses close to what was typed (one query): streets of the typed settlement
    (or of any, when none was typed) whose key is similar to a reading's street, and that hold the
    typed house number."""
    reads = [r for r in reads if len(r.street_key.replace(" ", "")) >= 3]
    if any(r.house for r in reads):
        reads = [r for r in reads if r.house]  # a number was typed: it is the house, not part of the street
    keys = sorted({r.street_key for r in reads}, key=len, reverse=True)[:_MAX_SUGGEST_KEYS]
    reads = [r for r in reads if r.street_key in keys]
    if not keys:
        return []
    grams = {key: _trigrams(key) for key in keys}
    similarity: dict[tuple[str, str], float] = {}
    scored: dict[str, float] = {}
    for settlement, s_key, street, st_key, houses in _street_candidates(reads, keys, on):
        if st_key not in grams:
            grams[st_key] = _trigrams(st_key)
        for reading in reads:
            pair = (reading.street_key, st_key)
            if pair not in similarity:
                a, b = grams[reading.street_key], grams[st_key]
                similarity[pair] = len(a & b) / len(a | b) if a and b else 0.0
            score = similarity[pair]
            if score < SIMILARITY or not settlement_fits(reading.rest, s_key):
                continue
            if reading.house and rule_specificity(reading.house, houses) is None:
                continue
            label = f"{settlement}, {street}" + (f" {reading.house_text}" if reading.house else "")
            scored[label] = max(scored.get(label, 0.0), score)
    ranked = sorted(scored.items(), key=lambda pair: (-pair[1], pair[0]))
    return [label for label, _score in ranked[:MAX_SUGGESTIONS]]


# ------------------------------------------------------------------------------
# Representatives
# ------------------------------------------------------------------------------
@dataclass
class Seat:
    """A single-mandate seat: the sitting deputy, or vacant with the deputy who left it."""

    district: ElectoralDistrict
    deputy: Deputy | None = None
    former: Deputy | None = None

    @property
    def vacant(self) -> bool:
        return self.deputy is None


@dataclass
class MaslikhatGroup:
    maslikhat: Maslikhat
    seat: Seat | None  # None: we do not know this address's district at this level
    party_list: list[Deputy] = field(default_factory=list)
    party_list_vacant: int | None = None  # party-list seats without a deputy (None: unknown or none)

    @property
    def deputies(self) -> list[Deputy]:
        sitting = [self.seat.deputy] if self.seat and self.seat.deputy else []
        return sitting + self.party_list


@dataclass
class RepresentedMatch:
    match: AddressMatch
    groups: list[MaslikhatGroup]

    @property
    def representatives(self) -> list[Deputy]:
        return [deputy for group in self.groups for deputy in group.deputies]

    @property
    def vacant_seats(self) -> list[Seat]:
        return [group.seat for group in self.groups if group.seat and group.seat.vacant]


@dataclass
class Representatives:
    matches: list[RepresentedMatch]
    hint: str = ""
    query: str = ""
    lookup: AddressLookup | None = None
    suggestions: list[str] = field(default_factory=list)
    on: date | None = None


def _maslikhat_chain(districts: list[ElectoralDistrict]) -> list[tuple[Maslikhat, ElectoralDistrict | None]]:
    """The matched districts' maslikhats and every maslikhat above them, lowest level first."""
    chain: dict[int, tuple[Maslikhat, ElectoralDistrict | None]] = {}
    for district in districts:
        chain[district.maslikhat_id] = (district.maslikhat, district)
    for district in districts:
        parent = district.maslikhat.parent
        while parent is not None and parent.pk not in chain:
            chain[parent.pk] = (parent, None)
            parent = None  # two tiers: the oblast has no maslikhat above it
    return sorted(chain.values(), key=lambda pair: (pair[0].level != Maslikhat.Level.DISTRICT, pair[0].code))


def sitting_on(on: date, prefix: str = "") -> Q:
    """Deputies holding their mandate on a day: elected by then (or no date recorded), and not yet
    ended (active, or ended after the day)."""
    p = prefix
    return (Q(**{f"{p}elected_on__isnull": True}) | Q(**{f"{p}elected_on__lte": on})) & (
        Q(**{f"{p}status": Deputy.Status.ACTIVE}) | Q(**{f"{p}status_changed_on__gt": on})
    )


def _sits(deputy: Deputy, on: date) -> bool:
    elected = deputy.elected_on is None or deputy.elected_on <= on
    return elected and (deputy.is_active or bool(deputy.status_changed_on and deputy.status_changed_on > on))


def party_list_vacancies(maslikhat: Maslikhat, convocation: Convocation | None, sitting: int) -> int | None:
    """Party-list seats without a deputy: the seats the convocation's mixed system gives to lists (all
    seats less the single-mandate half) less the list deputies sitting; None where the convocation or
    its seats are unknown or it has no list seats."""
    if convocation is None:
        return None
    seats = convocation.seats or maslikhat.seats
    if not seats or convocation.electoral_system != Maslikhat.ElectoralSystem.MIXED:
        return None
    return max(0, seats - seats // 2 - sitting)


def _group_convocation(district: ElectoralDistrict | None, party_list: list[Deputy]) -> Convocation | None:
    """The convocation a maslikhat's group answers for: its district's, else its list deputies'."""
    if district is not None:
        return district.convocation
    return next((d.convocation for d in party_list if d.convocation_id), None)


def represent(lookup: AddressLookup) -> Representatives:
    """Attach deputies to each match (one query for all matches): those sitting on the lookup's day."""
    on = lookup.on or timezone.localdate()
    chains = [_maslikhat_chain(m.districts) for m in lookup.matches]
    district_ids = {d.pk for chain in chains for _m, d in chain if d is not None}
    maslikhat_ids = {m.pk for chain in chains for m, _d in chain}
    list_deputies = Q(maslikhat_id__in=maslikhat_ids, mandate=Deputy.Mandate.PARTY_LIST) & sitting_on(on)
    # A list deputy recorded without a convocation (older rows) is listed whatever the day.
    list_in_force = Q(convocation__isnull=True) | in_force(on)
    deputies = (
        list(
            Deputy.objects.filter(Q(district_id__in=district_ids) | (list_deputies & list_in_force))
            .select_related("convocation")
            .order_by("full_name")
        )
        if maslikhat_ids
        else []
    )
    sitting, former, party = {}, {}, defaultdict(list)
    for deputy in deputies:
        if deputy.mandate == Deputy.Mandate.PARTY_LIST:
            party[deputy.maslikhat_id].append(deputy)
        elif _sits(deputy, on):
            sitting[deputy.district_id] = deputy
        elif deputy.elected_on is None or deputy.elected_on <= on:
            known = former.get(deputy.district_id)
            changed = deputy.status_changed_on or deputy.elected_on
            if known is None or (changed and (known.status_changed_on or known.elected_on or changed) <= changed):
                former[deputy.district_id] = deputy
    # The deputies' maslikhats and districts are already loaded with the matches: reuse them.
    known_maslikhats = {m.pk: m for chain in chains for m, _d in chain}
    known_districts = {d.pk: d for chain in chains for _m, d in chain if d is not None}
    for deputy in deputies:
        if deputy.maslikhat_id in known_maslikhats:
            deputy.maslikhat = known_maslikhats[deputy.maslikhat_id]
        if deputy.district_id in known_districts:
            deputy.district = known_districts[deputy.district_id]
    results = []
    for match, chain in zip(lookup.matches, chains, strict=True):
        groups = []
        for maslikhat, district in chain:
            seat = None
            if district is not None:
                seat = Seat(district=district, deputy=sitting.get(district.pk))
                if seat.deputy is None:
                    seat.former = former.get(district.pk)
            party_list = party.get(maslikhat.pk, [])
            groups.append(
                MaslikhatGroup(
                    maslikhat=maslikhat,
                    seat=seat,
                    party_list=party_list,
                    party_list_vacant=party_list_vacancies(
                        maslikhat, _group_convocation(district, party_list), len(party_list)
                    ),
                )
            )
        results.append(RepresentedMatch(match=match, groups=groups))
    return Representatives(
        matches=results,
        hint=lookup.hint,
        query=lookup.query,
        lookup=lookup,
        suggestions=lookup.suggestions,
        on=on,
    )


def representatives_for_address(text: str, *, on: date | None = None) -> Representatives:
    """Who represents this address on a day (default today), at every level. Raises AddressInputError
    on malformed input."""
    return represent(address_lookup(text, on=on))


class PointInputError(ValidationError):
    """A latitude or longitude that is not a number on the globe."""


def parse_point(lat, lon) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise PointInputError(_("Latitude and longitude must be numbers, e.g. 43.2389 and 76.8897."), code="invalid")
    if not (math.isfinite(lat_f) and math.isfinite(lon_f) and -90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise PointInputError(
            _("Latitude must be between -90 and 90 and longitude between -180 and 180."), code="range"
        )
    return lat_f, lon_f


def point_lookup(lat, lon, *, on: date | None = None) -> AddressLookup:
    from deputies.geo import districts_at

    lat_f, lon_f = parse_point(lat, lon)
    on = on or timezone.localdate()
    label = f"{lat_f:.5f}, {lon_f:.5f}"
    ids = districts_at(lat_f, lon_f)
    if not ids:
        return AddressLookup(
            [], hint=_("We have no district map for this point. Search by address instead."), query=label, on=on
        )
    districts = sorted(
        ElectoralDistrict.objects.filter(in_force(on), pk__in=ids).select_related(*_DISTRICT_RELATED),
        key=_level_order,
    )
    if not districts:
        return AddressLookup(
            [], hint=_("We have no district map for this point. Search by address instead."), query=label, on=on
        )
    per_maslikhat: dict[int, ElectoralDistrict] = {}
    for district in districts:
        per_maslikhat.setdefault(district.maslikhat_id, district)
    match = AddressMatch(
        label=label, settlement="", street="", house="", districts=list(per_maslikhat.values()), point=(lat_f, lon_f)
    )
    return AddressLookup([match], query=label, on=on)


def representatives_for_point(lat, lon, *, on: date | None = None) -> Representatives:
    """Who represents the map point on a day (district boundaries as GeoJSON). Raises PointInputError."""
    return represent(point_lookup(lat, lon, on=on))


# ------------------------------------------------------------------------------
# Autocomplete
# ------------------------------------------------------------------------------
def address_suggestions(text: str, limit: int = 8) -> list[str]:
    """Settlement and street names that start like the text ('Алматы, Абыл' -> 'Алматы, пр. Абылай хана')."""
    from deputies.addresses import settlement_key, street_key

    text = (text or "")[:100]
    if "," in text:
        settlement_part, _sep, street_part = text.partition(",")
        s_key, prefix = settlement_key(settlement_part), street_key(street_part)
        if not s_key or not prefix:
            return []
        rows = (
            AddressCoverage.objects.filter(settlement_key=s_key, street_key__startswith=prefix)
            .values_list("settlement", "street")
            .order_by("street")
            .distinct()[: limit * 3]
        )
        return _unique([f"{settlement}, {street}" for settlement, street in rows], limit)
    prefix = street_key(text)
    if len(prefix) < 2:
        return []
    settlements = (
        AddressCoverage.objects.filter(settlement_key__startswith=prefix)
        .values_list("settlement", flat=True)
        .order_by("settlement")
        .distinct()[:limit]
    )
    streets = (
        AddressCoverage.objects.filter(street_key__startswith=prefix)
        .values_list("settlement", "street")
        .order_by("settlement", "street")
        .distinct()[: limit * 3]
    )
    return _unique([f"{s}, " for s in settlements] + [f"{s}, {street}" for s, street in streets], limit)


def _unique(items: list[str], limit: int) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out[:limit]


# ------------------------------------------------------------------------------
# Lists and records
# ------------------------------------------------------------------------------
def deputy_list(*, maslikhat: str = "", party: str = "", mandate: str = "", q: str = "", status: str = ""):
    deputies = Deputy.objects.select_related("maslikhat", "district")
    if maslikhat:
        deputies = (
            deputies.filter(maslikhat__id=int(maslikhat))
            if maslikhat.isdigit()
            else deputies.filter(maslikhat__code=maslikhat)
        )
    if party:
        deputies = deputies.filter(party="") if party == "-" else deputies.filter(party__iexact=party)
    if mandate in Deputy.Mandate.values:
        deputies = deputies.filter(mandate=mandate)
    if status in Deputy.Status.values:
        deputies = deputies.filter(status=status)
    if q:
        from deputies.addresses import fold

        # Kazakh, Russian or Latin letters, any case: "үлгі", "Ulgi" and "ҮЛГІ" all find Үлгіұлы.
        for word in q.split()[:5]:
            deputies = deputies.filter(name_key__contains=fold(word))
    return deputies.order_by("maslikhat__level", "maslikhat__code", "full_name")


def deputy_parties() -> list[str]:
    return sorted(p for p in Deputy.objects.exclude(party="").values_list("party", flat=True).distinct())


def deputy_get(pk: int, annotations: dict | None = None) -> Deputy:
    """The deputy with maslikhat and district, `memberships` (the standing commissions, chair first
    marked) and any `annotations` (the page's panels' figures, portal.panels.panel_annotations), all in
    one query: the commissions come as JSON on the deputy's row rather than a second query."""
    commissions = (
        CommissionMembership.objects.filter(deputy=OuterRef("pk"))
        .order_by("commission__name_ru", "pk")
        .values(
            json=JSONObject(
                id="pk",
                is_chair="is_chair",
                commission_id="commission_id",
                maslikhat_id="commission__maslikhat_id",
                name_kk="commission__name_kk",
                name_ru="commission__name_ru",
                name_en="commission__name_en",
            )
        )
    )
    deputy = (
        Deputy.objects.select_related("maslikhat__unit", "district")
        .annotate(commission_rows=json_array_subquery(commissions), **(annotations or {}))
        .get(pk=pk)
    )
    deputy.memberships = [
        CommissionMembership(
            pk=row["id"],
            deputy=deputy,
            is_chair=row["is_chair"],
            commission=StandingCommission(
                pk=row["commission_id"],
                maslikhat_id=row["maslikhat_id"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
            ),
        )
        for row in deputy.commission_rows
    ]
    return deputy


def maslikhat_list():
    current = Convocation.objects.in_force(timezone.localdate()).filter(maslikhat=OuterRef("pk"))
    return (
        Maslikhat.objects.select_related("unit__parent")
        .annotate(
            deputy_count=Count("deputies", filter=Q(deputies__status=Deputy.Status.ACTIVE), distinct=True),
            district_count=Count("districts", distinct=True),
            current_convocation_system=Subquery(current.values("electoral_system")[:1]),
        )
        .order_by("level", "code")
    )


@dataclass
class Composition:
    parties: list[tuple[str, int, int]]  # (party, single-mandate, party-list)
    single_mandate: int
    party_list: int
    vacant: int
    party_list_vacant: int | None = None


def maslikhat_get(code: str, annotations: dict | None = None) -> Maslikhat:
    """The maslikhat with its unit, and any `annotations` (the page's panels' figures,
    portal.panels.panel_annotations) in the same query."""
    return Maslikhat.objects.select_related("unit__parent").annotate(**(annotations or {})).get(code=code)


def maslikhat_record(maslikhat: Maslikhat) -> dict:
    """Composition by party and mandate, chair, commissions, districts (a fixed number of queries)."""
    deputies = list(maslikhat.deputies.select_related("district").order_by("full_name"))
    active = [d for d in deputies if d.status == Deputy.Status.ACTIVE]
    by_party: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for deputy in active:
        by_party[deputy.party][0 if deputy.mandate == Deputy.Mandate.SINGLE_MANDATE else 1] += 1
    districts = list(maslikhat.districts.filter(in_force(timezone.localdate())).select_related("convocation"))
    districts.sort(key=lambda d: d.number)
    sitting = {d.district_id for d in active if d.district_id}
    convocation = next((d.convocation for d in districts), None)
    if convocation is None:
        convocation = Convocation.objects.in_force(timezone.localdate()).filter(maslikhat=maslikhat).first()
    maslikhat.current_convocation_system = convocation.electoral_system if convocation else None
    commissions = _commissions_with_members(maslikhat, {d.pk: d for d in deputies})
    deputy_by_district = {d.district_id: d for d in active if d.district_id}
    return {
        "composition": Composition(
            parties=sorted(((p, sm, pl) for p, (sm, pl) in by_party.items()), key=lambda r: (-(r[1] + r[2]), r[0])),
            single_mandate=sum(1 for d in active if d.mandate == Deputy.Mandate.SINGLE_MANDATE),
            party_list=sum(1 for d in active if d.mandate == Deputy.Mandate.PARTY_LIST),
            vacant=sum(1 for d in districts if d.pk not in sitting),
            party_list_vacant=party_list_vacancies(
                maslikhat, convocation, sum(1 for d in active if d.mandate == Deputy.Mandate.PARTY_LIST)
            ),
        ),
        "convocation": convocation,
        "chair": next((d for d in active if d.role == Deputy.Role.CHAIR), None),
        "deputies": active,
        "former": [d for d in deputies if d.status != Deputy.Status.ACTIVE],
        "commissions": commissions,
        "districts": [(d, deputy_by_district.get(d.pk)) for d in districts],
        "has_demo": any(d.is_demo for d in deputies) or any(d.is_demo for d in districts),
    }


def _commissions_with_members(maslikhat: Maslikhat, deputies: dict[int, Deputy]) -> list[StandingCommission]:
    """The maslikhat's commissions with their members (chair first), as a prefetch would give
    them (`commission.memberships.all()`), from one LEFT JOIN rather than two queries: the
    maslikhat page carries other apps' panels within its query budget."""
    rows = (
        StandingCommission.objects.filter(maslikhat=maslikhat)
        .order_by("name_ru", "pk", "-memberships__is_chair", "memberships__deputy__full_name")
        .values(
            "pk",
            "name_kk",
            "name_ru",
            "name_en",
            "memberships__pk",
            "memberships__is_chair",
            "memberships__deputy_id",
            "memberships__deputy__full_name",
            "memberships__deputy__maslikhat_id",
        )
    )
    commissions: dict[int, tuple[StandingCommission, list[CommissionMembership]]] = {}
    for row in rows:
        if row["pk"] not in commissions:
            commission = StandingCommission(
                pk=row["pk"],
                maslikhat=maslikhat,
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
            )
            commissions[row["pk"]] = (commission, [])
        commission, members = commissions[row["pk"]]
        if row["memberships__pk"] is not None:
            deputy_id = row["memberships__deputy_id"]
            # A member from elsewhere (not expected) still shows with its name and link.
            deputy = deputies.get(deputy_id) or Deputy(
                pk=deputy_id,
                full_name=row["memberships__deputy__full_name"],
                maslikhat_id=row["memberships__deputy__maslikhat_id"],
            )
            members.append(
                CommissionMembership(
                    pk=row["memberships__pk"],
                    commission=commission,
                    deputy=deputy,
                    is_chair=row["memberships__is_chair"],
                )
            )
    result = []
    for commission, members in commissions.values():
        prefetched = commission.memberships.all()
        prefetched._result_cache, prefetched._prefetch_done = members, True
        commission._prefetched_objects_cache = {"memberships": prefetched}
        result.append(commission)
    return result


def mandate_end(deputy: Deputy) -> date | None:
    """The day the deputy's term ends: the end of the convocation (its recorded end, or five years from
    its election). A deputy elected at a by-election serves the rest of the convocation's term, not
    five years of their own; recalls bar the last year before this day. None when no convocation is
    recorded for the deputy or their district."""
    convocation = deputy.convocation or (deputy.district.convocation if deputy.district_id else None)
    return convocation.term_ends_on if convocation else None


def district_get(pk: int) -> ElectoralDistrict:
    return ElectoralDistrict.objects.select_related("maslikhat").get(pk=pk)


def district_record(district: ElectoralDistrict) -> dict:
    deputies = list(district.deputies.order_by("-status_changed_on"))
    return {
        "deputy": next((d for d in deputies if d.status == Deputy.Status.ACTIVE), None),
        "former": [d for d in deputies if d.status != Deputy.Status.ACTIVE],
        "coverage": list(district.coverage.order_by("settlement", "street", "houses")[:1000]),
    }


def maslikhat_names(codes) -> dict[str, str]:
    """Maslikhat (unit) names in the active language by code, for the audit log's scope column."""
    return {m.code: m.name for m in Maslikhat.objects.filter(code__in=codes)}


def maslikhat_chair(maslikhat: Maslikhat) -> Deputy | None:
    """The maslikhat's sitting chairperson in the register (role chair, mandate active), or None.
    The register should hold one; if it holds more (a stale row), the most recently elected."""
    return (
        Deputy.objects.filter(maslikhat=maslikhat, role=Deputy.Role.CHAIR, status=Deputy.Status.ACTIVE)
        .order_by(F("elected_on").desc(nulls_last=True), "-pk")
        .first()
    )
