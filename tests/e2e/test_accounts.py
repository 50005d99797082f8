"""A citizen signs up in Kazakh, receives the confirmation email over real SMTP, confirms and is in."""

import re

import pytest

from portal.models import User
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_confirm_email_and_sign_in_in_kazakh(page, live_server, smtp_server):
    page.goto(f"{live_server.url}/kk/accounts/signup/")
    assert_accessible(page)
    page.fill("input[name=email]", "zhanar@example.kz")
    page.fill("input[name=password1]", "a-strong-passphrase-2026")
    page.fill("input[name=password2]", "a-strong-passphrase-2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/kk/accounts/confirm-email/" in page.url
    user = User.objects.get(email="zhanar@example.kz")
    assert user.preferred_language == "kk"

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]["message"]
    assert smtp_server.messages[0]["to"] == ["zhanar@example.kz"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/kk/accounts/confirm-email/\S+/", body).group(0)
    page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_server.url))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("a[href='/kk/me/']").is_visible()  # "My account" link: signed in


def test_wrong_password_is_refused_with_a_translated_message(page, live_server, citizen):
    page.goto(f"{live_server.url}/ru/accounts/login/")
    page.fill("input[name=login]", citizen.email)
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "неверны" in page.locator("main").inner_text().lower()
    assert_accessible(page)


def test_signing_in_and_out_from_kazakh_stays_in_kazakh(browser, live_server, citizen):
    # A browser that prefers Russian: the redirects must follow the page's language, not this.
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/kk/accounts/login/")
        page.fill("input[name=login]", citizen.email)
        page.fill("input[name=password]", "correct-horse-battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/kk/"
        assert page.locator("html").get_attribute("lang") == "kk"
        assert_accessible(page)
        page.locator("header form button[type=submit]").click()  # "Шығу"
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/kk/"
        page.goto(f"{live_server.url}/")
        assert page.url.startswith(f"{live_server.url}/kk/")
    finally:
        context.close()
    citizen.refresh_from_db()
    assert citizen.preferred_language == "kk"
