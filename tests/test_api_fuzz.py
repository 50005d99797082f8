"""Schemathesis against our own OpenAPI document, anonymous and signed in: no input may cause a 5xx.

Slow as a whole (~25 examples x every operation, twice each), and building the cases already costs
seconds while the module is collected: `make test-fast` does not collect it. The date edges of the
schema's parameters are in tests/test_api_dates.py."""

import pytest
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, settings

from tests.api_schema import schema
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_answers_5xx_to_anyone(case, client):
    anonymous = case.call()
    assert anonymous.status_code < 500, case.as_curl_command()
    signed_in = case.call(headers=_signed_in_headers(client))
    assert signed_in.status_code < 500, case.as_curl_command()
