import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [("kk", "Мені кім білдіреді?"), ("ru", "Кто меня представляет?"), ("en", "Who represents me?")],
)
def test_home_page_speaks_each_language(client, language, heading):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html


def test_root_follows_accept_language_and_defaults_to_kazakh(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")["Location"] == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/kk/"


def test_language_switcher_keeps_the_page(client):
    html = client.get("/ru/accounts/login/").content.decode()
    assert 'href="/kk/accounts/login/"' in html
    assert 'href="/en/accounts/login/"' in html


def test_pages_have_landmarks_and_a_skip_link(client):
    html = client.get("/kk/").content.decode()
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    # The core pages need no JavaScript: scripts are external files (CSP) that only enhance.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_security_headers(client):
    response = client.get("/kk/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_page_is_translated(client):
    assert "Кіру" in client.get("/kk/accounts/login/").content.decode()
    assert "Войти" in client.get("/ru/accounts/login/").content.decode()
