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
