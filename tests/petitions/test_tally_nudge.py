"""The nudge leaves no signature of a burst behind (bench: the lag after a burst was the beat's 10 s).
The first signer of a window queues a tally that starts when the window ends; a signer who finds the
window open is counted by that tally, with no beat running and nobody signing after them."""

import time

import pytest
from django.core.cache import cache

from petitions import signing
from petitions.models import Petition
from petitions.watch import TALLY_NUDGE_KEY
from portal.scheduler import wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nudging(settings, monkeypatch):
    settings.PETITIONS_TALLY_NUDGE = True
    monkeypatch.setattr(signing, "_covered_until", float("-inf"))
    cache.delete(TALLY_NUDGE_KEY)
    yield
    cache.delete(TALLY_NUDGE_KEY)


def test_the_last_signer_of_a_burst_is_counted_by_the_tally_already_queued(
    celery_worker, nudging, make_petition, districts
):
    petition = make_petition(Petition.Status.OPEN)
    first, last = (UserFactory(is_citizen=True, address="Алматы, Абая 1") for _ in range(2))
    signing.petition_sign(petition=petition, user=first)
    queued_at = time.monotonic()
    # After the moment a tally queued one second ahead would have run, still inside the window.
    time.sleep(1.3)
    signing.petition_sign(petition=petition, user=last)
    assert cache.get(TALLY_NUDGE_KEY) is not None  # the window is open: this signer queued nothing

    def counted():
        petition.refresh_from_db()
        return petition.signature_count == 2

    assert wait_until(counted, timeout=signing.TALLY_NUDGE_SECONDS + 4), petition.signature_count
    assert time.monotonic() - queued_at < signing.TALLY_NUDGE_SECONDS + 4


def test_a_signer_after_the_window_queues_the_next_tally(celery_worker, nudging, make_petition, districts):
    petition = make_petition(Petition.Status.OPEN)
    first, later = (UserFactory(is_citizen=True, address="Алматы, Абая 1") for _ in range(2))
    signing.petition_sign(petition=petition, user=first)

    def count_is(n):
        def check():
            petition.refresh_from_db()
            return petition.signature_count == n

        return check

    assert wait_until(count_is(1), timeout=signing.TALLY_NUDGE_SECONDS + 4)
    assert cache.get(TALLY_NUDGE_KEY) is None  # gone before its tally started
    signing.petition_sign(petition=petition, user=later)
    assert cache.get(TALLY_NUDGE_KEY) is not None
    assert wait_until(count_is(2), timeout=signing.TALLY_NUDGE_SECONDS + 4)
