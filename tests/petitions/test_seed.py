import pytest

from petitions.demo import seed_petitions
from petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_idempotent_and_covers_the_stages():
    seed_petitions()
    seed_petitions()
    demo = Petition.objects.filter(is_demo=True)
    assert demo.count() == 5
    assert set(demo.values_list("status", flat=True)) == {"open", "in_moderation", "awaiting_answer", "answered"}
    trees = demo.get(title__startswith="Озеленить")
    assert (trees.signature_count, trees.resident_signature_count, trees.maslikhat.code) == (150, 150, "kz-75")
    assert trees.district_counts.get().signatures == 150


def test_demo_petitions_past_the_threshold_show_counts_that_reached_it():
    """Issue 19, bug 12: "60 of 46000" beside "threshold reached" in the history; and one petition
    awaits an answer so that flow can be tried."""
    seed_petitions()
    for petition in Petition.objects.filter(is_demo=True, status__in=["awaiting_answer", "answered"]):
        assert petition.threshold_reached_at is not None
        assert petition.resident_signature_count >= petition.threshold, petition.title
    awaiting = Petition.objects.get(is_demo=True, status="awaiting_answer")
    assert awaiting.answer_due is not None and awaiting.answered_at is None
