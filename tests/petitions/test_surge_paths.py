"""The surge shortcuts keep the rules: a cached petition stops taking signatures the moment it moves,
the page watchers share follows the tally, and an unverified signer writes nothing."""

import pytest

from petitions import services
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
    services.petition_transition(petition=petition, to=S.WITHDRAWN, actor=petition.author)
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


def test_each_process_signs_on_its_own_copy_while_the_limits_script_vouches_for_it(
    client, make_petition, districts, settings
):
    """Issue 20: no round trip for the petition; the rate-limit script checks the copy's token."""
    if not settings.REDIS_URL:
        pytest.skip("the copy is checked by the Redis script")
    from django.core.cache import cache

    from petitions import access

    petition = make_petition(S.OPEN)
    assert sign(client, petition).status_code == 201
    assert getattr(access._LOCAL[petition.pk], "_signing_local", None)
    # The shared cached petition gone (expired): this process signs on its copy all the same.
    cache.delete(access.SIGNING_CACHE_KEY.format(petition.pk))
    assert sign(client, petition).status_code == 201
    assert cache.get(access.SIGNING_CACHE_KEY.format(petition.pk)) is None
    # It moves; another process caches a copy of its own before this one signs again: this process's
    # copy fails the script's check, is read afresh, and the signature is refused.
    services.petition_transition(petition=petition, to=S.WITHDRAWN, actor=petition.author)
    cache.set(access.SIGNING_COPY_KEY.format(petition.pk), 12345, 30)
    assert sign(client, petition).status_code == 400
    assert Signature.objects.filter(petition=petition).count() == 2
