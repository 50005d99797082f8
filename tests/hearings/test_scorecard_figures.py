"""Both hearings figures of a scorecard table come from one query (the scorecard page's budget is 10
queries, and each registered metric used to ask again), and a new table asks afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deputies.models import Maslikhat
from portal.scorecards import metrics
from tests.hearings.factories import make_hearing

pytestmark = pytest.mark.django_db


def test_held_and_overdue_share_one_query_per_table(almaty, staff):
    make_hearing(staff, almaty)
    hearing_metrics = [m for m in metrics() if m.key in {"hearings_held", "minutes_overdue"}]
    assert len(hearing_metrics) == 2
    table = list(Maslikhat.objects.filter(pk=almaty.pk))
    with CaptureQueriesContext(connection) as queries:
        values = [metric.compute(table) for metric in hearing_metrics]
    assert len(queries) == 1
    assert [v[almaty.pk].value for v in values] == [0, 0]  # scheduled a month ahead: neither yet
    with CaptureQueriesContext(connection) as queries:
        hearing_metrics[0].compute(list(Maslikhat.objects.filter(pk=almaty.pk)))
    assert len(queries) == 2  # the maslikhats, then the figures: nothing kept beyond its objects
