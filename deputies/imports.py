"""CSV imports of reference data: all-or-nothing per file, with an error per bad row."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from deputies.admin_map import maslikhat_names
from deputies.models import AdministrativeUnit, Maslikhat

UNIT_COLUMNS = ["code", "kind", "parent", "name_kk", "name_ru", "name_en"]
TIER2_KINDS = {"district", "city_oblast"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv(path: Path, columns: list[str]) -> tuple[list[tuple[int, dict]], list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            return [], [_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}]
        return [(number, {k: (v or "").strip() for k, v in row.items() if k}) for number, row in enumerate(reader, start=2)], []


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
        problems.extend(_("%(column)s is empty") % {"column": c} for c in ("name_kk", "name_ru", "name_en") if not row[c])
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
                    "electoral_system": Maslikhat.ElectoralSystem.SMD,
                    **maslikhat_names(unit.kind, {"kk": unit.name_kk, "ru": unit.name_ru, "en": unit.name_en}),
                },
            )
        if dry_run:
            transaction.set_rollback(True)
    return report
