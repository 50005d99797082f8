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


def test_demo_signers_live_in_several_districts_so_the_map_shows_shades():
    """The petition page's map of signatures by district (issue 19): demo signatures spread over
    Almaty's demo districts, each in the district its signer's address lies in."""
    from deputies.demo import seed_deputies
    from deputies.selectors import address_lookup

    seed_deputies()
    seed_petitions()
    trees = Petition.objects.get(is_demo=True, title__startswith="Озеленить")
    counts = dict(trees.district_counts.values_list("district__number", "signatures"))
    assert counts == {1: 60, 2: 45, 3: 30, 4: 15}
    for signature in trees.signatures.select_related("district")[:10]:
        (match,) = address_lookup(signature.address).matches
        assert [d.pk for d in match.districts if d.maslikhat_id == trees.maslikhat_id] == [signature.district_id]
