"""Letters' figure on the maslikhat scorecard (portal.scorecards), registered in LettersConfig.ready():
the deputies' reply rate to residents' messages, over the rules' period, by the method of the
letters method page."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from letters.selectors import maslikhat_responsiveness
from portal.scorecards import Metric, MetricValue, register_metric

TOO_FEW = _("not enough letters")


def reply_rate(maslikhats) -> dict:
    """One query for all the maslikhats of the table (rules and counts together)."""
    figures = maslikhat_responsiveness([m.pk for m in maslikhats])
    result = {}
    for m in maslikhats:
        row = figures.get(m.pk)
        if row is None:  # no letter rules in force: nothing is counted
            result[m.pk] = MetricValue(None)
        else:
            # Under the minimum the rate is withheld (as for a deputy), which is not the same as no
            # message at all (the dash).
            too_few = TOO_FEW if row.messages and not row.shown else ""
            result[m.pk] = MetricValue(row.reply_rate, row.replied, row.messages, note=too_few)
    return result


def register_metrics() -> None:
    register_metric(
        Metric(
            key="deputies_reply_rate",
            label=_("Deputies' reply rate to residents"),
            method=_(
                "Messages from residents delivered to the maslikhat's deputies through Dauys within the period of "
                "the letter rules and whose reply term has ended, and the share of them the deputy replied to (in "
                "Dauys, or by phone, letter or in person as the resident told us). Below the rules' minimum number "
                "of messages no rate is shown."
            ),
            compute=reply_rate,
            # The maslikhat page's table of its deputies by reply rate: the rows behind the figure.
            url=lambda m: m.get_absolute_url() + "#letters-table",
            method_url=reverse_lazy("letters:method"),
            rate=True,
            order=90,
        )
    )
