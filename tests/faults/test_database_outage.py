"""PostgreSQL goes away under the app (as in a server restart or a failover) during a burst of
signing requests. The machine's cluster is shared and is not restarted: the app's backend
connections to this test database are terminated from another connection, which is what a
restart looks like from the app's side.

Requests caught by it answer 503 with a translated "try again" (no 500); no half-written rows;
the next request reconnects by itself (CONN_HEALTH_CHECKS), no app restart."""

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.urls import reverse

from petitions import signing
from petitions.models import Petition, Signature
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SIGN = {"address": "Алматы, Абая 10", "is_citizen": "on", "consent": "on"}


def terminate_app_connections() -> int:
    """Kill every other backend connected to this test database, from a separate connection."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True, connect_timeout=5
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [db["NAME"]],
        ).fetchall()
    return len(rows)


def serve(client, url, data, **kwargs):
    """One request as a WSGI server runs it: Django's test client leaves out the request_started
    and request_finished hooks (close_old_connections) that check and replace a broken persistent
    connection, so they are called here around the request, as the server would."""
    close_old_connections()
    try:
        return client.post(url, data, **kwargs)
    finally:
        close_old_connections()


def test_settings_keep_connection_health_checks():
    db = settings.DATABASES["default"]
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] > 0


def test_signing_through_terminated_connections_fails_cleanly_and_recovers(
    client, make_petition, districts, monkeypatch
):
    petition = make_petition(Petition.Status.OPEN)
    people = [UserFactory(is_citizen=True) for _ in range(12)]
    url = reverse("petitions:sign", kwargs={"pk": petition.pk})

    # Every third request loses its connection in the middle: after the address is placed, just
    # before the INSERT (the worst moment for a half-written row).
    real_insert = signing._signature_insert
    calls = {"n": 0}

    def insert_with_a_dying_connection(values, signer_check=None):
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            assert terminate_app_connections() >= 1
        return real_insert(values, signer_check)

    monkeypatch.setattr(signing, "_signature_insert", insert_with_a_dying_connection)
    outcomes = {}
    for person in people:
        client.force_login(person)
        response = serve(client, url, SIGN, HTTP_ACCEPT_LANGUAGE="ru")
        outcomes[person.pk] = response.status_code
        assert response.status_code in (302, 503), response.content[:300]
        if response.status_code == 503:
            assert response["Retry-After"] == "5"
            assert "<h1>" in response.content.decode() and "Traceback" not in response.content.decode()

    failed = [pk for pk, status in outcomes.items() if status == 503]
    done = [pk for pk, status in outcomes.items() if status == 302]
    assert failed and done, outcomes
    # No half-written rows: exactly the answered signatures exist.
    assert set(Signature.objects.filter(petition=petition).values_list("signer_id", flat=True)) == set(done)

    # The app recovered by itself; those who saw "try again" do so, once. Their connection is
    # killed once more while idle: the health check at the start of the next request replaces it.
    monkeypatch.setattr(signing, "_signature_insert", real_insert)
    close_old_connections()
    connection.ensure_connection()
    idle_pid = connection.connection.info.backend_pid
    assert terminate_app_connections() >= 1
    for person in people:
        if person.pk in failed:
            client.force_login(person)
            assert serve(client, url, SIGN).status_code == 302
    assert connection.connection.info.backend_pid != idle_pid  # a new connection, not a restarted app
    assert Signature.objects.filter(petition=petition, status="valid").count() == len(people)
    from petitions.tally import petitions_tally

    petitions_tally()
    assert Petition.objects.get(pk=petition.pk).signature_count == len(people)


def test_the_api_answers_503_json_when_the_database_drops(client, make_petition, districts, monkeypatch):
    petition = make_petition(Petition.Status.OPEN)
    person = UserFactory(is_citizen=True)
    client.force_login(person)
    real_insert = signing._signature_insert

    def dying(values, signer_check=None):
        terminate_app_connections()
        return real_insert(values, signer_check)

    monkeypatch.setattr(signing, "_signature_insert", dying)
    response = serve(
        client,
        reverse("api-petition-sign", kwargs={"pk": petition.pk}),
        {"address": "Алматы, Абая 10", "is_citizen": True},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 503
    assert response.json()["detail"] == "The service is briefly unavailable. Please try again in a moment."
    assert not Signature.objects.filter(signer=person).exists()
    monkeypatch.setattr(signing, "_signature_insert", real_insert)
    client.force_login(person)
    assert (
        serve(
            client,
            reverse("api-petition-sign", kwargs={"pk": petition.pk}),
            {"address": "Алматы, Абая 10", "is_citizen": True},
            content_type="application/json",
        ).status_code
        == 201
    )
