"""Fault tests: real services, each fault bounded in time and undone in a `finally`.

Redis faults use a redis-server of the test's own on a free port: the machine's Redis on 6379 is
shared with other processes (other checkouts' queues) and is never stopped."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.conf import settings

from tests.conftest import CeleryWorker, free_port, worker_env
from tests.tools import require_program

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll a condition with a deadline: a deterministic wait for work done by another process."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class RedisServer:
    """A throwaway redis-server (no persistence, like a restarted cache host that lost its memory)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_until(lambda: not self._answers(), timeout=10, what="redis-server to stop")


@pytest.fixture
def own_redis():
    require_program("redis-server", "redis-server")
    server = RedisServer(free_port()).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def celery_on(broker_url: str, *, eager: bool = False):
    """Point this process's Celery app at another broker, and back afterwards."""
    from portal.celery import app

    # Back to what the settings say (not to whatever an enclosing override left in app.conf).
    previous = (settings.CELERY_BROKER_URL, app.conf.task_always_eager)

    def reset_pools():
        app._pool = None
        try:
            app.__dict__["amqp"]._producer_pool = None
        except (AttributeError, KeyError):
            pass

    app.conf.broker_url, app.conf.task_always_eager = broker_url, eager
    reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        reset_pools()


def start_worker(extra: dict) -> CeleryWorker:
    return CeleryWorker(worker_env(extra)).start()
