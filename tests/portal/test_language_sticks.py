"""The language a person uses sticks (issue 19, bug 2): after signing in, out, up, confirming an
email and resetting a password they stay in it; the account remembers it and emails use it."""

import re

import pytest
from django.core import mail
from django.db import transaction

from notifications.services import notify
from portal.models import User
from tests.factories import UserFactory
from tests.notifications.factories import news_object
from tests.notifications.notification_events import TEST_EVENT

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_sign_in_and_out_stay_in_the_language_of_the_page(client, language):
    user = UserFactory(preferred_language="kk" if language != "kk" else "ru")
    # The browser prefers another language: the answer must not follow it.
    headers = {"HTTP_ACCEPT_LANGUAGE": "en" if language != "en" else "ru"}
    response = client.post(f"/{language}/accounts/login/", {"login": user.email, "password": PASSWORD}, **headers)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/"
    user.refresh_from_db()
    assert user.preferred_language == language
    response = client.post(f"/{language}/accounts/logout/", **headers)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/"
    # The bare "/" now follows the language used, not Accept-Language.
    response = client.get("/", **headers)
    assert response["Location"].startswith(f"/{language}/")


def test_switching_language_is_remembered_on_the_account_and_used_for_emails(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="kk")
    client.force_login(user)
    client.get("/ru/petitions/")
    user.refresh_from_db()
    assert user.preferred_language == "ru"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(event=TEST_EVENT, obj=news_object("kz-75"), recipients=[user], key="lang")
    assert mail.outbox and mail.outbox[-1].subject.startswith("Уведомления")


def test_sign_up_confirm_and_password_reset_stay_in_russian(client, settings):
    response = client.post(
        "/ru/accounts/signup/",
        {"email": "asel@example.kz", "password1": "a-strong-passphrase-2026", "password2": "a-strong-passphrase-2026"},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 302 and response["Location"].startswith("/ru/")
    assert User.objects.get(email="asel@example.kz").preferred_language == "ru"
    link = re.search(r"https?://[^/\s]+(/ru/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    response = client.post(link, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 302 and response["Location"].startswith("/ru/")
    client.logout()

    mail.outbox.clear()
    client.post("/ru/accounts/password/reset/", {"email": "asel@example.kz"}, HTTP_ACCEPT_LANGUAGE="kk")
    body = mail.outbox[-1].body
    assert "пароль" in body.lower()
    link = re.search(r"https?://[^/\s]+(/ru/accounts/password/reset/key/\S+/)", body).group(1)
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="kk")
    form_url = response["Location"] if response.status_code == 302 else link
    response = client.post(
        form_url,
        {"password1": "another-passphrase-2027", "password2": "another-passphrase-2027"},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 302 and response["Location"].startswith("/ru/")
