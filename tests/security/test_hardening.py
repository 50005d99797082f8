"""Hardening: CSP without inline code on every main page, secure cookies and HSTS in production,
login lockout, MFA for officials, sanitised user text, no IIN in logs."""

import json
import logging
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from petitions.models import Petition
from portal.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------
# CSP: no inline script, no inline style, no event-handler attributes, on the main pages
# ------------------------------------------------------------------------------
class InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") not in {"application/json", "application/ld+json"}
        ):
            self._in_inline_script = True
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def _seed():
    from portal.seeding import seeders

    for _name, seeder in seeders():
        with transaction.atomic():
            seeder()


def _public_pages():
    from deputies.models import Deputy, Maslikhat
    from hearings.models import Hearing
    from recalls.models import RecallRequest

    pages = [
        "home",
        "petitions:list",
        "recalls:list",
        "hearings:list",
        "hearings:calendar",
        "deputies:deputy_list",
        "deputies:maslikhat_list",
        "deputies:representatives",
        "deputies:open_data",
        "account_login",
        "account_signup",
        "account_reset_password",
        "recalls:start",
    ]
    urls = [reverse(name) for name in pages]
    petition = Petition.objects.listed().first() if hasattr(Petition.objects, "listed") else Petition.objects.first()
    urls += [p.get_absolute_url() for p in Petition.objects.filter(pk=getattr(petition, "pk", None))]
    urls += [r.get_absolute_url() for r in RecallRequest.objects.order_by("pk")[:1]]
    urls += [h.get_absolute_url() for h in Hearing.objects.order_by("pk")[:1]]
    urls += [reverse("deputies:deputy", kwargs={"pk": d.pk}) for d in Deputy.objects.order_by("pk")[:1]]
    urls += [reverse("deputies:maslikhat", kwargs={"code": m.code}) for m in Maslikhat.objects.filter(code="kz-75")]
    return urls


@pytest.mark.slow  # every main page in three languages
def test_main_pages_in_every_language_carry_csp_and_no_inline_code(client):
    from django.utils import translation

    _seed()
    citizen = UserFactory(is_citizen=True)
    official = UserFactory(mfa=True)
    grant(official, Role.STAFF, "kz-75")
    checked = 0
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            public = _public_pages()
            own = [
                reverse(n)
                for n in (
                    "profile",
                    "notification_inbox",
                    "notification_preferences",
                    "follow_list",
                    "petitions:mine",
                    "petitions:new",
                    "account_delete",
                )
            ]
            staff = [
                reverse(n)
                for n in (
                    "staff_home",
                    "petitions:staff_queue",
                    "hearings:staff_list",
                    "hearings:staff_schedule",
                    "staff_notifications",
                    "deputies:staff_roles",
                )
            ]
        for who, urls in ((None, public), (citizen, own), (official, staff)):
            client.logout()
            if who:
                client.force_login(who)
            for url in urls:
                response = client.get(url, follow=True)
                assert response.status_code == 200, (url, response.status_code)
                csp = response["Content-Security-Policy"]
                assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
                problems = inline_code(response.content.decode())
                assert not problems, (url, problems)
                checked += 1
    assert checked >= 3 * 30


