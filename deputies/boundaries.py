"""Official district boundaries from GeoJSON (`manage.py import_boundaries FILE.geojson`): one
generation (convocation) of one maslikhat at a time, all or nothing, every problem listed.

Checks: each feature names a district number of that generation; its geometry is a Polygon or
MultiPolygon whose rings are closed (first position repeated last, at least four positions) and do not
cross themselves; it lies inside the maslikhat's territory bounds; two districts overlap by no more than
OVERLAP_TOLERANCE of the smaller one (commissions' maps share edges, digitising leaves slivers)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from deputies.geo import boundaries_changed, geometry_of
from deputies.models import Convocation, ElectoralDistrict, Maslikhat

OVERLAP_TOLERANCE = 0.01  # share of the smaller district's area
# (min_lon, min_lat, max_lon, max_lat), generous boxes round each territory (WGS 84). Kazakhstan's box is
# the bound for every maslikhat not listed; operators add tighter boxes as they load maps.
KAZAKHSTAN_BOUNDS = (46.4, 40.5, 87.4, 55.5)
TERRITORY_BOUNDS = {
    "kz-71": (71.1, 50.9, 71.9, 51.4),  # Astana
    "kz-75": (76.6, 43.0, 77.3, 43.5),  # Almaty
    "kz-79": (69.3, 42.1, 70.0, 42.6),  # Shymkent
}


@dataclass
class BoundaryReport:
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _ring_problems(geometry: dict) -> list[str]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    problems = []
    for polygon in polygons:
        for ring in polygon or [[]]:
            if not isinstance(ring, list) or len(ring) < 4:
                problems.append(_("a ring has fewer than four positions"))
            elif ring[0] != ring[-1]:
                problems.append(_("a ring is not closed (its last position must repeat the first)"))
    return problems


def boundaries_import(
    path: Path, *, maslikhat: str, convocation: int | None = None, dry_run: bool = False
) -> BoundaryReport:
    from shapely.geometry import box, shape

    report = BoundaryReport()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return BoundaryReport(errors=[_("The file is not GeoJSON: %(error)s") % {"error": error}])
    council = Maslikhat.objects.filter(code=maslikhat).first()
    if council is None:
        return BoundaryReport(errors=[_("maslikhat %(code)s is unknown") % {"code": maslikhat}])
    generations = Convocation.objects.filter(maslikhat=council)
    if convocation is not None:
        generation = generations.filter(number=convocation).first()
    else:
        from django.utils import timezone

        generation = generations.in_force(timezone.localdate()).first()
    if generation is None:
        return BoundaryReport(errors=[_("%(code)s has no such convocation recorded") % {"code": maslikhat}])
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not features:
        return BoundaryReport(errors=[_("The file must be a GeoJSON FeatureCollection with one feature per district.")])

    districts = {d.number: d for d in ElectoralDistrict.objects.filter(convocation=generation)}
    bounds = box(*TERRITORY_BOUNDS.get(council.code, KAZAKHSTAN_BOUNDS))
    shapes: dict[int, object] = {}
    raw: dict[int, dict] = {}
    for index, feature in enumerate(features, start=1):
        problems = []
        properties = (feature or {}).get("properties") or {}
        number = properties.get("district", properties.get("number"))
        number = int(number) if str(number or "").isdigit() else None
        if number is None:
            problems.append(_("properties.district must be the district number"))
        elif number not in districts:
            problems.append(
                _("district %(number)s is not in convocation %(convocation)s of %(code)s")
                % {"number": number, "convocation": generation.number, "code": council.code}
            )
        elif number in shapes:
            problems.append(_("district %(number)s appears twice") % {"number": number})
        geometry = geometry_of((feature or {}).get("geometry"))
        if geometry is None:
            problems.append(_("the geometry must be a Polygon or a MultiPolygon"))
        else:
            problems.extend(_ring_problems(geometry))
            if not problems:
                try:
                    geom = shape(geometry)
                except (ValueError, TypeError, AttributeError, IndexError):
                    geom = None
                if geom is None or geom.is_empty or not geom.is_valid:
                    problems.append(_("the rings cross themselves or each other"))
                elif not bounds.covers(geom):
                    problems.append(_("the boundary lies outside the territory of %(code)s") % {"code": council.code})
                else:
                    shapes[number] = geom
                    raw[number] = geometry
        if problems:
            report.errors.append(
                _("Feature %(index)s: %(problems)s.") % {"index": index, "problems": "; ".join(problems)}
            )
    # Overlaps: among the file's districts and with the generation's other stored boundaries.
    from deputies.geo import shape_of

    others = {d.number: shape_of(d.boundary) for d in districts.values() if d.boundary and d.number not in shapes}
    everything = {**{n: g for n, g in others.items() if g is not None}, **shapes}
    numbers = sorted(everything)
    for i, first in enumerate(numbers):
        for second in numbers[i + 1 :]:
            if first not in shapes and second not in shapes:
                continue
            a, b = everything[first], everything[second]
            if not a.intersects(b):
                continue
            shared = a.intersection(b).area
            if shared > OVERLAP_TOLERANCE * min(a.area, b.area):
                report.errors.append(
                    _("Districts %(first)s and %(second)s overlap by %(share)s percent of the smaller one.")
                    % {"first": first, "second": second, "share": round(100 * shared / min(a.area, b.area), 1)}
                )
    if report.errors:
        return report
    with transaction.atomic():
        for number, geometry in sorted(raw.items()):
            district = districts[number]
            if district.boundary == geometry:
                report.unchanged += 1
                continue
            district.boundary = geometry
            district.save(update_fields=["boundary"])
            report.updated += 1
        if dry_run:
            transaction.set_rollback(True)
        elif report.updated:
            transaction.on_commit(boundaries_changed)
    return report
