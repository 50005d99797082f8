"""Issue 13, low findings: search over public text only (7), sign-up timing (8), CSV formula cells
(9), dates out of range (11)."""

import pytest

from petitions import selectors, services
from petitions.models import Petition

pytestmark = pytest.mark.django_db
SECRET = "Zqxhiddenword"


# ------------------------------------------------------------------------------
# 7. A rejected petition's text is private: search does not match it
# ------------------------------------------------------------------------------
@pytest.fixture
def rejected(make_petition, staff):
    petition = make_petition(Petition.Status.IN_MODERATION, title="Публичный заголовок Rjtitle")
    Petition.objects.filter(pk=petition.pk).update(text=f"Текст, который закон исключает: {SECRET} и прочее.")
    petition.refresh_from_db()
    return services.petition_reject(petition=petition, actor=staff, category="courts", reason="Вне компетенции.")


def test_search_does_not_match_a_rejected_petitions_hidden_text(client, rejected):
    for prefix in (SECRET, SECRET[:5], SECRET.lower()):
        api = client.get("/api/v1/petitions/", {"q": prefix}).json()
        assert api["count"] == 0, prefix
        assert "Rjtitle" not in client.get("/ru/petitions/", {"q": prefix}).content.decode()
    assert client.get("/api/v1/petitions/", {"q": "Rjtitle"}).json()["count"] == 1
    assert rejected.pk not in [p.pk for p in selectors.similar_petitions(title="", text=f"{SECRET} {SECRET}")]


