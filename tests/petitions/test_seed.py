import pytest

from petitions.demo import seed_petitions
from petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_idempotent_and_covers_the_stages():
    seed_petitions()
    seed_petitions()
    demo = Petition.objects.filter(is_demo=True)
    assert demo.count() == 4
    assert set(demo.values_list("status", flat=True)) == {"open", "in_moderation", "answered"}
    trees = demo.get(title__startswith="Озеленить")
    assert (trees.signature_count, trees.resident_signature_count, trees.maslikhat.code) == (150, 150, "kz-75")
    assert trees.district_counts.get().signatures == 150
