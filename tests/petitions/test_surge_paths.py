"""The surge shortcuts keep the rules: a cached petition stops taking signatures the moment it moves,
the page watchers share follows the tally, and an unverified signer writes nothing."""

import pytest
from django.core.cache import cache

from petitions import transitions, watch
from petitions.models import Petition, Signature
from petitions.tally import petitions_tally
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Petition.Status
API = "/api/v1/petitions/{}/signatures/"


def sign(client, petition, **extra):
    client.force_login(UserFactory(is_citizen=True, address="Алматы, Абая 10", **extra))
    return client.post(API.format(petition.pk), {}, content_type="application/json")


def test_a_petition_cached_for_signing_stops_taking_signatures_when_withdrawn(client, make_petition, districts):
    petition = make_petition(S.OPEN)
    assert sign(client, petition).status_code == 201
    transitions.petition_transition(petition=petition, to=S.WITHDRAWN, actor=petition.author)
    refused = sign(client, petition)
    assert refused.status_code == 400
    assert Signature.objects.filter(petition=petition).count() == 1


def test_the_shared_anonymous_page_shows_the_count_of_the_last_tally(client, make_petition, districts):
    petition = make_petition(S.OPEN)
    before = client.get(f"/ru/petitions/{petition.pk}/").content.decode()  # now shared with every visitor
    assert '<progress class="progress" id="progress" max="46000" value="0"' in before
    assert sign(client, petition).status_code == 201
    client.logout()
    client.cookies.clear()
    petitions_tally()
    after = client.get(f"/ru/petitions/{petition.pk}/").content.decode()
    assert '<progress class="progress" id="progress" max="46000" value="1"' in after


def test_an_unverified_signer_is_refused_by_the_insert_and_writes_nothing(client, make_petition, districts):
    petition = make_petition(S.OPEN)
    response = sign(client, petition, verified=False)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Signature.objects.exists()


def _anonymous_page(client, petition) -> str:
    client.logout()
    client.cookies.clear()
    return client.get(f"/ru/petitions/{petition.pk}/").content.decode()


PROGRESS = '<progress class="progress" id="progress" max="46000" value="{}"'


def test_the_tally_writes_the_new_count_into_the_cache_instead_of_dropping_it(client, make_petition, districts):
    """A reader that read the row just before the tally committed cannot put the old count back:
    the tally's count is in the cache first, and readers only add."""
    petition = make_petition(S.OPEN)
    assert client.get(f"/api/v1/petitions/{petition.pk}/count/").json()["signature_count"] == 0
    stale = cache.get(watch.COUNT_CACHE_KEY.format(petition.pk))
    assert sign(client, petition).status_code == 201
    petitions_tally()
    assert cache.get(watch.COUNT_CACHE_KEY.format(petition.pk))["signature_count"] == 1
    cache.add(watch.COUNT_CACHE_KEY.format(petition.pk), stale, watch.COUNT_CACHE_SECONDS)  # the late reader
    assert client.get(f"/api/v1/petitions/{petition.pk}/count/").json()["signature_count"] == 1


def test_while_one_reader_renders_the_page_after_a_tally_the_others_get_the_page_as_it_was(
    client, make_petition, districts
):
    petition = make_petition(S.OPEN)
    assert PROGRESS.format(0) in _anonymous_page(client, petition)
    assert sign(client, petition).status_code == 201
    petitions_tally()
    rendering = watch.PAGE_RENDER_KEY.format(petition.pk, "ru")
    assert cache.add(rendering, 1, watch.PAGE_RENDER_SECONDS)  # another process is rendering it
    assert PROGRESS.format(0) in _anonymous_page(client, petition)
    cache.delete(rendering)  # it failed and let go: the next reader renders
    assert PROGRESS.format(1) in _anonymous_page(client, petition)
    assert cache.get(rendering) is None
    assert PROGRESS.format(1) in _anonymous_page(client, petition)
    assert (
        cache.get(watch.PAGE_CACHE_KEY.format(petition.pk, "ru"))[0]
        == watch.petition_count(petition.pk)["last_tallied_at"]
    )


def test_a_petition_no_longer_listed_is_not_served_from_the_shared_page(client, make_petition, districts):
    petition = make_petition(S.OPEN)
    assert PROGRESS.format(0) in _anonymous_page(client, petition)
    Petition.objects.filter(pk=petition.pk).update(status=S.DRAFT)  # an edit that bypassed the transitions
    cache.delete(watch.COUNT_CACHE_KEY.format(petition.pk))
    client.logout()
    assert client.get(f"/ru/petitions/{petition.pk}/").status_code == 404
