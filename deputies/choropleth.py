"""Choropleth maps of electoral districts: a count per district drawn on the districts' boundaries.

Server-rendered SVG (`templates/deputies/_choropleth.html`): no JavaScript, prints, and a table of
the same numbers beside it for screen readers. Counts fall into at most five classes of equal width
from 1 to the largest count, plus a class for none; the colours are ColorBrewer's GnBu sequence
(colour-blind safe, distinct in greyscale; static/css/deputies.css `.choropleth-N`), and every class
is named with its range in the legend. Apps on higher floors (petitions) pass their counts in."""

import math
from dataclasses import dataclass

from deputies.geo import districts_svg

CLASSES = 5
DARK_CLASSES = {5}  # fills dark enough that a label reads in white


@dataclass(frozen=True)
class LegendClass:
    css: int  # the class number: choropleth-0 ... choropleth-5
    low: int
    high: int


def legend_for(top: int) -> list[LegendClass]:
    """Class 0 for none, then equal steps from 1 to `top` (fewer classes when top is small)."""
    if top <= 0:
        return [LegendClass(0, 0, 0)]
    step = math.ceil(top / CLASSES)
    return [
        LegendClass(0, 0, 0),
        *(LegendClass(i, (i - 1) * step + 1, min(i * step, top)) for i in range(1, math.ceil(top / step) + 1)),
    ]


def class_of(value: int, legend: list[LegendClass]) -> int:
    for entry in legend:
        if entry.low <= value <= entry.high:
            return entry.css
    return legend[-1].css


def district_choropleth(counts: list[tuple[object, int]], width: int = 640) -> dict | None:
    """counts: [(district, count)]. The map of those with a boundary, its legend and the districts
    that have none (they stay in the table only); None when no district has a usable boundary."""
    drawing = districts_svg([district for district, _count in counts], width=width)
    if drawing is None:
        return None
    legend = legend_for(max((count for _district, count in counts), default=0))
    shapes, missing = [], []
    for district, count in counts:
        shape = drawing["shapes"].get(district.pk)
        if shape is None:
            missing.append(district)
            continue
        css = class_of(count, legend)
        shapes.append({"district": district, "count": count, "css": css, "dark": css in DARK_CLASSES, **shape})
    return {
        "width": drawing["width"],
        "height": drawing["height"],
        "shapes": shapes,
        "legend": legend,
        "missing": missing,
    }
