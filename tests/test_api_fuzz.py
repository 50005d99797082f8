"""Schemathesis against our own OpenAPI document, anonymous and signed in: no input may cause a 5xx."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# Loaded at collection: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI transport bypasses Django's test client, which normally stops each request from
    closing the test's database connection (and its transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _signed_in_headers(client) -> dict:
    user = UserFactory(is_citizen=True, address="Алматы, Абая 10")
    client.force_login(user)
    token = _get_new_csrf_string()
    return {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}",
        "X-CSRFToken": token,
    }


@pytest.mark.slow  # ~25 examples x ~25 operations, twice each: a minute of the unit run
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_answers_5xx_to_anyone(case, client):
    anonymous = case.call()
    assert anonymous.status_code < 500, case.as_curl_command()
    signed_in = case.call(headers=_signed_in_headers(client))
    assert signed_in.status_code < 500, case.as_curl_command()


# Dates at the edges of the calendar (issue 13, finding 11): every date parameter in the schema gets
# values whose arithmetic overflows (9999-12-31 plus a day, the week before 0001-01-01), impossible
# days and malformed text. Each answers 400 with a translated message, never 500.
DATE_EDGES = ["9999-12-31", "0001-01-01", "1-1", "10000-01-01", "2026-02-30", "2026-13-01", "-1", "0", "1900-01-01"]


def _date_parameters() -> list[tuple[str, str]]:
    found = []
    for path, operations in schema.raw_schema["paths"].items():
        if "{" in path:
            continue
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []) if method == "get" else []:
                if parameter.get("in") == "query" and parameter.get("schema", {}).get("format") == "date":
                    found.append((path, parameter["name"]))
    return found


def test_the_schema_has_date_parameters_to_try():
    assert ("/api/v1/hearings/", "to") in _date_parameters()


@pytest.mark.parametrize(("path", "name"), _date_parameters())
def test_date_parameters_at_the_edges_answer_400(client, path, name):
    for value in DATE_EDGES:
        response = client.get(path, {name: value}, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 400, (path, name, value, response.status_code)
        message = " ".join(response.json().get(name, []))
        assert "дат" in message, (path, name, value, message)  # Russian: "дата", "даты"
