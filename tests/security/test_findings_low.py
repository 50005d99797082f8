"""Issue 13, low findings: search over public text only (7), sign-up timing (8), CSV formula cells
(9), dates out of range (11)."""

import pytest

from petitions import selectors, services
from petitions.models import Petition

pytestmark = pytest.mark.django_db
SECRET = "Zqxhiddenword"


# ------------------------------------------------------------------------------
# 7. A rejected petition's text is private: search does not match it
# ------------------------------------------------------------------------------
@pytest.fixture
def rejected(make_petition, staff):
    petition = make_petition(Petition.Status.IN_MODERATION, title="Публичный заголовок Rjtitle")
    Petition.objects.filter(pk=petition.pk).update(text=f"Текст, который закон исключает: {SECRET} и прочее.")
    petition.refresh_from_db()
    return services.petition_reject(petition=petition, actor=staff, category="courts", reason="Вне компетенции.")


def test_search_does_not_match_a_rejected_petitions_hidden_text(client, rejected):
    for prefix in (SECRET, SECRET[:5], SECRET.lower()):
        api = client.get("/api/v1/petitions/", {"q": prefix}).json()
        assert api["count"] == 0, prefix
        assert "Rjtitle" not in client.get("/ru/petitions/", {"q": prefix}).content.decode()
    assert client.get("/api/v1/petitions/", {"q": "Rjtitle"}).json()["count"] == 1
    assert rejected.pk not in [p.pk for p in selectors.similar_petitions(title="", text=f"{SECRET} {SECRET}")]
