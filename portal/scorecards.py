"""Figures on the maslikhat scorecard and the comparison table, contributed by the apps that own
them (sessions, hearings, petitions, messages) in AppConfig.ready(), so that no app imports another.

A metric computes its figure for many maslikhats at once (a constant number of queries, however
many maslikhats the table shows) and names the page listing the rows behind each figure."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricValue:
    value: float | int | None  # None: nothing to count yet
    numerator: int | None = None  # for a rate: the rows counted ...
    denominator: int | None = None  # ... out of these
    # Why there is no figure when there are rows (lazily translated, e.g. "not enough letters" under a
    # minimum sample), shown instead of the dash; empty when there is simply nothing to count.
    note: str = ""


@dataclass(frozen=True)
class Metric:
    key: str  # "sessions_held"; a column of the CSV and a key of the JSON
    label: str  # lazily translated column heading
    method: str  # lazily translated: how the figure is counted, shown on the page
    compute: Callable  # (maslikhats: list) -> {maslikhat.pk: MetricValue}
    url: Callable | None = None  # (maslikhat) -> the page listing the rows behind the figure
    method_url: str | None = None  # a page explaining the method in full (a lazy URL), linked from the method
    rate: bool = False  # a share 0..1 (shown as a percentage)
    order: int = 100
    # True when a higher figure is better (for the sort order shown first); None when neutral.
    higher_is_better: bool | None = True


_METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> None:
    _METRICS[metric.key] = metric


def metrics() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda m: (m.order, m.key))


def get_metric(key: str) -> Metric | None:
    return _METRICS.get(key)
