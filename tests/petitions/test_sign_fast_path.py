"""The sign endpoint's hot path (petitions.api.fast_sign, portal.signer_card): what one signature costs
in round trips, counted (not timed) so that it cannot grow unnoticed; and the cases where the
session's signer card no longer matches the account, which must go the ordinary way with the
ordinary answer."""

import time

import pytest
import redis.connection
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from petitions import api, watch
from petitions.models import Petition, Signature
from petitions.watch import ACCOUNT_RATE_KEY
from portal.models import Role, RoleGrant
from portal.signer_card import CARD_SESSION_KEY
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
API = "/api/v1/petitions/{}/signatures/"


def citizen(**extra):
    return UserFactory(is_citizen=True, address="Алматы, Абая 10", **extra)


def sign(client, petition, body=None, **headers):
    return client.post(API.format(petition.pk), body or {}, content_type="application/json", **headers)


@pytest.fixture
def open_petition(make_petition, districts):
    """An open petition that has been signed once, so that it is in the cache and the next signature
    takes the fast path (the first one caches it the ordinary way)."""
    petition = make_petition(Petition.Status.OPEN)
    first = Client()
    first.force_login(citizen())
    assert sign(first, petition).status_code == 201
    return petition


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Every command (or pipeline) redis-py sends is one round trip; the list of what was sent."""
    sent: list[bytes] = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command if isinstance(command, bytes) else b"".join(command))
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


def test_the_fast_path_knows_every_field_of_the_sign_serializer():
    # Adding a field to SignSerializer turns the fast path off until fast_sign reads it too.
    assert api.FAST_PATH


def test_one_signature_costs_one_statement_and_two_redis_round_trips(client, open_petition, redis_round_trips):
    client.force_login(citizen())
    assert sign(client, open_petition).status_code == 201  # takes this process's copy of the petition
    client.force_login(citizen())
    redis_round_trips.clear()

    with CaptureQueriesContext(connection) as queries:
        response = sign(client, open_petition)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "signed"
    # The INSERT, which also checks the session's card against the user row: no read of the user,
    # of their roles, or of the petition.
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"], queries.captured_queries
    # The session, then one script: the copy's token, both rate limits and the cached placement.
    assert len(redis_round_trips) == 2, redis_round_trips
    assert b"GET" in redis_round_trips[0] and b"EVALSHA" in redis_round_trips[1]
    assert Signature.objects.filter(petition=open_petition).count() == 3
    assert watch.signing_copy(open_petition.pk) is not None


def test_a_repeat_is_answered_the_ordinary_way_and_counted_once(client, open_petition):
    person = citizen()
    client.force_login(person)
    assert sign(client, open_petition).status_code == 201
    again = sign(client, open_petition)
    assert again.status_code == 200 and again.json()["status"] == "already_signed"
    assert cache.get(ACCOUNT_RATE_KEY.format(person.pk, int(time.time() // 3600))) == 2


def test_a_password_changed_since_sign_in_ends_the_session_and_signs_nothing(client, open_petition):
    person = citizen()
    client.force_login(person)
    assert CARD_SESSION_KEY in client.session
    person.set_password("another-horse-battery")
    person.save()
    response = sign(client, open_petition)
    assert response.status_code == 403
    assert not Signature.objects.filter(petition=open_petition, signer=person).exists()


def test_a_role_granted_since_sign_in_meets_the_officials_mfa_requirement(client, open_petition):
    person = citizen()
    client.force_login(person)
    RoleGrant.objects.create(user=person, role=Role.STAFF, scope_code="kz-75")
    response = sign(client, open_petition, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "Officials must turn on two-factor authentication before continuing."
    assert not Signature.objects.filter(petition=open_petition, signer=person).exists()


def test_an_address_changed_since_sign_in_is_the_one_signed_with(client, open_petition):
    person = citizen()
    client.force_login(person)
    person.address = "Алматы, Достык 5"
    person.save()
    response = sign(client, open_petition)
    assert response.status_code == 201
    assert Signature.objects.get(petition=open_petition, signer=person).address == "Алматы, Достык 5"
    assert client.session[CARD_SESSION_KEY]["address"] == "Алматы, Достык 5"  # the card is renewed


def test_the_fast_path_checks_csrf_as_the_api_does(open_petition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen())
    response = sign(client, open_petition)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert Signature.objects.filter(petition=open_petition).count() == 1


def test_a_process_copy_of_a_withdrawn_petition_signs_nothing(client, open_petition):
    from petitions import transitions

    client.force_login(citizen())
    assert sign(client, open_petition).status_code == 201
    assert watch.signing_copy(open_petition.pk) is not None
    transitions.petition_transition(petition=open_petition, to=Petition.Status.WITHDRAWN, actor=open_petition.author)
    client.force_login(citizen())
    assert sign(client, open_petition).status_code == 400
    assert Signature.objects.filter(petition=open_petition).count() == 2


@pytest.mark.parametrize(
    "body",
    [{"address": None}, {"address": "Алматы, Абая\x0010"}, {"address": "А" * 201}, {"is_citizen": "maybe"}],
)
def test_a_body_the_serializer_refuses_is_refused_as_before(client, open_petition, body):
    client.force_login(citizen())
    response = sign(client, open_petition, body)
    assert response.status_code == 400
    assert Signature.objects.filter(petition=open_petition).count() == 1
