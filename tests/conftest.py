"""Shared fixtures: factories, real services (PostgreSQL, Redis, a Celery worker, an SMTP sink)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_report_header(config):
    db = "PostgreSQL" if _using_postgres() else "SQLite"
    broker = "Redis" if settings.REDIS_URL else "local memory / eager tasks"
    return [f"Dauys test backends: database={db}, cache/broker={broker}, REQUIRE_SERVICES={int(REQUIRE_SERVICES)}"]


def pytest_sessionstart(session):
    if REQUIRE_SERVICES and not (_using_postgres() and settings.REDIS_URL):
        pytest.exit(
            "REQUIRE_SERVICES=1 but PostgreSQL or Redis is not configured (DATABASE_URL, REDIS_URL).", returncode=3
        )


def pytest_collection_modifyitems(config, items):
    """Integration tests need PostgreSQL and Redis; locally without them they are skipped, in CI
    (REQUIRE_SERVICES=1) nothing is skipped."""
    if _using_postgres() and settings.REDIS_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis (run make test with both on 127.0.0.1)")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


class SignInClient:
    """Mixed into the test client: force_login leaves the session as the site's sign-in would. A user
    with an authenticator has passed the second factor too (allauth's record in the session); pass
    mfa=False to open a session that has not (tests of the MFA requirement do)."""

    def force_login(self, user, backend=None, *, mfa: bool | None = None):
        super().force_login(user, backend)
        if mfa is None:
            from portal.mfa import has_authenticator

            mfa = has_authenticator(user)
        if mfa:
            mark_session_mfa(self, user)


def mark_session_mfa(client, user) -> None:
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@pytest.fixture
def client():
    from django.test import Client

    return type("DauysClient", (SignInClient, Client), {})()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request under /ru/ activates Russian in the test's
    thread and Django does not switch it back, so a later test's reverse() would say /ru/ too."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Forget this checkout's cache keys. Never FLUSHDB: Redis also carries the Celery queues (of
    this run's worker, and of other checkouts on the machine)."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every database test starts from what the migrations load: the administrative map and every
    app's rules in force. A transactional test ends by flushing the database (and `post_migrate`
    reloads most of it); this puts back whatever is missing, so no test depends on the order."""
    if request.node.get_closest_marker("django_db") is None and not DATABASE_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("db")  # the transactional kind when the marker or a fixture asks for it
    factories.ensure_reference_data()


@pytest.fixture
def english():
    """Service and selector messages asserted in English; pages and the API still choose their
    language from the URL or the request. Directories and modules that assert English texts use it."""
    from django.utils import translation

    with translation.override("en"):
        yield


# ------------------------------------------------------------------------------
# People and places shared by the apps' tests. One name, one person.
# ------------------------------------------------------------------------------
@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def citizen(db):
    return factories.UserFactory(first_name="Айгүл", last_name="Сейтова", is_citizen=True)


@pytest.fixture
def author(db):
    """A citizen with an Almaty address who writes petitions."""
    return factories.UserFactory(first_name="Айгүл", last_name="Сейтова", is_citizen=True, address="Алматы, Абая 10")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_superuser=True, is_staff=True, mfa=True)


@pytest.fixture
def almaty(db):
    """Almaty city maslikhat (kz-75), loaded by the migrations."""
    from deputies.models import Maslikhat

    return Maslikhat.objects.select_related("unit").get(code="kz-75")


@pytest.fixture
def astana(db):
    """Astana city maslikhat (kz-71), loaded by the migrations."""
    from deputies.models import Maslikhat

    return Maslikhat.objects.select_related("unit").get(code="kz-71")


@pytest.fixture
def staff(almaty):
    """The Almaty maslikhat's staff member (secretariat), with the MFA officials must have."""
    from portal.models import Role

    person = factories.UserFactory(mfa=True, first_name="Сара", last_name="Хатшы")
    factories.grant(person, Role.STAFF, "kz-75")
    return person


