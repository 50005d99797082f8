import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from hearings.models import Registration
from hearings.services import registration_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_thirty_people_registering_at_once_for_ten_seats(transactional_db, schedule):
    hearing = schedule(capacity=10)
    users = UserFactory.create_batch(30)
    barrier = threading.Barrier(30, timeout=30)

    def register(user):
        try:
            barrier.wait()
            return registration_create(user=user, hearing=hearing)[1]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(register, users, timeout=120))
    assert outcomes.count("seated") == 10
    assert outcomes.count("waitlisted") == 20
    statuses = list(Registration.objects.filter(hearing=hearing).values_list("status", flat=True))
    assert statuses.count(Registration.Status.SEATED) == 10
    assert statuses.count(Registration.Status.WAITLISTED) == 20
    positions = sorted(Registration.objects.filter(hearing=hearing).values_list("position", flat=True))
    assert positions == list(range(1, 31))
    # Everyone seated arrived before everyone waitlisted.
    last_seated = max(Registration.objects.filter(hearing=hearing, status="seated").values_list("position", flat=True))
    assert last_seated == 10