# ------------------------------------------------------------------------------
# 8. Sign-up with an email that has an account does the same work as a new account
# ------------------------------------------------------------------------------
def _signup(client, email):
    from tests.security import hashers

    hashers.COMPUTED.clear()
    response = client.post(
        "/en/accounts/signup/",
        {"email": email, "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    return response, len(hashers.COMPUTED)


def test_signup_does_the_same_password_work_whether_or_not_the_email_has_an_account(client, settings, mailoutbox):
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = ["tests.security.hashers.CountingHasher"]
    UserFactory(email="taken@example.kz")
    new, new_work = _signup(client, "fresh@example.kz")
    client.logout()
    taken, taken_work = _signup(client, "taken@example.kz")
    assert new.status_code == taken.status_code == 302 and new["Location"] == taken["Location"]
    assert new_work == taken_work == 1


def test_allauth_emails_carry_the_projects_name_not_example_com(client, settings, mailoutbox):
    settings.SITE_NAME = "Dauys test"
    client.post(
        "/en/accounts/signup/",
        {"email": "named@example.kz", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    message = mailoutbox[-1]
    assert "example.com" not in message.subject + message.body
    assert "Dauys test" in message.body


# ------------------------------------------------------------------------------
# 9. Every CSV neutralises formula cells, through one writer
# ------------------------------------------------------------------------------
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(body: str) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]


def test_the_public_petitions_export_neutralises_formula_cells(client, make_petition):
    petition = make_petition(Petition.Status.OPEN)
    Petition.objects.filter(pk=petition.pk).update(title=FORMULAS[0])
    body = b"".join(client.get("/petitions/export.csv").streaming_content).decode()
    cells = _cells(body)
    assert "'" + FORMULAS[0] in cells and FORMULAS[0] not in cells


def test_the_hearing_registrations_export_neutralises_emails_and_names(client, staff, almaty):
    from hearings.services import registration_create
    from tests.factories import UserFactory
    from tests.hearings.factories import make_hearing

    hearing = make_hearing(staff, almaty)
    registration_create(user=UserFactory(email="=cmd|' /C calc'!A0@example.kz", first_name="@SUM(1)"), hearing=hearing)
    client.force_login(staff)
    cells = _cells(client.get(f"/en/staff/hearings/{hearing.pk}/registrations.csv").content.decode())
    assert "'=cmd|' /C calc'!A0@example.kz" in cells and "'@SUM(1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_every_csv_the_project_writes_goes_through_the_one_writer():
    import re
    from pathlib import Path

    from django.conf import settings

    from portal.csv_export import csv_writer, neutralise, read_cell

    for value in FORMULAS:
        assert neutralise(value) == "'" + value and read_cell(neutralise(value)) == value
    assert neutralise(-5) == -5 and neutralise("Абай 10") == "Абай 10"
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if not {".venv", "tests", "bench", "var"} & set(path.relative_to(root).parts)
        and path.name != "csv_export.py"
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert not offenders, f"CSV written without portal.csv_export.csv_writer: {offenders}"
    assert csv_writer


# ------------------------------------------------------------------------------
# 11. Dates out of range answer 400 with a translated message, on pages and the API
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/hearings/?to=9999-12-31",
        "/api/v1/hearings/?from=0001-01-01",
        "/ru/hearings/?date_to=9999-12-31",
        "/ru/hearings/?date_from=0001-01-01",
        "/ru/hearings/calendar/?month=9999-12",
        "/ru/hearings/calendar/?month=1-1",
        "/ru/hearings/calendar/?month=2026-13",
    ],
)
def test_dates_out_of_range_answer_400_with_a_translated_message(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "Укажите" in response.content.decode()


# ------------------------------------------------------------------------------
# Hardening: the audit log refuses TRUNCATE too
# ------------------------------------------------------------------------------
@pytest.mark.integration  # the trigger is PostgreSQL's
def test_the_audit_log_refuses_truncate_from_the_applications_connections():
    from django.db import DatabaseError, connection, transaction

    from portal.audit import audit_record
    from portal.models import AuditEntry

    audit_record(actor=None, action="test.entry", obj=None)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL dauys.maintenance = 'off'")
            cursor.execute("TRUNCATE portal_auditentry")
    assert AuditEntry.objects.filter(action="test.entry").exists()


# ------------------------------------------------------------------------------
# Hardening: request-body limits, /healthz detail only for internal callers
# ------------------------------------------------------------------------------
def test_a_huge_anonymous_post_is_refused_before_it_is_read(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_ANONYMOUS_REQUEST_BYTES = 64 * 1024
    big = SimpleUploadedFile("x.bin", b"\x00" * (200 * 1024))
    response = client.post("/ru/accounts/login/", {"login": "a@example.kz", "password": "x", "f": big})
    assert response.status_code == 413 and "Слишком большой запрос" in response.content.decode()
    api = client.post("/api/v1/petitions/", {"f": SimpleUploadedFile("x.bin", b"\x00" * (200 * 1024))})
    assert api.status_code == 413
    assert client.post("/ru/accounts/login/", {"login": "a@example.kz", "password": "x"}).status_code == 200


def test_healthz_tells_the_public_only_up_or_down(client, settings):
    public = client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert public.status_code == 200 and public.json() == {"status": "up"}
    proxied = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9")  # loopback, but via the proxy
    assert proxied.json() == {"status": "up"}
    assert client.get("/healthz").json()["database"] == "ok"  # loopback, direct
    settings.HEALTHZ_TOKEN = "internal-secret-token"
    internal = client.get("/healthz", REMOTE_ADDR="203.0.113.9", HTTP_X_HEALTH_TOKEN="internal-secret-token")
    assert internal.json()["database"] == "ok"
    wrong = client.get("/healthz", REMOTE_ADDR="203.0.113.9", HTTP_X_HEALTH_TOKEN="guess")
    assert wrong.json() == {"status": "up"}


# ------------------------------------------------------------------------------
# Hardening: bidirectional controls stripped from titles and names
# ------------------------------------------------------------------------------
RLO = "\u202e"


def test_right_to_left_overrides_are_stripped_from_titles_and_names(make_petition, staff, almaty):
    from deputies.models import Deputy
    from tests.deputies.factories import DeputyFactory
    from tests.factories import UserFactory
    from tests.hearings.factories import make_hearing

    petition = services.petition_create(
        author=UserFactory(), title=f"Жол {RLO}fdp.exe", text="Текст петиции " * 5, maslikhat=almaty, topic="transport"
    )
    assert Petition.objects.get(pk=petition.pk).title == "Жол fdp.exe"
    person = UserFactory(first_name=f"Ай{RLO}гүл", last_name="\u2066Сейтова\u2069")
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Айгүл", "Сейтова")
    deputy = DeputyFactory(maslikhat=almaty, full_name=f"Депутат\u200f {RLO}Бекұлы")
    assert Deputy.objects.get(pk=deputy.pk).full_name == "Депутат Бекұлы"
    hearing = make_hearing(staff, almaty)
    hearing.topic_ru = f"Бюджет {RLO}2027"
    hearing.save()
    hearing.refresh_from_db()
    assert hearing.topic_ru == "Бюджет 2027"


# ------------------------------------------------------------------------------
# Hardening: the lockout is per (account, network), and the owner is alerted
# ------------------------------------------------------------------------------
def test_failed_logins_lock_the_account_only_for_that_network_and_alert_the_owner(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    official = UserFactory(email="akim.staff@example.kz")
    attacker = {"REMOTE_ADDR": "203.0.113.77"}
    for _attempt in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/en/accounts/login/", {"login": official.email, "password": "guess"}, **attacker)
    locked = client.post(
        "/en/accounts/login/", {"login": official.email, "password": "correct-horse-battery"}, **attacker
    )
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    alerts = [m for m in mailoutbox if m.to == [official.email]]
    assert len(alerts) == 1 and "203.0.113.0/24" in alerts[0].body
    # The official, from their own network, is not locked out.
    client.logout()
    own = client.post(
        "/en/accounts/login/",
        {"login": official.email, "password": "correct-horse-battery"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert own.status_code == 302 and client.session.get("_auth_user_id") == str(official.pk)
