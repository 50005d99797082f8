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


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def citizen(db):
    return factories.UserFactory(first_name="Айгүл", last_name="Сейтова", is_citizen=True)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_superuser=True, is_staff=True, mfa=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------
# A real SMTP server (aiosmtpd) that keeps what it receives
# ------------------------------------------------------------------------------
class SMTPSink:
    def __init__(self):
        self.messages = []

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
                settings.CELERY_TASK_DEFAULT_QUEUE,
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
    worker = CeleryWorker(worker_env(extra))
    app.control.purge()
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = True
