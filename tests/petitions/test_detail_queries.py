"""The petition page within its query budget (<= 10, bench/bench_pages.py's goal) for a signed-in
citizen who has signed, on a petition with districts, supporters and history: the route box asks for
the route several times but reads it once, and the delivery comes with the petition."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import Petition
from petitions.tally import petitions_tally
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BUDGET = 10


def test_a_signed_in_signer_sees_the_petition_page_within_the_budget(client, make_petition, districts):
    petition = make_petition(Petition.Status.OPEN)
    for n in range(3):
        client.force_login(UserFactory(is_citizen=True, address=f"Алматы, Абая {n + 1}"))
        signed = client.post(f"/api/v1/petitions/{petition.pk}/signatures/", {}, content_type="application/json")
        assert signed.status_code == 201
    petitions_tally()
    client.get(f"/ru/petitions/{petition.pk}/")  # the first request warms per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ru/petitions/{petition.pk}/")
    assert response.status_code == 200
    assert 'max="46000" value="3"' in response.content.decode()
    assert len(queries) <= BUDGET, "\n".join(q["sql"][:160] for q in queries)
    routes = [q for q in queries if q["sql"].count('FROM "petitions_petitionroute"')]
    assert len(routes) <= 1