@pytest.fixture
def moderator(almaty):
    """A moderator of the Almaty maslikhat."""
    from portal.models import Role

    person = factories.UserFactory(mfa=True)
    factories.grant(person, Role.MODERATOR, "kz-75")
    return person


@pytest.fixture
def stranger_staff(astana):
    """A staff member of another maslikhat (Astana)."""
    from portal.models import Role

    person = factories.UserFactory(mfa=True)
    factories.grant(person, Role.STAFF, "kz-71")
    return person


@pytest.fixture
def districts(almaty, astana):
    """District 1 covers Abai street, district 2 Dostyk avenue (Almaty); Astana's district 1 covers
    Kenesary street (outside Almaty's territory)."""
    from tests.petitions.factories import petition_districts

    return petition_districts(almaty, astana)


@pytest.fixture
def make_petition(almaty, author, staff):
    """make_petition(stage) builds a petition through the services up to the stage."""
    from petitions.models import Petition
    from tests.petitions.factories import TITLE, petition_at

    def build(stage: str = Petition.Status.DRAFT, *, title: str = TITLE, maslikhat=None, owner=None) -> Petition:
        return petition_at(stage, author=owner or author, staff=staff, maslikhat=maslikhat or almaty, title=title)

    return build


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------
# A real SMTP server (aiosmtpd) that keeps what it receives
# ------------------------------------------------------------------------------
class SMTPSink:
    """An SMTP server keeping what it accepts. It offers PIPELINING (RFC 2920) as relays do, so the
    notification tests go through the pipelined sending path."""

    def __init__(self):
        self.messages = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 - aiosmtpd's hook name
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.original_content or envelope.content, policy=policy.default),
            }
        )
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """Start aiosmtpd on a free port and point Django's SMTP backend at it."""
    from aiosmtpd.controller import Controller

    sink = SMTPSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    from portal.email_config import email_settings_from_url

    sink.port = controller.port
    sink.url = f"smtp://127.0.0.1:{controller.port}"
    settings.MAILERS = email_settings_from_url(sink.url)["MAILERS"]
    yield sink
    controller.stop()


# ------------------------------------------------------------------------------
# A real Celery worker in a subprocess, on this checkout's own queue, against the test database
# ------------------------------------------------------------------------------
class CeleryWorker:
    def __init__(self, env: dict):
        self.env = env
        self.process = None
        self.log = ROOT / "var" / f"celery-worker-{os.getpid()}.log"

    def start(self):
        self.log.parent.mkdir(exist_ok=True)
        handle = open(self.log, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--loglevel=INFO",
                "--pool=prefork",
                "--concurrency=2",
                "-Q",
                f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_TALLY_QUEUE}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"Celery worker did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self, sig=9):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def worker_env(extra: dict | None = None) -> dict:
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DAUYS_TEST_WORKER="1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
    )
    env.update(extra or {})
    return env


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real worker process; tasks sent by the test go through Redis to it."""
    if not (_using_postgres() and settings.REDIS_URL):
        pytest.skip("a real Celery worker needs PostgreSQL and Redis")
    from portal.celery import app

    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    extra = {}
    mailer = settings.MAILERS["default"]
    if mailer["BACKEND"].endswith("smtp.EmailBackend"):
        extra["EMAIL_URL"] = f"smtp://{mailer['OPTIONS']['host']}:{mailer['OPTIONS']['port']}"
    if settings.TELEGRAM_BOT_TOKEN:  # the fake Bot API of tests/telegram
        extra.update(
            TELEGRAM_BOT_TOKEN=settings.TELEGRAM_BOT_TOKEN,
            TELEGRAM_API_URL=settings.TELEGRAM_API_URL,
            TELEGRAM_RATE=str(settings.TELEGRAM_RATE),
        )
    worker = CeleryWorker(worker_env(extra))
    app.control.purge()
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = True


@pytest.fixture
def eds_pki(settings, tmp_path):
    """EDS signing switched on with a PKI made in the tests (tests/eds_pki.py)."""
    from tests.eds_pki import configured

    return configured(settings, tmp_path)
