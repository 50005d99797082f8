"""Every date parameter of our OpenAPI document at the edges of the calendar answers 400, never 500."""

import pytest

from tests.api_schema import schema

pytestmark = pytest.mark.django_db


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
