"""Counts are right under `make run` (issue 19, bug 1): without Redis no beat runs, and the debounced
nudge dropped the last of quick signatures; the in-process beat tallies within seconds."""

import time

import pytest

from petitions import signing
from petitions.models import Petition
from portal.scheduler import InProcessBeat, wait_until
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_petition(make_petition, districts):
    return make_petition(Petition.Status.OPEN)


def test_sign_withdraw_and_sign_again_quickly_is_counted_within_seconds(open_petition, settings):
    settings.PETITIONS_TALLY_NUDGE = True
    signer, second, third = (UserFactory(is_citizen=True, address="Алматы, Абая 1") for _ in range(3))
    beat = InProcessBeat(
        tick_seconds=0.2,
        cap_seconds=1.0,
        beat_schedule={"petitions-tally": {"task": "petitions.tasks.petition_tally_task", "schedule": 10.0}},
    )
    # All within the nudge's debounce window: only the first nudge tallies, the rest are left to the
    # beat. The beat starts afterwards: an in-memory SQLite database (make test-fast) refuses a write
    # while another thread's transaction holds the table ("database table is locked").
    signing.petition_sign(petition=open_petition, user=signer)
    assert signing.petition_unsign(petition=open_petition, user=signer)
    signing.petition_sign(petition=open_petition, user=signer)
    signing.petition_sign(petition=open_petition, user=second)
    signing.petition_sign(petition=open_petition, user=third)
    assert signing.petition_unsign(petition=open_petition, user=third)
    signing.petition_sign(petition=open_petition, user=third)
    open_petition.refresh_from_db()
    assert open_petition.signature_count < 3  # the nudges alone left some uncounted
    beat.start()
    try:
        started = time.monotonic()

        def counted():
            open_petition.refresh_from_db()
            return open_petition.signature_count == 3

        assert wait_until(counted, timeout=8), open_petition.signature_count
        assert time.monotonic() - started < 8
    finally:
        beat.stop()
    assert beat.runs["petitions-tally"] >= 1
