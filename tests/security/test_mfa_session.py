"""Issue 13, findings 1 and 10: the admin signs in through the site's sign-in (lockout, second
factor), and the MFA requirement follows the official's role wherever its powers show, checked on
the session (did *this* sign-in pass the second factor?), not on the existence of an authenticator."""

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.test import override_settings
from django.urls import reverse

from petitions.models import Petition
from portal.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXP"  # the factory's TOTP secret


def totp_now() -> str:
    return format_hotp_value(hotp_value(SECRET, next(yield_hotp_counters_from_time())))


def test_the_admin_login_form_does_not_sign_anyone_in(client):
    boss = UserFactory(is_superuser=True, is_staff=True, mfa=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post("/admin/login/?next=/admin/", {"username": boss.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/admin/").status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_twelve_wrong_passwords_at_the_admin_leave_no_way_in(client):
    boss = UserFactory(is_superuser=True, is_staff=True, mfa=True)
    for _attempt in range(12):
        client.post("/admin/login/", {"username": boss.email, "password": "wrong-password"})
    client.post("/admin/login/", {"username": boss.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.STAFF, Role.COMMISSION, Role.MODERATOR, "superuser"])
def test_an_enrolled_official_whose_session_skipped_mfa_is_sent_to_confirm_it(client, role):
    person = UserFactory(mfa=True, is_superuser=role == "superuser", is_staff=role == "superuser")
    if role != "superuser":
        grant(person, role, "kz-75")
    client.force_login(person, mfa=False)  # a password-only session, as the old admin login gave
    for url in ("/kk/staff/", "/ru/staff/audit/", "/admin/", "/admin/portal/auditentry/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), (url, response["Location"])
    assert client.get("/api/v1/petitions/").status_code == 403


def test_the_real_sign_in_with_password_and_totp_reaches_the_staff_area(client):
    clerk = UserFactory(mfa=True)
    grant(clerk, Role.STAFF, "kz-75")
    response = client.post("/en/accounts/login/", {"login": clerk.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session
    response = client.post(response["Location"], {"code": totp_now()})
    assert response.status_code == 302
    assert client.get("/en/staff/").status_code == 200


def test_confirming_with_the_authenticator_opens_a_password_only_session(client):
    clerk = UserFactory(mfa=True)
    grant(clerk, Role.STAFF, "kz-75")
    client.force_login(clerk, mfa=False)
    confirm = client.get("/en/staff/")["Location"]
    response = client.post(confirm, {"code": totp_now()})
    assert response.status_code == 302 and response["Location"].endswith("/en/staff/")
    assert client.get("/en/staff/").status_code == 200


def test_a_role_granted_during_a_session_needs_the_second_factor_there(client, superuser):
    person = UserFactory()
    client.force_login(person)
    assert client.get("/en/").status_code == 200
    grant(person, Role.STAFF, "kz-75")
    response = client.get("/en/")
    assert response.status_code == 302 and response["Location"].endswith(reverse("mfa_activate_totp"))


# ------------------------------------------------------------------------------
# Finding 10: the role's powers show beyond /staff/: petition pages and the API
# ------------------------------------------------------------------------------
def test_an_official_without_mfa_sees_no_non_public_petition_anywhere(client, make_petition, staff):
    draft = make_petition(Petition.Status.SUBMITTED, title="Секретный черновик SECRETX")
    no_mfa = UserFactory()
    grant(no_mfa, Role.STAFF, "kz-75")
    client.force_login(no_mfa)
    for url in (f"/ru/petitions/{draft.pk}/", f"/api/v1/petitions/{draft.pk}/", "/api/v1/petitions/?status=submitted"):
        response = client.get(url)
        assert b"SECRETX" not in response.content, url
        assert response.status_code in (302, 403), url
    # With the second factor in this session, the same official sees it.
    client.force_login(staff)
    assert b"SECRETX" in client.get(f"/ru/petitions/{draft.pk}/").content


def test_citizens_are_not_asked_for_mfa(client, make_petition):
    open_petition = make_petition(Petition.Status.OPEN)
    client.force_login(UserFactory())
    assert client.get(f"/ru/petitions/{open_petition.pk}/").status_code == 200
    assert client.get(f"/api/v1/petitions/{open_petition.pk}/").status_code == 200
