"""Petitions' figure on the maslikhat scorecard (portal.scorecards), registered in PetitionsConfig.ready()."""

from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models import Petition
from portal.scorecards import Metric, MetricValue, register_metric


def answered_on_time(maslikhats) -> dict:
    """Share of the petitions whose answer fell due (or came) that were answered by the due date. One query."""
    today = timezone.localdate()
    rows = (
        Petition.objects.filter(maslikhat__in=[m.pk for m in maslikhats], answer_due__isnull=False)
        .filter(Q(answered_at__isnull=False) | Q(answer_due__lt=today))
        .values("maslikhat_id")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(answered_at__date__lte=F("answer_due"))))
        .order_by()
    )
    figures = {row["maslikhat_id"]: row for row in rows}
    result = {}
    for m in maslikhats:
        row = figures.get(m.pk, {"due": 0, "on_time": 0})
        value = round(row["on_time"] / row["due"], 4) if row["due"] else None
        result[m.pk] = MetricValue(value, row["on_time"], row["due"])
    return result


def register_metrics() -> None:
    register_metric(
        Metric(
            key="petitions_answered_on_time",
            label=_("Petitions answered on time"),
            method=_("Petitions answered by their answer date, out of those answered or whose answer date has passed."),
            compute=answered_on_time,
            url=lambda m: reverse("petitions:list") + "?" + urlencode({"maslikhat": m.code, "status": "answered"}),
            rate=True,
            order=80,
        )
    )
