"""The maslikhat scorecard and the comparison table. Figures come from portal.scorecards, where this
app and others (hearings, petitions) register them; this module registers the session figures and
builds the table."""

import io
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deputies.models import Maslikhat
from portal.csv_export import csv_writer
from portal.scorecards import Metric, MetricValue, metrics, register_metric
from sittings import selectors


class _Maslikhats(list):
    """The maslikhats of one table, with a memo so that metrics drawing on the same figures (three on
    session figures, two on decision figures) share one query each."""

    def __init__(self, items):
        super().__init__(items)
        self.memo: dict = {}


def _figures(maslikhats, name: str, compute) -> dict:
    memo = getattr(maslikhats, "memo", None)
    if memo is None:
        return compute([m.pk for m in maslikhats])
    if name not in memo:
        memo[name] = compute([m.pk for m in maslikhats])
    return memo[name]


def _rate(numerator: int, denominator: int) -> MetricValue:
    return MetricValue(round(numerator / denominator, 4) if denominator else None, numerator, denominator)


def _sessions_held(maslikhats):
    figures = _figures(maslikhats, "sessions", selectors.session_figures)
    return {m.pk: MetricValue(figures.get(m.pk, {}).get("held", 0)) for m in maslikhats}


def _sessions_broadcast(maslikhats):
    figures = _figures(maslikhats, "sessions", selectors.session_figures)
    return {
        m.pk: _rate(figures.get(m.pk, {}).get("broadcast", 0), figures.get(m.pk, {}).get("held", 0)) for m in maslikhats
    }


def _attendance(maslikhats):
    figures = _figures(maslikhats, "sessions", selectors.session_figures)
    return {
        m.pk: _rate(figures.get(m.pk, {}).get("present", 0), figures.get(m.pk, {}).get("rows", 0)) for m in maslikhats
    }


def _unanimous(maslikhats):
    figures = _figures(maslikhats, "decisions", selectors.decision_figures)
    return {
        m.pk: _rate(figures.get(m.pk, {}).get("unanimous", 0), figures.get(m.pk, {}).get("counted", 0))
        for m in maslikhats
    }


def _budgets_unopposed(maslikhats):
    figures = _figures(maslikhats, "decisions", selectors.decision_figures)
    result = {}
    for m in maslikhats:
        row = figures.get(m.pk, {})
        budgets = row.get("budgets", 0)
        result[m.pk] = _rate(budgets - row.get("budgets_opposed", 0), budgets)
    return result


def _sessions_url(maslikhat, **params) -> str:
    return reverse("sittings:list") + "?" + urlencode({"maslikhat": maslikhat.code, "status": "held", **params})


def _decisions_url(maslikhat, **params) -> str:
    return reverse("sittings:decisions") + "?" + urlencode({"maslikhat": maslikhat.code, "current": "1", **params})


def register_metrics() -> None:
    register_metric(
        Metric(
            key="sessions_held",
            label=_("Sessions held"),
            method=_(
                "Regular and extraordinary sessions marked as held in the current convocation (commission "
                "meetings are not counted)."
            ),
            compute=_sessions_held,
            url=_sessions_url,
            order=10,
            higher_is_better=None,
        )
    )
    register_metric(
        Metric(
            key="sessions_broadcast",
            label=_("Sessions broadcast or recorded"),
            method=_("Share of the sessions held that have an online broadcast link or a video recording."),
            compute=_sessions_broadcast,
            url=lambda m: _sessions_url(m, broadcast="yes"),
            rate=True,
            order=20,
        )
    )
    register_metric(
        Metric(
            key="attendance",
            label=_("Average attendance"),
            method=_(
                "Deputies recorded as present out of all attendance records of the sessions held (a deputy "
                "absent for a stated reason counts as absent)."
            ),
            compute=_attendance,
            url=_sessions_url,
            rate=True,
            order=30,
        )
    )
    register_metric(
        Metric(
            key="unanimous_decisions",
            label=_("Decisions adopted unanimously"),
            method=_(
                "Share of the published decisions with vote totals that were adopted with no vote against "
                "and no abstention."
            ),
            compute=_unanimous,
            url=lambda m: _decisions_url(m, unanimous="yes"),
            rate=True,
            order=40,
            higher_is_better=None,
        )
    )
    register_metric(
        Metric(
            key="budgets_unopposed",
            label=_("Budget decisions with no vote against"),
            method=_(
                "Share of the budget and budget-amendment decisions with vote totals that no deputy voted against."
            ),
            compute=_budgets_unopposed,
            url=lambda m: _decisions_url(m, kind="budget"),
            rate=True,
            order=50,
            higher_is_better=None,
        )
    )


@dataclass
class Cell:
    metric: Metric
    value: MetricValue
    url: str

    @property
    def sort_value(self):
        return self.value.value

    @property
    def display(self) -> str:
        value = self.value.value
        if value is None:
            return str(self.value.note) if self.value.note else "—"
        return f"{round(value * 100)}%" if self.metric.rate else str(value)


@dataclass
class Row:
    maslikhat: Maslikhat
    cells: list


def scorecard_table(maslikhats=None, *, sort: str = "", descending: bool = True) -> tuple[list[Metric], list[Row]]:
    """Every registered figure for each maslikhat; a constant number of queries per figure."""
    maslikhats = _Maslikhats(maslikhats if maslikhats is not None else Maslikhat.objects.order_by("level", "code"))
    columns = metrics()
    values = {metric.key: metric.compute(maslikhats) for metric in columns}
    rows = [
        Row(
            maslikhat=m,
            cells=[
                Cell(metric, values[metric.key].get(m.pk, MetricValue(None)), metric.url(m) if metric.url else "")
                for metric in columns
            ],
        )
        for m in maslikhats
    ]
    keys = [metric.key for metric in columns]
    if sort in keys:
        index = keys.index(sort)
        present = [r for r in rows if r.cells[index].sort_value is not None]
        missing = [r for r in rows if r.cells[index].sort_value is None]
        present.sort(key=lambda r: (r.cells[index].sort_value, r.maslikhat.code), reverse=descending)
        rows = present + missing  # rows without a figure last, whatever the direction
    return columns, rows


def table_json(columns, rows) -> dict:
    return {
        "metrics": [
            {
                "key": m.key,
                "label": str(m.label),
                "method": str(m.method),
                "method_url": str(m.method_url) if m.method_url else None,
                "rate": m.rate,
            }
            for m in columns
        ],
        "maslikhats": [
            {
                "code": row.maslikhat.code,
                "name": row.maslikhat.name,
                "level": row.maslikhat.level,
                "figures": {
                    cell.metric.key: {
                        "value": cell.value.value,
                        "numerator": cell.value.numerator,
                        "denominator": cell.value.denominator,
                        "note": str(cell.value.note) or None,
                        "url": cell.url,
                    }
                    for cell in row.cells
                },
            }
            for row in rows
        ],
    }


def table_csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")  # formula cells neutralised
    writer.writerow(["code", "name", *[m.key for m in columns]])
    for row in rows:
        writer.writerow(
            [
                row.maslikhat.code,
                row.maslikhat.name,
                *["" if c.value.value is None else c.value.value for c in row.cells],
            ]
        )
    return out.getvalue()