# ------------------------------------------------------------------------------
# Production settings: secure cookies, HSTS, HTTPS redirect
# ------------------------------------------------------------------------------
PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
response = Client().get("/favicon.ico", secure=True)
print(json.dumps({
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "language_secure": s.LANGUAGE_COOKIE_SECURE, "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "session_samesite": s.SESSION_COOKIE_SAMESITE, "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "hsts_seconds": s.SECURE_HSTS_SECONDS, "hsts_subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "debug": s.DEBUG, "hsts_header": response.get("Strict-Transport-Security", ""),
    "plain_http": Client().get("/favicon.ico").status_code,
    "plain_http_location": Client().get("/favicon.ico").get("Location", ""),
}))
"""


@pytest.mark.slow  # a second Django process under the production settings
def test_production_settings_secure_cookies_and_hsts():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "testserver,dauys.example.kz",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["session_secure"] and probe["csrf_secure"] and probe["language_secure"] and probe["session_httponly"]
    assert probe["session_samesite"] == "Lax" and probe["ssl_redirect"] and not probe["debug"]
    assert probe["hsts_seconds"] >= 31536000 and probe["hsts_subdomains"]
    assert probe["hsts_header"].startswith("max-age=31536000") and "includeSubDomains" in probe["hsts_header"]
    assert probe["plain_http"] == 301 and probe["plain_http_location"].startswith("https://")


# ------------------------------------------------------------------------------
# Login lockout (allauth rate limits; the test settings turn them off, this test turns them on)
# ------------------------------------------------------------------------------
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_repeated_failed_logins_are_refused_with_a_translated_message(client):
    person = UserFactory(email="aigul@example.kz")
    url = reverse("account_login")
    for _attempt in range(5):
        response = client.post(url, {"login": person.email, "password": "wrong-password"}, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200
    locked = client.post("/ru/accounts/login/", {"login": person.email, "password": "correct-horse-battery"})
    body = locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Слишком много неудачных попыток входа" in body, body[:2000]
    # Another account from the same network is not locked out by this one.
    other = UserFactory()
    assert (
        client.post("/ru/accounts/login/", {"login": other.email, "password": "correct-horse-battery"}).status_code
        == 302
    )


# ------------------------------------------------------------------------------
# MFA before the staff area and the admin, for every kind of official
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.DEPUTY, Role.STAFF, Role.COMMISSION, Role.MODERATOR, "superuser"])
def test_officials_must_enrol_mfa_before_the_staff_area_and_admin(client, role):
    def official(mfa):
        person = UserFactory(mfa=mfa, is_superuser=role == "superuser", is_staff=role == "superuser")
        if role != "superuser":
            grant(person, role, "kz-75")
        return person

    client.force_login(official(mfa=False))
    for url in ("/kk/staff/", "/ru/staff/petitions/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].endswith(reverse("mfa_activate_totp")), url
    client.force_login(official(mfa=True))
    response = client.get("/kk/staff/")
    assert response.status_code == 200 and "2fa" not in response.get("Location", "")


def test_citizens_are_not_sent_to_mfa_but_refused(client):
    client.force_login(UserFactory())
    assert client.get("/kk/staff/").status_code == 403


# ------------------------------------------------------------------------------
# User text is sanitised: XSS payloads in a petition and a hearing question
# ------------------------------------------------------------------------------
PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">link</a>',
    "<iframe src=//evil.example></iframe>",
]


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _assert_neutralised(html: str):
    """Parsed as a browser would: the payloads may be shown as text, never become elements,
    event handlers or javascript: links."""
    assert not inline_code(html)
    collector = TagCollector()
    collector.feed(html)
    assert not {"iframe", "svg", "object", "embed", "img"} & set(collector.tags), set(collector.tags)


def test_xss_in_a_petition_is_neutralised_on_its_page(client, make_petition, author):
    from petitions import services

    petition = make_petition(Petition.Status.OPEN)
    text = "Просим маслихат рассмотреть.\n\n" + "\n\n".join(PAYLOADS) + "\n\n**важно** и [сайт](https://example.kz)"
    Petition.objects.filter(pk=petition.pk).update(
        text=text, text_html=services.render_markdown(text), title="<b onmouseover=alert(1)>Парк</b>"
    )
    html = client.get(petition.get_absolute_url()).content.decode()
    _assert_neutralised(html)
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert "<strong>важно</strong>" in html and 'href="https://example.kz"' in html
    assert "&lt;b onmouseover" in html


def test_xss_in_a_hearing_question_is_neutralised_on_the_page(client, staff, almaty):
    from hearings.models import Question
    from tests.hearings.factories import make_hearing

    hearing = make_hearing(staff, almaty)
    asker = UserFactory(first_name="<script>alert(2)</script>")
    for payload in PAYLOADS:
        Question.objects.create(
            hearing=hearing, author=asker, text=f"Вопрос {payload}", status=Question.Status.PUBLISHED
        )
    html = client.get(hearing.get_absolute_url()).content.decode()
    assert html.count("Вопрос ") >= len(PAYLOADS)
    _assert_neutralised(html)


# ------------------------------------------------------------------------------
# No IIN in any log record of a real signing request
# ------------------------------------------------------------------------------
def test_a_recall_signature_request_logs_nothing_containing_the_iin(client, caplog, time_machine):
    from recalls.models import RecallSignature
    from tests.recalls.factories import (
        address_for,
        collecting_recall,
        commission_member,
        iins,
        smd_deputy,
    )

    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)
    recall = collecting_recall(smd_deputy(), commission_member())
    iin = iins(1, start=9100)[0]
    voter = UserFactory(is_citizen=True)
    client.force_login(voter)
    caplog.set_level(logging.DEBUG)
    url = reverse("recalls:sign", kwargs={"pk": recall.pk})
    bad = client.post(
        url, {"iin": iin[:11] + str((int(iin[11]) + 1) % 10), "address": address_for(recall.deputy), "confirm": "on"}
    )
    assert bad.status_code == 200  # a wrong checksum: refused, re-rendered
    good = client.post(url, {"iin": iin, "address": address_for(recall.deputy), "confirm": "on"})
    assert good.status_code == 302
    assert RecallSignature.objects.filter(recall=recall, user=voter).exists()
    api = client.post(
        reverse("api-recall-sign", kwargs={"pk": recall.pk}),
        {"iin": iin, "address": "x"},
        content_type="application/json",
    )
    assert api.status_code < 500
    for record in caplog.records:
        text = record.getMessage() + " ".join(str(a) for a in (record.args or ()))
        assert iin not in text and iin[:11] not in text, record.name
    assert iin not in api.content.decode()


# ------------------------------------------------------------------------------
# CSRF, user enumeration, SQL injection through query parameters
# ------------------------------------------------------------------------------
def test_writes_without_a_csrf_token_are_refused(make_petition, districts):
    from django.test import Client

    from petitions.models import Signature

    petition = make_petition(Petition.Status.OPEN)
    person = UserFactory(is_citizen=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    html = browser.post(
        reverse("petitions:sign", kwargs={"pk": petition.pk}),
        {"address": "Алматы, Абая 10", "is_citizen": "on", "consent": "on"},
    )
    api = browser.post(
        reverse("api-petition-sign", kwargs={"pk": petition.pk}),
        {"address": "Алматы, Абая 10", "is_citizen": True},
        content_type="application/json",
    )
    assert html.status_code == 403 and api.status_code == 403
    assert not Signature.objects.filter(signer=person).exists()


def test_signup_and_password_reset_do_not_reveal_who_has_an_account(client):
    existing = UserFactory(email="known@example.kz")
    known = client.post(reverse("account_reset_password"), {"email": existing.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.kz"})
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    client.logout()
    taken = client.post(
        reverse("account_signup"),
        {"email": existing.email, "password1": "Very-long-pass-2026", "password2": "Very-long-pass-2026"},
    )
    fresh = client.post(
        reverse("account_signup"),
        {"email": "new@example.kz", "password1": "Very-long-pass-2026", "password2": "Very-long-pass-2026"},
    )
    assert taken.status_code == fresh.status_code == 302 and taken["Location"] == fresh["Location"]


@pytest.mark.parametrize(
    "payload", ["' OR 1=1 --", "1; DROP TABLE petitions_signature; --", "%' UNION SELECT email FROM portal_user --"]
)
def test_sql_payloads_in_filters_are_plain_text(client, payload, make_petition):
    make_petition(Petition.Status.OPEN)
    for url, status in (
        (reverse("petitions:list"), 200),
        (reverse("hearings:list"), 200),
        (reverse("deputies:deputy_list"), 200),
        ("/api/v1/petitions/", 200),
        ("/api/v1/deputies/", 200),
        ("/api/v1/hearings/", 404),  # the payload names no maslikhat code
    ):
        response = client.get(
            url,
            {
                "q": payload,
                "maslikhat": payload,
                "status": payload,
                "topic": payload,
                "page": payload,
                "ordering": payload,
                "limit": payload,
            },
        )
        assert response.status_code == status, (url, response.status_code)
        assert b"@example.kz" not in response.content  # no account data leaks through a UNION
    assert Petition.objects.exists()


def test_input_the_database_cannot_hold_is_a_400_not_a_500(client):
    api = client.get("/api/v1/addresses/suggest/", {"q": "Алматы\x00"})
    assert api.status_code == 400 and api.json()["detail"]
    page = client.get("/en/petitions/", {"q": "парк\x00"})
    assert page.status_code == 400
    assert "Traceback" not in page.content.decode()
