"""A surge on PostgreSQL: 200 distinct people sign one petition from parallel threads, many of
them twice. Exactly 200 rows; after one `tally_signatures` the API shows 200 and the per-district
counts sum to 200."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from petitions.models import Petition, Signature

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PEOPLE = 200


def test_two_hundred_parallel_signers_make_exactly_two_hundred_rows(make_petition, districts, settings):
    from tests.factories import UserFactory

    assert connection.vendor == "postgresql"
    settings.PETITIONS_TALLY_NUDGE = False  # the one tally below is the test's
    petition = make_petition(Petition.Status.OPEN)
    people = [
        UserFactory(is_citizen=True, address="Алматы, Абая 1" if i % 2 else "Алматы, Достык 2") for i in range(PEOPLE)
    ]
    attempts = people + people[: PEOPLE // 2]  # half of them press the button twice
    barrier = threading.Barrier(16)
    results = []
    lock = threading.Lock()

    def sign(person):
        try:
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
            client = Client()
            client.force_login(person)
            response = client.post(f"/api/v1/petitions/{petition.pk}/signatures/", {}, content_type="application/json")
            with lock:
                results.append(response.status_code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(sign, attempts))

    assert Signature.objects.filter(petition=petition).count() == PEOPLE
    assert results.count(201) == PEOPLE
    assert results.count(200) == PEOPLE // 2
    assert Petition.objects.get(pk=petition.pk).signature_count == 0  # nothing counted before the tally
    call_command("tally_signatures")
    data = Client().get(f"/api/v1/petitions/{petition.pk}/").json()
    assert data["signature_count"] == PEOPLE
    assert data["resident_signature_count"] == PEOPLE
    assert sum(row["signatures"] for row in data["districts"]) == PEOPLE
    assert {row["district"]["number"]: row["signatures"] for row in data["districts"]} == {
        1: PEOPLE // 2,
        2: PEOPLE // 2,
    }
