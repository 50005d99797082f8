"""CSV imports of reference data: all-or-nothing per file, with an error per bad row."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deputies.admin_map import maslikhat_names
from deputies.models import CURRENT_CONVOCATION, CURRENT_CONVOCATION_ELECTED_ON, AdministrativeUnit, Maslikhat
from portal.api_extensions import export_sections
from portal.csv_export import csv_writer, read_cell

UNIT_COLUMNS = ["code", "kind", "parent", "name_kk", "name_ru", "name_en"]
TIER2_KINDS = {"district", "city_oblast"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    districts_created: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # accepted, but a clerk should see it (carve-outs, warnings)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv(path: Path, columns: list[str]) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text.")]
    return read_csv_text(text, columns)


def units_import(path: Path, *, dry_run: bool = False) -> ImportReport:
    """Add tier-2 units (oblast districts, cities of oblast significance) and their maslikhats."""
    report = ImportReport()
    rows, report.errors = read_csv(path, UNIT_COLUMNS)
    if report.errors:
        return report
    known_parents = {u.code: u for u in AdministrativeUnit.objects.filter(kind="oblast")}
    seen: set[str] = set()
    for number, row in rows:
        problems = []
        if not row["code"]:
            problems.append(_("code is empty"))
        elif row["code"] in seen:
            problems.append(_("code %(code)s appears twice in the file") % {"code": row["code"]})
        if row["kind"] not in TIER2_KINDS:
            problems.append(_("kind must be district or city_oblast"))
        if row["parent"] not in known_parents:
            problems.append(_("parent %(parent)s is not a known oblast") % {"parent": row["parent"] or "—"})
        problems.extend(
            _("%(column)s is empty") % {"column": c} for c in ("name_kk", "name_ru", "name_en") if not row[c]
        )
        existing = AdministrativeUnit.objects.filter(code=row["code"]).first() if row["code"] else None
        if existing and existing.kind not in TIER2_KINDS:
            problems.append(_("code %(code)s is a tier-1 unit") % {"code": row["code"]})
        if problems:
            report.errors.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
        seen.add(row["code"])
    if report.errors:
        return report
    with transaction.atomic():
        for _number, row in rows:
            values = {
                "kind": row["kind"],
                "parent": known_parents[row["parent"]],
                "name_kk": row["name_kk"],
                "name_ru": row["name_ru"],
                "name_en": row["name_en"],
            }
            unit = AdministrativeUnit.objects.filter(code=row["code"]).first()
            if unit is None:
                unit = AdministrativeUnit.objects.create(code=row["code"], **values)
                report.created += 1
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(unit, key, value)
                unit.save()
                report.updated += 1
            else:
                report.unchanged += 1
            Maslikhat.objects.get_or_create(
                code=unit.code,
                defaults={
                    "unit": unit,
                    "level": Maslikhat.Level.DISTRICT,
                    **maslikhat_names(unit.kind, {"kk": unit.name_kk, "ru": unit.name_ru, "en": unit.name_en}),
                },
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


# ------------------------------------------------------------------------------
# Population figures, each with the day it describes and its source
# ------------------------------------------------------------------------------
POPULATION_COLUMNS = ["code", "population", "as_of", "source"]
MAX_POPULATION = 30_000_000  # more than the whole country: a typo, not a figure


def populations_import(path: Path, *, dry_run: bool = False, today: date | None = None) -> ImportReport:
    """Rows of `code,population,as_of,source`: an administrative unit's population on a day and the
    publication it comes from (the Bureau of National Statistics' table, its title and address). A
    figure without a source is refused, so that nothing on a page looks confirmed that is not. A row
    already present changes nothing; all or nothing."""
    report = ImportReport()
    rows, report.errors = read_csv(path, POPULATION_COLUMNS)
    if report.errors:
        return report
    today = today or timezone.localdate()
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in={row["code"] for _n, row in rows})}
    seen: set[str] = set()
    parsed = []
    for number, row in rows:
        problems = []
        code = row["code"]
        if code not in units:
            problems.append(_("unit %(code)s is unknown") % {"code": code or "—"})
        elif code in seen:
            problems.append(_("code %(code)s appears twice in the file") % {"code": code})
        seen.add(code)
        figure = row["population"].replace(" ", "").replace("\u00a0", "")
        if not figure.isdigit() or not 0 < int(figure) <= MAX_POPULATION:
            problems.append(_("population must be a whole number of people"))
        try:
            as_of = date.fromisoformat(row["as_of"])
        except ValueError:
            as_of = None
            problems.append(_("as_of must be a date written YYYY-MM-DD"))
        if as_of and as_of > today:
            problems.append(_("as_of is in the future"))
        source = " ".join(row["source"].split())
        if not source:
            problems.append(_("source is empty: name the publication the figure comes from"))
        elif len(source) > 300:
            problems.append(_("source is too long"))
        if problems:
            report.errors.append(_row_error(number, problems))
            continue
        parsed.append((units[code], int(figure), as_of, source))
    if report.errors:
        return report
    with transaction.atomic():
        for unit, figure, as_of, source in parsed:
            values = {"population": figure, "population_as_of": as_of, "population_source": source}
            if all(getattr(unit, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            if unit.population is None:
                report.created += 1
            else:
                report.updated += 1
            for key, value in values.items():
                setattr(unit, key, value)
            unit.save(update_fields=list(values))
        if dry_run:
            transaction.set_rollback(True)
    return report


# ------------------------------------------------------------------------------
# Electoral districts and their address coverage
# ------------------------------------------------------------------------------
DISTRICT_COLUMNS = ["maslikhat", "district", "settlement", "street", "houses"]
DEPUTY_COLUMNS = ["maslikhat", "full_name", "party", "mandate", "district", "role", "email", "phone", "reception"]


@dataclass
class _CoverageRow:
    number: int
    code: str
    district: int
    settlement: str
    street: str
    houses: str
    settlement_key: str
    street_key: str
    convocation: int


def _row_error(number: int, problems: list[str]) -> str:
    return _("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(str(p) for p in problems)}


def _scope_problem(code: str, maslikhats: dict, allowed_codes) -> str:
    if code not in maslikhats:
        return _("maslikhat %(code)s is unknown") % {"code": code or "—"}
    if allowed_codes is not None and code not in allowed_codes:
        return _("you do not maintain maslikhat %(code)s") % {"code": code}
    return ""


def districts_import_rows(
    rows: list[tuple[int, dict]],
    *,
    dry_run: bool = False,
    demo: bool = False,
    allowed_codes=None,
    convocation: int | None = None,
    elected_on: date | None = None,
    electoral_system: str | None = None,
) -> ImportReport:
    """Rows of `maslikhat,district,settlement,street,houses`. A district is created the first time its
    (maslikhat, number) appears; a row already present changes nothing; a rule that overlaps another
    district's coverage in the same maslikhat at the same specificity is refused with its row, a more
    specific one (a house inside another district's range) is a carve-out, noted. All or nothing.

    Districts belong to a convocation (boundary generation): the `convocation` column or argument (a
    number; `elected_on` creates it when it is not recorded, with `electoral_system` or the tier's),
    else the convocation in force today (the 8th, created where none is recorded). Loading a new
    generation leaves the others alone."""
    from deputies.addresses import RuleError, parse_rule, rules_carve_out, rules_overlap, settlement_key, street_key
    from deputies.models import AddressCoverage, ElectoralDistrict

    report = ImportReport()
    maslikhats = {m.code: m for m in Maslikhat.objects.all()}
    convocations = _Convocations(maslikhats, elected_on, electoral_system)
    parsed: list[_CoverageRow] = []
    for number, row in rows:
        problems = []
        code = row.get("maslikhat", "")
        if scope := _scope_problem(code, maslikhats, allowed_codes):
            problems.append(scope)
        conv_text = row.get("convocation", "") or (str(convocation) if convocation else "")
        if conv_text and (not conv_text.isdigit() or not 0 < int(conv_text) < 100):
            problems.append(_("convocation must be a positive number"))
        elif not scope and (problem := convocations.check(code, int(conv_text) if conv_text else None)):
            problems.append(problem)
        district_number = row.get("district", "")
        if not district_number.isdigit() or not 0 < int(district_number) < 10000:
            problems.append(_("district must be a positive number"))
        s_key, st_key = settlement_key(row.get("settlement", "")), street_key(row.get("street", ""))
        if not s_key:
            problems.append(_("settlement is empty"))
        if not st_key:
            problems.append(_("street is empty"))
        if len(row.get("street", "")) > 200 or len(row.get("settlement", "")) > 120:
            problems.append(_("settlement or street is too long"))
        houses = row.get("houses", "") or "all"
        try:
            parse_rule(houses)
        except RuleError as error:
            problems.append(_("houses: %(error)s") % {"error": error})
        if problems:
            report.errors.append(_row_error(number, problems))
            continue
        parsed.append(
            _CoverageRow(
                number,
                code,
                int(district_number),
                row["settlement"],
                row["street"],
                houses,
                s_key,
                st_key,
                convocations.key(code, int(conv_text) if conv_text else None),
            )
        )

    # Overlaps and carve-outs are judged within one generation: the old and the new one may differ.
    existing = defaultdict(list)  # (code, convocation, settlement_key, street_key) -> [(district number, houses)]
    wanted_keys = {r.street_key for r in parsed}
    for code, conv_number, number, s_key, st_key, houses in AddressCoverage.objects.filter(
        district__maslikhat__code__in={r.code for r in parsed}, street_key__in=wanted_keys
    ).values_list(
        "district__maslikhat__code",
        "district__convocation__number",
        "district__number",
        "settlement_key",
        "street_key",
        "houses",
    ):
        existing[(code, conv_number, s_key, st_key)].append((number, houses, None))
    for row in parsed:
        key = (row.code, row.convocation, row.settlement_key, row.street_key)
        others = [other for other in existing[key] if other[0] != row.district]
        clash = next((other for other in others if rules_overlap(row.houses, other[1])), None)
        if clash:
            where = (_("row %(row)s") % {"row": clash[2]}) if clash[2] else _("coverage already stored")
            report.errors.append(
                _row_error(
                    row.number,
                    [
                        _("houses %(houses)s overlap district %(district)s (%(where)s)")
                        % {"houses": row.houses, "district": clash[0], "where": where}
                    ],
                )
            )
        else:
            # A more specific rule inside another district's rule (30Б inside 1-30): the most
            # specific wins, so it is accepted, and reported so that a clerk sees it.
            for other in others:
                if rules_carve_out(row.houses, other[1]):
                    where = (_("row %(row)s") % {"row": other[2]}) if other[2] else _("coverage already stored")
                    report.notes.append(
                        _(
                            "Row %(row)s: carve-out on %(street)s: %(houses)s (district %(district)s) and "
                            "%(other_houses)s (district %(other)s, %(where)s); the most specific rule wins."
                        )
                        % {
                            "row": row.number,
                            "street": row.street,
                            "houses": row.houses,
                            "district": row.district,
                            "other_houses": other[1],
                            "other": other[0],
                            "where": where,
                        }
                    )
        existing[key].append((row.district, row.houses, row.number))
    if report.errors:
        return report

    with transaction.atomic():
        districts = {
            (d.maslikhat.code, d.convocation.number, d.number): d
            for d in ElectoralDistrict.objects.filter(maslikhat__code__in={r.code for r in parsed}).select_related(
                "maslikhat", "convocation"
            )
        }
        for row in parsed:
            district = districts.get((row.code, row.convocation, row.district))
            if district is None:
                district = ElectoralDistrict.objects.create(
                    maslikhat=maslikhats[row.code],
                    convocation=convocations.get_or_create(row.code, row.convocation),
                    number=row.district,
                    is_demo=demo,
                    name_kk=f"№ {row.district} сайлау округі",
                    name_ru=f"Избирательный округ № {row.district}",
                    name_en=f"Electoral district No. {row.district}",
                )
                districts[(row.code, row.convocation, row.district)] = district
                report.districts_created += 1
            _obj, created = AddressCoverage.objects.get_or_create(
                district=district,
                settlement_key=row.settlement_key,
                street_key=row.street_key,
                houses=row.houses,
                defaults={"settlement": row.settlement, "street": row.street},
            )
            if created:
                report.created += 1
            else:
                report.unchanged += 1
        report.notes.extend(seat_warnings(convocations.touched()))
        if dry_run:
            transaction.set_rollback(True)
    return report


class _Convocations:
    """The convocations (boundary generations) an import writes into, by (maslikhat code, number)."""

    def __init__(self, maslikhats: dict, elected_on: date | None, electoral_system: str | None = None):
        from deputies.models import Convocation

        self.maslikhats, self.elected_on, self.electoral_system = maslikhats, elected_on, electoral_system
        self.known = {(c.maslikhat.code, c.number): c for c in Convocation.objects.select_related("maslikhat")}
        self.current = {
            c.maslikhat.code: c.number
            for c in Convocation.objects.in_force(timezone.localdate()).select_related("maslikhat")
        }
        self.used: set[tuple[str, int]] = set()

    def key(self, code: str, number: int | None) -> int:
        return number if number is not None else self.current.get(code, CURRENT_CONVOCATION)

    def check(self, code: str, number: int | None) -> str:
        if number is not None and (code, number) not in self.known and self.elected_on is None:
            return _("convocation %(number)s of %(code)s is not recorded: give its election date (--elected-on)") % {
                "number": number,
                "code": code,
            }
        return ""

    def system(self, code: str, number: int) -> str:
        """The electoral system of the convocation: its own, or the one it will be recorded with."""
        known = self.known.get((code, number))
        return known.electoral_system if known else self._new_system(self.maslikhats[code])

    def _new_system(self, maslikhat: Maslikhat) -> str:
        return self.electoral_system or maslikhat.tier_electoral_system

    def get_or_create(self, code: str, number: int):
        from deputies.models import Convocation

        self.used.add((code, number))
        if (code, number) not in self.known:
            maslikhat = self.maslikhats[code]
            self.known[(code, number)] = Convocation.objects.create(
                maslikhat=maslikhat,
                number=number,
                elected_on=self.elected_on or CURRENT_CONVOCATION_ELECTED_ON,
                electoral_system=self._new_system(maslikhat),
                seats=maslikhat.seats if number == CURRENT_CONVOCATION else None,
            )
        return self.known[(code, number)]

    def touched(self) -> list:
        return [self.known[key] for key in sorted(self.used)]


def seat_warnings(convocations) -> list[str]:
    """The electoral system's check: single-mandate districts are half of the seats (mixed, tier 1) or
    all of them (tier 2); and the system fits the maslikhat's tier. Warnings, not errors: a file may
    load a generation in parts."""
    notes = []
    for convocation in convocations:
        maslikhat = convocation.maslikhat
        wanted = maslikhat.tier_electoral_system
        # The tiers' systems date from the 2023 elections; an older convocation keeps its own.
        if convocation.elected_on >= CURRENT_CONVOCATION_ELECTED_ON and convocation.electoral_system != wanted:
            notes.append(
                _("Convocation %(number)s of %(code)s: a tier %(tier)s maslikhat is elected by “%(system)s”.")
                % {
                    "number": convocation.number,
                    "code": maslikhat.code,
                    "tier": 1 if wanted == Maslikhat.ElectoralSystem.MIXED else 2,
                    "system": Maslikhat.ElectoralSystem(wanted).label,
                }
            )
        expected = convocation.single_mandate_seats_expected()
        count = convocation.districts.count()
        if expected is not None and count != expected:
            notes.append(
                _(
                    "Convocation %(number)s of %(code)s has %(count)s single-mandate districts; its electoral "
                    "system gives %(expected)s of its %(seats)s seats to single-mandate districts."
                )
                % {
                    "number": convocation.number,
                    "code": maslikhat.code,
                    "count": count,
                    "expected": expected,
                    "seats": convocation.seats or maslikhat.seats,
                }
            )
    return notes


def districts_import(path: Path, **kwargs) -> ImportReport:
    rows, errors = read_csv(path, DISTRICT_COLUMNS)
    if errors:
        return ImportReport(errors=errors)
    return districts_import_rows(rows, **kwargs)


def deputies_import_rows(
    rows: list[tuple[int, dict]],
    *,
    dry_run: bool = False,
    demo: bool = False,
    allowed_codes=None,
    convocation: int | None = None,
    elected_on: date | None = None,
    electoral_system: str | None = None,
) -> ImportReport:
    """Rows of `maslikhat,full_name,party,mandate,district,role,email,phone,reception`. A deputy is known
    by (maslikhat, full name): a row already present changes nothing, a changed row updates it. Districts
    are those of the convocation given (default: in force today); new deputies belong to it, and a
    party-list row needs that convocation's electoral system to have party lists."""
    from django.core.validators import validate_email

    from deputies.models import Deputy, ElectoralDistrict

    report = ImportReport()
    maslikhats = {m.code: m for m in Maslikhat.objects.all()}
    codes = {row.get("maslikhat", "") for _n, row in rows}
    convocations = _Convocations(maslikhats, elected_on, electoral_system)
    districts = {
        (d.maslikhat.code, d.number): d
        for d in ElectoralDistrict.objects.filter(maslikhat__code__in=codes).select_related("maslikhat", "convocation")
        if d.convocation.number == convocations.key(d.maslikhat.code, convocation)
    }
    known = {
        (d.maslikhat.code, d.full_name): d
        for d in Deputy.objects.filter(maslikhat__code__in=codes).select_related("maslikhat")
    }
    sitting = {d.district_id: d for d in known.values() if d.district_id and d.status == Deputy.Status.ACTIVE}
    claimed: dict[int, int] = {}
    chairs: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    parsed = []
    for number, row in rows:
        problems = []
        code, name = row.get("maslikhat", ""), " ".join(row.get("full_name", "").split())
        if scope := _scope_problem(code, maslikhats, allowed_codes):
            problems.append(scope)
        elif problem := convocations.check(code, convocation):
            problems.append(problem)
        if not name:
            problems.append(_("full_name is empty"))
        elif len(name) > 200:
            problems.append(_("full_name is too long"))
        elif (code, name) in seen:
            problems.append(_("%(name)s appears twice in the file") % {"name": name})
        seen.add((code, name))
        mandate = row.get("mandate", "")
        district = None
        if mandate not in Deputy.Mandate.values:
            problems.append(_("mandate must be single_mandate or party_list"))
        elif mandate == Deputy.Mandate.SINGLE_MANDATE:
            number_text = row.get("district", "")
            district = districts.get((code, int(number_text))) if number_text.isdigit() else None
            if district is None:
                problems.append(
                    _("district %(district)s of %(code)s does not exist: import the districts first")
                    % {"district": number_text or "—", "code": code}
                )
            else:
                holder = sitting.get(district.pk)
                if holder is not None and holder.full_name != name:
                    problems.append(
                        _("district %(district)s already has a sitting deputy, %(name)s")
                        % {"district": district.number, "name": holder.full_name}
                    )
                if district.pk in claimed:
                    problems.append(
                        _("district %(district)s is also given to row %(row)s")
                        % {"district": district.number, "row": claimed[district.pk]}
                    )
                claimed[district.pk] = number
        else:
            if row.get("district", ""):
                problems.append(_("a party-list deputy has no district"))
            # The system of the convocation the row loads into (an older generation keeps its own).
            number_of = convocations.key(code, convocation)
            if not scope and convocations.system(code, number_of) != Maslikhat.ElectoralSystem.MIXED:
                problems.append(
                    _("convocation %(number)s of %(code)s is elected in single-mandate districts only")
                    % {"number": number_of, "code": code}
                )
        role = row.get("role", "") or Deputy.Role.MEMBER
        if role not in Deputy.Role.values:
            problems.append(_("role must be chair, commission_chair or member"))
        elif role == Deputy.Role.CHAIR:
            if code in chairs:
                problems.append(_("row %(row)s is already the chair") % {"row": chairs[code]})
            chairs[code] = number
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("email %(email)s is not valid") % {"email": email})
        if len(row.get("party", "")) > 100 or len(row.get("phone", "")) > 50 or len(row.get("reception", "")) > 300:
            problems.append(_("party, phone or reception is too long"))
        if problems:
            report.errors.append(_row_error(number, problems))
            continue
        parsed.append(
            (
                code,
                name,
                {
                    "party": row.get("party", ""),
                    "mandate": mandate,
                    "district": district,
                    "role": role,
                    "email": email,
                    "phone": row.get("phone", ""),
                    "reception_hours": row.get("reception", ""),
                },
            )
        )
    if report.errors:
        return report
    with transaction.atomic():
        for code, name, values in parsed:
            deputy = known.get((code, name))
            if deputy is None:
                district = values["district"]
                Deputy.objects.create(
                    maslikhat=maslikhats[code],
                    full_name=name,
                    is_demo=demo,
                    convocation=district.convocation
                    if district
                    else convocations.get_or_create(code, convocations.key(code, convocation)),
                    **values,
                )
                report.created += 1
            elif any(getattr(deputy, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(deputy, key, value)
                deputy.save()
                report.updated += 1
            else:
                report.unchanged += 1
        if dry_run:
            transaction.set_rollback(True)
    return report


def deputies_import(path: Path, **kwargs) -> ImportReport:
    rows, errors = read_csv(path, DEPUTY_COLUMNS)
    if errors:
        return ImportReport(errors=errors)
    return deputies_import_rows(rows, **kwargs)


def read_csv_text(text: str, columns: list[str]) -> tuple[list[tuple[int, dict]], list[str]]:
    """Like read_csv, for an uploaded file's text."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        return [], [_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}]
    try:
        return [
            (n, {k: read_cell((v or "").strip()) for k, v in row.items() if k}) for n, row in enumerate(reader, start=2)
        ], []
    except csv.Error as error:
        return [], [_("The file is not valid CSV: %(error)s") % {"error": error}]


# ------------------------------------------------------------------------------
# Exports: the same CSV formats, and Popolo JSON
# ------------------------------------------------------------------------------
def districts_export(maslikhats=None) -> str:
    from deputies.models import AddressCoverage

    rows = AddressCoverage.objects.select_related("district__maslikhat").order_by(
        "district__maslikhat__code", "district__number", "settlement", "street", "houses"
    )
    if maslikhats is not None:
        rows = rows.filter(district__maslikhat__in=maslikhats)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(DISTRICT_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        writer.writerow([row.district.maslikhat.code, row.district.number, row.settlement, row.street, row.houses])
    return out.getvalue()


def deputies_export(maslikhats=None) -> str:
    from deputies.models import Deputy

    deputies = (
        Deputy.objects.filter(status=Deputy.Status.ACTIVE)
        .select_related("maslikhat", "district")
        .order_by("maslikhat__code", "mandate", "district__number", "full_name")
    )
    if maslikhats is not None:
        deputies = deputies.filter(maslikhat__in=maslikhats)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(DEPUTY_COLUMNS)
    for d in deputies:
        writer.writerow(
            [
                d.maslikhat.code,
                d.full_name,
                d.party,
                d.mandate,
                d.district.number if d.district else "",
                d.role,
                d.email,
                d.phone,
                d.reception_hours,
            ]
        )
    return out.getvalue()


def popolo_export(maslikhats=None) -> dict:
    """Deputies and memberships as Popolo JSON (https://www.popoloproject.com/): persons, organizations
    (maslikhats, parties, standing commissions), posts (single-mandate seats), areas and memberships."""
    from deputies.models import CommissionMembership, Deputy, ElectoralDistrict, StandingCommission

    deputies = Deputy.objects.select_related("maslikhat", "district", "convocation").order_by("pk")
    councils = Maslikhat.objects.order_by("code")
    districts = ElectoralDistrict.objects.select_related("maslikhat").order_by("maslikhat__code", "number")
    commissions = StandingCommission.objects.select_related("maslikhat").order_by("pk")
    memberships = CommissionMembership.objects.select_related("commission", "deputy").order_by("pk")
    if maslikhats is not None:
        deputies, councils = deputies.filter(maslikhat__in=maslikhats), councils.filter(pk__in=maslikhats)
        districts, commissions = (
            districts.filter(maslikhat__in=maslikhats),
            commissions.filter(maslikhat__in=maslikhats),
        )
        memberships = memberships.filter(commission__maslikhat__in=maslikhats)
    deputies = list(deputies)

    def names(obj) -> list[dict]:
        return [
            {"lang": lang, "name": getattr(obj, f"name_{lang}")}
            for lang in ("kk", "ru", "en")
            if getattr(obj, f"name_{lang}")
        ]

    organizations = [
        {
            "id": f"maslikhat/{m.code}",
            "name": m.name_en or m.name_ru,
            "other_names": names(m),
            "classification": "legislature",
            "identifiers": [{"scheme": "dauys", "identifier": m.code}],
        }
        for m in councils
    ]
    parties = sorted({d.party for d in deputies if d.party})
    organizations += [{"id": f"party/{slugify(p) or p}", "name": p, "classification": "party"} for p in parties]
    organizations += [
        {
            "id": f"commission/{c.pk}",
            "name": c.name_en or c.name_ru,
            "other_names": names(c),
            "classification": "committee",
            "parent_id": f"maslikhat/{c.maslikhat.code}",
        }
        for c in commissions
    ]
    areas = [
        {
            "id": f"district/{d.pk}",
            "name": d.name or f"№ {d.number}",
            "identifier": f"{d.maslikhat.code}/{d.number}",
            "classification": "electoral district",
        }
        for d in districts
    ]
    posts = [
        {
            "id": f"seat/{d.pk}",
            "label": d.name or f"№ {d.number}",
            "organization_id": f"maslikhat/{d.maslikhat.code}",
            "area_id": f"district/{d.pk}",
            "role": "Deputy",
        }
        for d in districts
    ]
    persons, member_rows = [], []
    for d in deputies:
        person = {"id": f"person/{d.pk}", "name": d.full_name}
        if d.email:
            person["email"] = d.email
        if d.phone:
            person["contact_details"] = [{"type": "voice", "value": d.phone}]
        persons.append(person)
        membership = {
            "id": f"membership/{d.pk}",
            "person_id": person["id"],
            "organization_id": f"maslikhat/{d.maslikhat.code}",
            "role": d.role,
            "label": d.mandate,
        }
        if d.party:
            membership["on_behalf_of_id"] = f"party/{slugify(d.party) or d.party}"
        if d.district_id:
            membership["post_id"] = f"seat/{d.district_id}"
            membership["area_id"] = f"district/{d.district_id}"
        if d.elected_on:
            membership["start_date"] = d.elected_on.isoformat()
        if d.status != Deputy.Status.ACTIVE and d.status_changed_on:
            membership["end_date"] = d.status_changed_on.isoformat()
            membership["end_reason"] = d.status
        member_rows.append(membership)
    member_rows += [
        {
            "id": f"commission-membership/{m.pk}",
            "person_id": f"person/{m.deputy_id}",
            "organization_id": f"commission/{m.commission_id}",
            "role": "chair" if m.is_chair else "member",
        }
        for m in memberships
    ]
    return {
        "persons": persons,
        "organizations": organizations,
        "memberships": member_rows,
        "posts": posts,
        "areas": areas,
        # Other apps' sections (the sessions app: events, motions, vote_events, votes).
        **export_sections("popolo", maslikhats),
    }
