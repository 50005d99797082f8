import pytest

from portal.seeding import seeders
from recalls.models import RecallRequest
from recalls.seed import seed_recalls
from tests.recalls.support import ensure_reference_data
from tests.recalls.test_iin import VECTORS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    # a reused test database may have been flushed by a transactional test
    ensure_reference_data()


def test_demo_recall_is_collecting_with_generated_iins_and_is_idempotent(client):
    assert ("recalls", seed_recalls) in seeders()
    message = seed_recalls()
    assert "collecting" in message
    recall = RecallRequest.objects.get(is_demo=True)
    assert recall.status == RecallRequest.Status.COLLECTING
    assert recall.deputy.is_demo and recall.deputy.mandate == "single_mandate"
    assert recall.maslikhat.code == "kz-75"
    assert recall.members.count() == recall.rules.min_group_size
    assert recall.signatures.count() == 5
    used = {s.iin for s in recall.signatures.all()} | {m.iin for m in recall.members.all()}
    assert not used & set(VECTORS)
    assert seed_recalls() == "demo recall already present"
    assert RecallRequest.objects.count() == 1
    page = client.get(recall.get_absolute_url()).content.decode()
    assert "badge-demo" in page
