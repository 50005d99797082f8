"""Hearings' figures on the maslikhat scorecard (portal.scorecards), registered in HearingsConfig.ready()."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearings.models import Hearing
from portal.scorecards import Metric, MetricValue, register_metric


def hearing_figures(maslikhats) -> dict:
    """Per maslikhat: hearings held (not cancelled, ended) and minutes overdue. One query."""
    today, now = timezone.localdate(), timezone.now()
    active = ~Q(status=Hearing.Status.CANCELLED)
    rows = (
        Hearing.objects.filter(maslikhat__in=[m.pk for m in maslikhats])
        .values("maslikhat_id")
        .annotate(
            held=Count("pk", filter=active & (Q(status=Hearing.Status.HELD) | Q(ends_at__lt=now))),
            overdue=Count("pk", filter=active & Q(minutes_published_at__isnull=True, minutes_due_on__lt=today)),
        )
        .order_by()
    )
    return {row["maslikhat_id"]: row for row in rows}


_KEPT = "_hearing_figures"


def _figures_of(maslikhats) -> dict:
    """hearing_figures, once for both metrics of one table: kept on the maslikhats the table passes
    to each metric (the same objects, for the length of one page)."""
    if not all(_KEPT in m.__dict__ for m in maslikhats):
        figures = hearing_figures(maslikhats)
        for m in maslikhats:
            m.__dict__[_KEPT] = figures.get(m.pk, {})
    return {m.pk: m.__dict__[_KEPT] for m in maslikhats}


def _figure(name):
    def compute(maslikhats):
        figures = _figures_of(maslikhats)
        return {m.pk: MetricValue(figures[m.pk].get(name, 0)) for m in maslikhats}

    return compute


def register_metrics() -> None:
    register_metric(
        Metric(
            key="hearings_held",
            label=_("Public hearings held"),
            method=_("Public hearings that took place (not cancelled), since the maslikhat joined Dauys."),
            compute=_figure("held"),
            url=lambda m: reverse("hearings:list") + "?" + urlencode({"maslikhat": m.code, "past": "1"}),
            order=60,
        )
    )
    register_metric(
        Metric(
            key="minutes_overdue",
            label=_("Hearing minutes overdue"),
            method=_("Hearings whose minutes were not published by the deadline in the hearing rules."),
            compute=_figure("overdue"),
            url=lambda m: m.get_absolute_url() + "#hearings-record-maslikhat",
            order=70,
            higher_is_better=False,
        )
    )
