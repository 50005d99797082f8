"""District boundaries: point lookup and the SVG drawing of a district, or of several on one map.

The point index (shapely prepared geometries in an STRtree) is built once per process and rebuilt
when the boundary version in the shared cache changes; services that write boundaries call
`boundaries_changed()`, so every web and worker process sees new maps without a restart."""

import logging
import math
import threading
import uuid

from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_KEY = "deputies:boundaries:version"
_lock = threading.Lock()
_index: dict = {"version": None, "tree": None, "ids": [], "prepared": []}


def boundaries_changed() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return version


def geometry_of(boundary) -> dict | None:
    """A GeoJSON geometry from a geometry, a Feature or a FeatureCollection (first feature)."""
    if not isinstance(boundary, dict):
        return None
    kind = boundary.get("type")
    if kind == "Feature":
        return geometry_of(boundary.get("geometry"))
    if kind == "FeatureCollection":
        features = boundary.get("features") or []
        return geometry_of(features[0]) if features else None
    if kind in {"Polygon", "MultiPolygon"}:
        return boundary
    return None


def shape_of(boundary):
    from shapely.geometry import shape

    geometry = geometry_of(boundary)
    if geometry is None:
        return None
    try:
        geom = shape(geometry)
        if not geom.is_valid:
            geom = geom.buffer(0)
        return None if geom.is_empty else geom
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None


def validate_boundary(boundary) -> str:
    """An error message for a boundary we cannot use, '' when it is fine."""
    from django.utils.translation import gettext as _

    if boundary in (None, ""):
        return ""
    if shape_of(boundary) is None:
        return _("The boundary must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one).")
    return ""


def _build():
    from shapely import STRtree
    from shapely.prepared import prep

    from deputies.models import ElectoralDistrict

    ids, geoms = [], []
    for pk, boundary in (
        ElectoralDistrict.objects.exclude(boundary__isnull=True).values_list("pk", "boundary").iterator()
    ):
        geom = shape_of(boundary)
        if geom is None:
            logger.warning("district %s has an unusable boundary", pk)
            continue
        ids.append(pk)
        geoms.append(geom)
    return {"tree": STRtree(geoms) if geoms else None, "ids": ids, "prepared": [prep(g) for g in geoms]}


def districts_at(lat: float, lon: float) -> list[int]:
    """Ids of the districts whose boundary holds the point."""
    from shapely.geometry import Point

    version = _version()
    index = _index
    if index["version"] != version:
        with _lock:
            if _index["version"] != version:
                _index.update(_build(), version=version)
        index = _index
    if index["tree"] is None:
        return []
    point = Point(lon, lat)  # GeoJSON order: longitude, latitude
    return [index["ids"][i] for i in index["tree"].query(point) if index["prepared"][i].covers(point)]


class _Projection:
    """Equirectangular, with longitudes shrunk by cos(latitude) so shapes keep their proportions at
    that latitude; y grows downwards, as in SVG."""

    def __init__(self, bounds, width: int, height: int, pad: int):
        min_lon, min_lat, max_lon, max_lat = bounds
        self.min_lon, self.max_lat = min_lon, max_lat
        self.scale_x = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x, span_y = max((max_lon - min_lon) * self.scale_x, 1e-9), max(max_lat - min_lat, 1e-9)
        self.scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
        self.off_x = (width - span_x * self.scale) / 2
        self.off_y = (height - span_y * self.scale) / 2

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(self.off_x + (lon - self.min_lon) * self.scale_x * self.scale, 1),
            round(self.off_y + (self.max_lat - lat) * self.scale, 1),
        )

    def path(self, geom) -> str:
        def ring(coords) -> str:
            return "M" + " L".join("{:.1f},{:.1f}".format(*self.point(lon, lat)) for lon, lat, *_z in coords) + " Z"

        polygons = list(getattr(geom, "geoms", [geom]))
        return " ".join(ring(p.exterior.coords) + "".join(" " + ring(i.coords) for i in p.interiors) for p in polygons)


def boundary_svg(boundary, width: int = 320, height: int = 240, pad: int = 8) -> dict | None:
    """Path data for an inline SVG of the boundary, in an equirectangular projection that keeps the
    district's proportions at its latitude. None when there is no usable boundary."""
    geom = shape_of(boundary)
    if geom is None:
        return None
    projection = _Projection(geom.bounds, width, height, pad)
    centroid = geom.representative_point()
    return {
        "width": width,
        "height": height,
        "d": projection.path(geom),
        "centre": (round(centroid.y, 5), round(centroid.x, 5)),
    }


def districts_svg(districts, width: int = 640, max_height: int = 520, pad: int = 8) -> dict | None:
    """Several districts on one map, in one projection: {"width", "height", "shapes": {district pk:
    {"d": path data, "x", "y": where its label goes}}}, for the districts with a usable boundary;
    None when none has one. The drawing is cached per boundary version (boundaries_changed()), so
    a page shows it without parsing every boundary on every request."""
    import hashlib

    districts = [d for d in districts if d.boundary]
    if not districts:
        return None
    digest = hashlib.sha256(",".join(str(d.pk) for d in sorted(districts, key=lambda d: d.pk)).encode()).hexdigest()
    key = f"deputies:districts-svg:{_version()}:{width}:{max_height}:{digest[:32]}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = _draw_districts(districts, width, max_height, pad) or {}
        cache.set(key, drawn, 24 * 3600)
    return drawn or None


def _draw_districts(districts, width: int, max_height: int, pad: int) -> dict | None:
    shapes = {d.pk: geom for d in districts if (geom := shape_of(d.boundary)) is not None}
    if not shapes:
        return None
    min_lon = min(g.bounds[0] for g in shapes.values())
    min_lat = min(g.bounds[1] for g in shapes.values())
    max_lon = max(g.bounds[2] for g in shapes.values())
    max_lat = max(g.bounds[3] for g in shapes.values())
    # The height follows the territory's proportions, within bounds (a tall city is not 2,000 px).
    scale_x = math.cos(math.radians((min_lat + max_lat) / 2))
    ratio = max(max_lat - min_lat, 1e-9) / max((max_lon - min_lon) * scale_x, 1e-9)
    height = int(min(max(ratio * (width - 2 * pad) + 2 * pad, 200), max_height))
    projection = _Projection((min_lon, min_lat, max_lon, max_lat), width, height, pad)
    drawn = {}
    for pk, geom in shapes.items():
        label = geom.representative_point()
        x, y = projection.point(label.x, label.y)
        drawn[pk] = {"d": projection.path(geom), "x": x, "y": y}
    return {"width": width, "height": height, "shapes": drawn}
