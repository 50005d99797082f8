"""The maslikhat page within its query budget (<= 10, bench/bench_pages.py's goal) signed in, with a
follow, a deputy, a hearing and a petition on it: the follow button's state and the hearings' counts
ride on the query that loads the maslikhat (portal.panels annotations)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.follows import follow_add
from petitions.models import Petition
from tests.factories import UserFactory
from tests.hearings.factories import make_hearing
from tests.recalls.factories import smd_deputy

pytestmark = pytest.mark.django_db
BUDGET = 10


def test_a_follower_sees_the_maslikhat_page_within_the_budget(client, almaty, staff, make_petition):
    smd_deputy(full_name="Бюджет Депутаты")
    make_hearing(staff, almaty)
    make_petition(Petition.Status.OPEN)
    citizen = UserFactory(is_citizen=True)
    follow_add(user=citizen, obj=almaty)
    client.force_login(citizen)
    client.get(f"/en/maslikhats/{almaty.code}/")  # the first request warms per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/maslikhats/{almaty.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop following" in page
    assert len(queries) <= BUDGET, "\n".join(q["sql"][:160] for q in queries)
    # The follow state is a subquery of the maslikhat's query, not a query of its own.
    assert not [q for q in queries if 'FROM "portal_follow"' in q["sql"] and "deputies_maslikhat" not in q["sql"]]
