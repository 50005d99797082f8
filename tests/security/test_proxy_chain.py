"""Behind a reverse proxy: gunicorn (production settings) behind a small proxy that this test starts,
clients on several loopback networks. The per-network signing limit applies per client network when
NUM_PROXIES=1, and forged X-Forwarded-For / X-Forwarded-Proto headers change nothing when
NUM_PROXIES=0 (issue 20, section 1)."""

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.test import override_settings

from petitions.models import Petition
from portal.middleware import client_ip
from tests.conftest import ROOT, free_port, worker_env
from tests.factories import UserFactory

S = Petition.Status
SIGN = "/api/v1/petitions/{}/signatures/"


# ------------------------------------------------------------------------------------------
# client_ip alone
# ------------------------------------------------------------------------------------------
class _Request:
    def __init__(self, **meta):
        self.META = meta


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),  # no proxy trusted: the header is anyone's to forge
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # a forged left hop is not the client
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer hops than proxies: not through the chain
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_exactly_num_proxies_hops(proxies, forwarded, expected):
    with override_settings(NUM_PROXIES=proxies):
        assert client_ip(_Request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_drf_throttles_use_the_same_address():
    from portal.throttling import ClientIPAnonThrottle, ClientIPUserThrottle

    request = _Request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for proxies, expected in ((0, "10.0.0.1"), (1, "203.0.113.7")):
        with override_settings(NUM_PROXIES=proxies):
            assert ClientIPAnonThrottle().get_ident(request) == expected
            assert ClientIPUserThrottle().get_ident(request) == expected


# ------------------------------------------------------------------------------------------
# A real chain: client (its own loopback address) -> proxy (appends X-Forwarded-For) -> gunicorn
# ------------------------------------------------------------------------------------------
class ReverseProxy:
    """What nginx does with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` and
    `X-Forwarded-Proto https` (TLS ended here): append the peer's address to the client's header,
    set the scheme, forward one request per connection and relay the answer."""

    def __init__(self, upstream: int):
        self.upstream = upstream
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _handle(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")[:-2]
            request_line, headers = lines[0], [line for line in lines[1:] if line]
            forwarded, kept, length = "", [], 0
            for header in headers:
                name, _sep, value = header.partition(":")
                lowered = name.strip().lower()
                if lowered == "x-forwarded-for":
                    forwarded = value.strip()
                elif lowered != "x-forwarded-proto":
                    kept.append(header)
                if lowered == "content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            peer = writer.get_extra_info("peername")[0]
            kept += [f"X-Forwarded-For: {forwarded + ', ' if forwarded else ''}{peer}", "X-Forwarded-Proto: https"]
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
            up_writer.write(("\r\n".join([request_line, *kept]) + "\r\n\r\n").encode("latin-1") + body)
            await up_writer.drain()
            writer.write(await up_reader.read())
            await writer.drain()
            up_writer.close()
        finally:
            writer.close()

    def __enter__(self):
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._handle, "127.0.0.1", self.port), self.loop)
        self.server = future.result(10)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class Gunicorn:
    """gunicorn with production settings against the test database and this checkout's cache prefix."""

    def __init__(self, num_proxies: int, ssl_redirect: bool = True):
        self.port = free_port()
        self.env = worker_env(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here carry hashes keyed by it
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "true" if ssl_redirect else "false",
                "SECURE_HSTS_SECONDS": "0",
                "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
                "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
                "EMAIL_URL": "console:",
                "LOG_LEVEL": "WARNING",
                "NUM_PROXIES": str(num_proxies),
            }
        )
        self.env.pop("DAUYS_TEST_WORKER", None)
        self.log = ROOT / "var" / f"gunicorn-proxy-test-{os.getpid()}.log"

    def __enter__(self):
        self.log.parent.mkdir(exist_ok=True)
        self.handle = open(self.log, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "1", "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _body = request(self.port, "GET", "/healthz")
                if status in (200, 301, 503):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.handle.close()


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes = b"", source: str = ""):
    """One HTTP/1.1 exchange from a chosen loopback address (127.0.0.0/8 is all this host's)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20, source_address=(source, 0) if source else None) as s:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _sep, payload = data.partition(b"\r\n\r\n")
    return int(head[9:12]), head.decode("latin-1") + "\r\n\r\n" + payload.decode("utf-8", "replace")


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


@pytest.fixture
def limited_petition(transactional_db, make_petition, districts):
    petition = make_petition(S.OPEN)
    petition.rules.ip_signatures_per_minute = 2
    petition.rules.save()
    return petition


def sign(port: int, petition, source: str, extra: dict | None = None) -> int:
    csrf = secrets.token_hex(16)
    user = UserFactory(is_citizen=True, address="Алматы, Абая 5")
    headers = {
        "Cookie": f"sessionid={session_for(user)}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/json",
        "Referer": "https://127.0.0.1/",
        **(extra or {}),
    }
    status, text = request(port, "POST", SIGN.format(petition.pk), headers, b"{}", source=source)
    assert status in (201, 429), text
    return status


@pytest.mark.integration
@pytest.mark.integration  # the network limit counts in Redis; signing needs PostgreSQL
def test_behind_one_proxy_the_network_limit_applies_per_client_network(limited_petition):
    with Gunicorn(num_proxies=1) as app, ReverseProxy(app.port) as proxy:
        # Network 127.0.1.0/24: two pass, the third is over the per-network limit (2 a minute)...
        assert [sign(proxy.port, limited_petition, f"127.0.1.{n}") for n in (10, 11)] == [201, 201]
        # ...whatever it claims in its own X-Forwarded-For (the proxy appends the real peer).
        assert sign(proxy.port, limited_petition, "127.0.1.12", {"X-Forwarded-For": "198.51.100.9"}) == 429
        # Other client networks behind the same proxy have limits of their own.
        assert sign(proxy.port, limited_petition, "127.0.2.10") == 201
        assert sign(proxy.port, limited_petition, "127.0.3.10") == 201
        # The proxy ended TLS and said so: no redirect to HTTPS for what came through it.
        status, _text = request(proxy.port, "GET", f"/api/v1/petitions/{limited_petition.pk}/count/")
        assert status == 200
    assert set(limited_petition.signatures.values_list("ip_prefix", flat=True)) == {
        "127.0.1.0/24",
        "127.0.2.0/24",
        "127.0.3.0/24",
    }


@pytest.mark.integration
@pytest.mark.integration  # the network limit counts in Redis; signing needs PostgreSQL
def test_without_proxies_forged_forwarding_headers_change_nothing(limited_petition):
    forged = [{"X-Forwarded-For": f"203.0.{n}.7", "X-Forwarded-Proto": "https"} for n in (1, 2, 3)]
    with Gunicorn(num_proxies=0, ssl_redirect=False) as app:
        # Each request claims another network; all come from 127.0.5.0/24, so the third is refused.
        statuses = [sign(app.port, limited_petition, f"127.0.5.{10 + i}", h) for i, h in enumerate(forged)]
        assert statuses == [201, 201, 429]
    assert set(limited_petition.signatures.values_list("ip_prefix", flat=True)) == {"127.0.5.0/24"}
    with Gunicorn(num_proxies=0) as app:
        # A forged scheme is not HTTPS either (neither for Django nor for gunicorn, gunicorn.conf.py):
        # production redirects plain HTTP.
        path = f"/api/v1/petitions/{limited_petition.pk}/count/"
        for header in ("X-Forwarded-Proto", "X-Forwarded-Ssl", "X-Forwarded-Protocol"):
            value = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}[header]
            status, text = request(app.port, "GET", path, {header: value}, source="127.0.0.1")
            assert status == 301 and "Location: https://" in text, (header, text[:300])
