"""Officials' authenticator pages (issue 19): one label for the code wherever it is asked, and a
way on to the staff area once the authenticator is enrolled."""

import pytest

from portal.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

LABEL = "Код из приложения-аутентификатора"


def test_the_code_has_one_label_when_enrolling_and_when_signing_in(client):
    official = UserFactory()
    grant(official, Role.STAFF, "kz-75")
    client.post("/ru/accounts/login/", {"login": official.email, "password": "correct-horse-battery"})
    response = client.get("/ru/staff/", follow=True)
    assert "2fa/totp/activate" in response.redirect_chain[0][0]
    if "reauthenticate" in response.redirect_chain[-1][0]:  # allauth asks for the password again first
        response = client.post(response.redirect_chain[-1][0], {"password": "correct-horse-battery"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/ru/accounts/2fa/totp/activate/")
    assert LABEL in response.content.decode()

    enrolled = UserFactory(mfa=True)
    client.logout()
    response = client.post(
        "/ru/accounts/login/", {"login": enrolled.email, "password": "correct-horse-battery"}, follow=True
    )
    assert "/accounts/2fa/authenticate/" in response.redirect_chain[-1][0]
    assert LABEL in response.content.decode()


def test_after_enrolling_the_authenticator_pages_lead_on_to_the_staff_area(client):
    official = UserFactory(mfa=True)
    grant(official, Role.STAFF, "kz-75")
    client.force_login(official)
    html = client.get("/ru/accounts/2fa/").content.decode()
    assert 'href="/ru/staff/"' in html and "Перейти в раздел для сотрудников" in html
