import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_backend(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] in {"ok", "eager"}
    assert body["status"] == "ok"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Не найдено"), ("kk", "табылмады"), ("en", "Not found")],
)
def test_api_errors_are_json_with_a_translated_detail(client, language, expected):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert expected.lower() in response.json()["detail"].lower()


def test_a_nul_character_in_the_query_is_a_clean_400(client):
    response = client.get("/api/v1/addresses/suggest/", {"q": "Абай\x00"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["detail"]
