"""Shared parts of the benchmarks: a dedicated PostgreSQL database, Redis keys under a run prefix,
the production process set-up (gunicorn, a Celery worker and beat) and a small asyncio HTTP/1.1
load generator on loopback.

Everything a run creates carries the run id, and `Run.close()` removes it all: the processes it
started (by their own pid), the database, the Redis keys under the prefix and the scratch directory.
"""

import asyncio
import base64
import datetime
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": int(os.environ.get("PGPORT", "5432")),
    "user": os.environ.get("PGUSER", "postgres"),
}
# A Redis database of its own: test runs elsewhere on the machine flush database 0 between tests.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BIN = Path(sys.executable).parent


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def services_reachable() -> bool:
    return port_open(PG["host"], PG["port"]) and port_open("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# make bench (bench/run_all.py) migrates one template database and every benchmark clones it; each
# benchmark also adds its figures to the run's summary table.
TEMPLATE_ENV = "BENCH_TEMPLATE_DB"
SUMMARY_ENV = "BENCH_SUMMARY"
STATIC_ENV = "BENCH_STATIC_DIR"  # static files collected once, with production's hashed names


def collect_static(env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def create_migrated_database(name: str, env: dict) -> str:
    """CREATE DATABASE `name`, migrated: a copy of make bench's migrated template when there is one
    (a second, instead of a minute of migrations), else migrated here. "cloned" or "migrated"."""
    import psycopg

    template = os.environ.get(TEMPLATE_ENV, "")
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        if template and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return "cloned"
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return "migrated"


def record(bench: str, figure: str, value: str, goal: str = "", ok: bool | None = None) -> None:
    """One row of make bench's summary table (when run by bench/run_all.py; otherwise nothing)."""
    path = os.environ.get(SUMMARY_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        row = {"bench": bench, "figure": figure, "value": value, "goal": goal, "ok": ok}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} cores, {memory}; load average {one:.2f} {five:.2f} {fifteen:.2f}"


class Run:
    """One benchmark run: its database, Redis prefix, scratch directory and child processes."""

    def __init__(self, name: str):
        self.run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.db_name = f"dauys_bench_{name}_{self.run_id.replace('-', '_')}"
        self.prefix = f"dauys-bench-{self.run_id}"
        self.var_dir = ROOT / "var" / f"bench-{self.run_id}"
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.logs: list = []
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{self.db_name}",
            REDIS_URL=REDIS_URL,
            SECRET_KEY=secrets.token_urlsafe(50),
            # Production refuses to store personal data (IINs, names, letters) without a key.
            FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            ALLOWED_HOSTS="127.0.0.1,testserver",
            SECURE_SSL_REDIRECT="false",
            CELERY_QUEUE=self.prefix,
            CACHE_KEY_PREFIX=self.prefix,
            EMAIL_URL="console:",
            LOG_LEVEL="WARNING",
            DAUYS_VAR_DIR=str(self.var_dir),
            DAUYS_BENCH_CEILING="1",
            # Production sees every request through a reverse proxy: the benchmark's clients send
            # X-Forwarded-For as one proxy would (signer_headers), from many client networks.
            NUM_PROXIES="1",
        )
        self.port = 0

    # -- database ---------------------------------------------------------------------------
    def create_database(self, collectstatic: bool = True) -> None:
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        started = time.monotonic()
        how = create_migrated_database(self.db_name, self.env)
        shared = os.environ.get(STATIC_ENV, "")
        if collectstatic and shared and Path(shared).is_dir():
            (self.var_dir / "static").symlink_to(shared)  # make bench collected them once for all
        elif collectstatic:
            # Production serves hashed static names from a manifest: pages cannot render without it.
            collect_static(self.env)
        print(f"database {self.db_name}: {how} in {time.monotonic() - started:.1f} s")

    def drop_database(self) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.db_name])
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')

    def clean_redis(self) -> int:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"*{self.prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        return len(keys)

    # -- processes --------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 - closed in close()
        self.logs.append(log)
        process = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.processes.append((name, process))
        return process

    def log_text(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start_gunicorn(
        self,
        workers: int,
        *,
        app: str = "portal.wsgi:application",
        name: str = "gunicorn",
        cwd: Path = ROOT,
        env: dict | None = None,
        health: str = "/healthz",
    ) -> int:
        """gunicorn on a free loopback port; returns the port (the first one started is self.port)."""
        port = free_port()
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 - closed in close()
        self.logs.append(log)
        args = [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        args += ["--log-level", "warning", "--backlog", "2048"]
        process = subprocess.Popen(args, cwd=cwd, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.processes.append((name, process))
        if not self.port:
            self.port = port
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=2).status_code < 500:
                    return port
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({name}) did not answer {health}:\n{self.log_text(name)[-2000:]}")

    def start_neighbour(self, seconds: float, processes: int = 1) -> None:
        """A CPU-burning neighbour, as other tenants of a shared machine are: `processes` busy loops
        that stop by themselves after `seconds` (and with the run)."""
        loop = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"
        for n in range(processes):
            self._spawn(f"neighbour-{n}", [sys.executable, "-c", loop])

    def start_celery(self) -> None:
        """A worker on this run's default queue, the tally's worker on its own queue (as in
        Procfile.production) and beat with the project's schedule (portal/celery.py)."""
        for name, queue in (("worker", self.prefix), ("tally", f"{self.prefix}-tally")):
            self._spawn(
                name,
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--loglevel=INFO",
                    "--pool=prefork",
                    "--concurrency=1",
                    "-Q",
                    queue,
                    "-n",
                    f"{name}-{self.run_id}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
            )
        self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.var_dir / 'celerybeat-schedule'}",
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            logs = [self.log_text(name) for name in ("worker", "tally")]
            if all("ready." in log for log in logs) and "beat: Starting" in self.log_text("beat"):
                return
            for name, process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log_text(name)[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError("Celery worker or beat did not start")

    def open(self) -> "Run":
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return self

    def close(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may never have been set up
            pass
        self.drop_database()
        removed = self.clean_redis()
        if os.environ.get("BENCH_KEEP_LOGS"):  # the processes' logs and profiles, to read afterwards
            print(f"logs kept in {self.var_dir}")
        else:
            shutil.rmtree(self.var_dir, ignore_errors=True)
        print(
            f"cleaned up: {len(self.processes)} processes stopped, database {self.db_name} dropped, "
            f"{removed} Redis keys removed"
        )


# ------------------------------------------------------------------------------------------
# Data: signers with sessions made directly (no login round trips)
# ------------------------------------------------------------------------------------------
def make_signers(count: int) -> list[str]:
    """N citizens with verified emails, home addresses in two Almaty districts (400 different
    addresses, placed before the rounds: warm_placements) and sessions; returns their
    session keys."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from portal.models import User
    from portal.signer_card import CARD_SESSION_KEY, card_for

    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"signer{i}@bench.invalid",
                first_name="Подписант",
                last_name="Б",
                password=unusable,
                is_citizen=True,
                address=f"Алматы, {'Абая' if i % 2 else 'Достык'} {i // 2 % 200 + 1}",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    signers = list(User.objects.filter(email__endswith="@bench.invalid", first_name="Подписант").order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in signers], batch_size=5000
    )
    store = SessionStore()
    expiry = timezone.now() + datetime.timedelta(days=1)
    sessions, keys, datas = [], [], []
    for user in signers:
        key = secrets.token_hex(16)
        # What a sign-in through the site leaves in the session, the signer card included
        # (portal.signer_card.on_login; these citizens hold no role).
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            CARD_SESSION_KEY: card_for(user, official=False),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        keys.append(key)
        datas.append(data)
    Session.objects.bulk_create(sessions, batch_size=5000)
    # A sign-in through the site leaves the session in the cache as well (cached_db engine), so
    # the signers' first requests find it there, as they would after signing in.
    if settings.SESSION_ENGINE.endswith("cached_db"):
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        session_cache = caches[settings.SESSION_CACHE_ALIAS]
        for start in range(0, len(signers), 5000):
            session_cache.set_many(
                {
                    KEY_PREFIX + key: data
                    for key, data in zip(keys[start : start + 5000], datas[start : start + 5000], strict=True)
                },
                timeout=86400,
            )
    return keys


def warm_placements(petition) -> tuple[int, float]:
    """Place every distinct signer address once for the petition's maslikhat, as the first signer
    from each address does (petitions.signing; the placement is then cached for 5 minutes): the
    rounds measure a surge past its first minutes, whatever their length. (Number, seconds.)"""
    from petitions.signing import place_signer
    from portal.models import User

    addresses = sorted(
        set(
            User.objects.filter(email__endswith="@bench.invalid", first_name="Подписант").values_list(
                "address", flat=True
            )
        )
    )
    started = time.monotonic()
    for address in addresses:
        place_signer(petition, address)
    return len(addresses), time.monotonic() - started


def make_open_petition(
    title: str = "Бенчмарк: озеленить улицу Абая", districts: bool = True, author_email: str = "author@bench.invalid"
):
    """An open petition to Almaty's maslikhat (with two covered districts the first time). The rules
    are the defaults, the per-network limit included: the clients come from many networks through
    the proxy header (signer_headers)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from deputies.convocations import convocation_current
    from deputies.models import AddressCoverage, ElectoralDistrict, Maslikhat
    from petitions import services, transitions
    from petitions.models import Petition
    from portal.models import Role, RoleGrant, User

    almaty = Maslikhat.objects.select_related("unit").get(code="kz-75")
    if districts:
        for number, street in ((1, "абая"), (2, "достык")):
            district = ElectoralDistrict.objects.create(
                maslikhat=almaty, convocation=convocation_current(almaty), number=number, name_ru=f"Округ № {number}"
            )
            AddressCoverage.objects.create(
                district=district,
                settlement="Алматы",
                settlement_key="алматы",
                street=street.title(),
                street_key=street,
                houses="all",
            )
    unusable = make_password(None)
    author = User.objects.create(email=author_email, first_name="Автор", is_citizen=True, password=unusable)
    staff, created = User.objects.get_or_create(
        email="staff@bench.invalid", defaults={"first_name": "Staff", "password": unusable}
    )
    if created:
        RoleGrant.objects.create(user=staff, role=Role.STAFF, scope_code="kz-75")
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    petition = services.petition_create(
        author=author,
        title=title,
        maslikhat=almaty,
        topic="environment",
        text="Текст петиции для бенчмарка подписей. " * 3,
    )
    services.petition_submit(petition=petition, actor=author)
    services.petition_approve(petition=petition, actor=staff)
    return transitions.petition_transition(petition=petition, to=Petition.Status.OPEN, actor=None)


# ------------------------------------------------------------------------------------------
# Load: a minimal HTTP/1.1 client on asyncio streams. Gunicorn's sync workers close every
# connection after one answer, so a connection per request is what any client gets; a raw client
# costs the load generator (which shares the 2 cores with the server) far less CPU than httpx.
# ------------------------------------------------------------------------------------------
ID_RE = re.compile(rb'"id":\s*(\d+)')


@dataclass
class Phase:
    name: str
    cpu: float = 0.0  # seconds of server CPU during the phase (server_cpu), when measured
    client_cpu: float = 0.0  # seconds of the load generator's CPU (this process) during the phase
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    success_times: list[float] = field(default_factory=list)  # time.monotonic() of each 201
    elapsed: float = 0.0
    last_success: float = 0.0
    exhausted: bool = False

    @property
    def created(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def rate(self) -> float:
        return self.created / self.elapsed if self.elapsed else 0.0

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    def cpu_each(self) -> str:
        """Server CPU per answer: what one request costs the machine, whatever else runs beside it
        (a rate says how fast; this says how much, and moves far less with the load average)."""
        return f"{self.cpu / self.answered * 1000:.2f} ms" if self.cpu and self.answered else "n/a"

    def line(self) -> str:
        lat = self.latencies
        return (
            f"{self.name:<22} {self.rate:7.0f}/s  {self.created:6d} created in {self.elapsed:5.1f} s  "
            f"p50 {percentile(lat, 50) * 1000:6.1f}  p95 {percentile(lat, 95) * 1000:6.1f}  "
            f"p99 {percentile(lat, 99) * 1000:6.1f} ms  statuses {dict(sorted(self.statuses.items()))}"
            + (f"  errors {len(self.errors)} {self.errors[:2]}" if self.errors else "")
            + ("  (ran out of signers)" if self.exhausted else "")
        )


async def http(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"", timeout: float = 30.0
) -> tuple[int, bytes]:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(raw)
            return await reader.read()
        finally:
            writer.close()

    data = await asyncio.wait_for(exchange(), timeout)
    if not data.startswith(b"HTTP/1."):
        raise ConnectionError("no HTTP answer")
    head, _sep, payload = data.partition(b"\r\n\r\n")
    return int(head[9:12]), payload


NETWORKS = 4096


def client_address(session_key: str) -> str:
    """The signer's address as the proxy reports it: one of NETWORKS /24 networks (a crowd spread
    over a city's providers). Only written into a header; no traffic goes to it."""
    n = int(session_key[:8], 16)
    return f"10.{n % NETWORKS // 64}.{n % 64}.{n // NETWORKS % 250 + 1}"


def signer_headers(session_key: str, csrf: str) -> dict[str, str]:
    return {
        "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/json",
        "Accept-Language": "ru",
        "X-Forwarded-For": client_address(session_key),
        "X-Forwarded-Proto": "https",
        # Over HTTPS Django's CSRF check wants a same-origin Referer, as browsers send it.
        "Referer": "https://127.0.0.1/",
    }


async def post_surge(
    phase: Phase, port: int, path: str, keys: "asyncio.Queue[str]", seconds: float, concurrency: int
) -> Phase:
    """`concurrency` clients each POST `path` with the next signer's session until time is up."""
    csrf = secrets.token_hex(16)
    deadline = time.monotonic() + seconds

    async def client() -> None:
        while time.monotonic() < deadline:
            try:
                key = keys.get_nowait()
            except asyncio.QueueEmpty:
                phase.exhausted = True
                return
            started = time.perf_counter()
            try:
                status, payload = await http(port, "POST", path, signer_headers(key, csrf), b"{}")
            except (TimeoutError, OSError, ConnectionError) as error:
                phase.errors.append(type(error).__name__)
                continue
            phase.latencies.append(time.perf_counter() - started)
            phase.statuses[status] = phase.statuses.get(status, 0) + 1
            if status == 201:
                phase.last_success = time.monotonic()
                phase.success_times.append(phase.last_success)
                match = ID_RE.search(payload)
                if match:
                    phase.ids.append(int(match.group(1)))
            elif len(phase.errors) < 20:
                phase.errors.append(f"{status}: {payload[:160]!r}")

    began = time.monotonic()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    phase.elapsed = time.monotonic() - began
    return phase


async def get_closed(phase: Phase, port: int, path: str, seconds: float, clients: int, headers=None) -> Phase:
    """`clients` anonymous readers GET `path` back to back until time is up: the most it serves."""
    deadline = time.monotonic() + seconds

    async def reader() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _payload = await http(port, "GET", path, headers or {"Accept-Language": "ru"})
            except (TimeoutError, OSError, ConnectionError) as error:
                phase.errors.append(type(error).__name__)
                continue
            phase.latencies.append(time.perf_counter() - started)
            phase.statuses[status] = phase.statuses.get(status, 0) + 1

    began = time.monotonic()
    await asyncio.gather(*(reader() for _ in range(clients)))
    phase.elapsed = time.monotonic() - began
    return phase


async def get_paced(phase: Phase, port: int, paths: list[str], rate: float, seconds: float, clients: int) -> Phase:
    """Anonymous readers at a fixed total rate (open loop while the server keeps up)."""
    deadline = time.monotonic() + seconds
    interval = clients / rate if rate else seconds

    async def reader(index: int) -> None:
        next_at = time.monotonic() + interval * index / clients
        n = index
        while True:
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() >= deadline:
                return
            next_at += interval
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            try:
                status, _payload = await http(port, "GET", path, {"Accept-Language": "ru"})
            except (TimeoutError, OSError, ConnectionError) as error:
                phase.errors.append(type(error).__name__)
                continue
            phase.latencies.append(time.perf_counter() - started)
            phase.statuses[status] = phase.statuses.get(status, 0) + 1

    began = time.monotonic()
    await asyncio.gather(*(reader(i) for i in range(clients)))
    phase.elapsed = time.monotonic() - began
    return phase


async def get_paced_elsewhere(
    phase: Phase, port: int, paths: list[str], rate: float, seconds: float, clients: int
) -> Phase:
    """get_paced in a process of its own (bench/watchers.py): readers whose connections do not wait
    for this process's other clients."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve().parent / "watchers.py"),
        str(port),
        str(rate),
        str(seconds),
        str(clients),
        *paths,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _err = await process.communicate()
    result = json.loads(out.decode().strip().splitlines()[-1])
    phase.statuses = {int(k): v for k, v in result["statuses"].items()}
    phase.latencies = result["latencies"]
    phase.errors = result["errors"]
    phase.elapsed = result["elapsed"]
    return phase


# ------------------------------------------------------------------------------------------
# Server CPU: what the processes serving the benchmark spent, per phase
# ------------------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


SERVICES = {"postgres", "redis-server"}


def server_cpu(run: "Run") -> float:
    """CPU seconds spent so far by what serves the benchmark: the run's processes (gunicorn and its
    workers, the Celery workers and beat) with their children, PostgreSQL's and Redis's processes;
    not this process, the CPU-burning neighbours or anything else on the machine (Linux /proc; 0
    elsewhere)."""
    ours = {p.pid for name, p in run.processes if not name.startswith("neighbour")}
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    services: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, _sep, tail = (entry / "stat").read_text().rpartition(")")
        except OSError:
            continue
        fields = tail.split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        # utime and stime, plus cutime and cstime: the CPU of its children that have exited and been
        # waited for (a PostgreSQL backend that closed, a Celery pool process replaced). Summed over
        # every live process of a tree, that is the tree's CPU however many of its processes ended.
        cpu[pid] = sum(int(v) for v in fields[11:15]) / _TICK
        if head.partition("(")[2] in SERVICES:
            services.add(pid)
    total = 0.0
    for pid, seconds in cpu.items():
        ancestor, hops = pid, 0
        while ancestor not in ours and ancestor > 1 and hops < 8:
            ancestor, hops = parents.get(ancestor, 0), hops + 1
        if pid in services or ancestor in ours:
            total += seconds
    return total


def client_cpu() -> float:
    """The load generator's CPU: this process and the watchers' processes it has waited for (the
    server's processes are waited for only when the run closes)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


async def metered(run: "Run", load) -> Phase:
    """Await `load` (a coroutine returning a Phase) and note on it the server's and the load
    generator's CPU it took."""
    before, client_before = server_cpu(run), client_cpu()
    phase = await load
    phase.cpu = server_cpu(run) - before
    phase.client_cpu = client_cpu() - client_before
    return phase


# ------------------------------------------------------------------------------------------
# Where the time goes: py-spy (optional; `pip install py-spy`) on a gunicorn master and its workers
# ------------------------------------------------------------------------------------------
def py_spy() -> str | None:
    path = BIN / "py-spy"
    return str(path) if path.exists() else shutil.which("py-spy")


def start_profile(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    tool = py_spy()
    if not tool:
        return None
    return subprocess.Popen(  # noqa: S603
        [tool, "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--rate", "50"]
        + ["--duration", str(max(1, int(seconds))), "--format", "raw", "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def top_frames(raw: Path, count: int = 8) -> list[str]:
    """The busiest frames of a py-spy raw (collapsed) profile: self time of the leaf frames, and the
    time inside each of the project's own functions (petitions/, portal/, deputies/, bench/)."""
    if not raw.exists():
        return ["(no profile: py-spy missing or not permitted)"]
    leaves: dict[str, int] = {}
    ours: dict[str, int] = {}
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _sep, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        samples = int(n)
        total += samples
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")[1:]]  # drop the process frame
        if not frames:
            continue
        leaf = re.sub(r"\(/.*/site-packages/", "(", re.sub(r"\(/.*?/(?=\w+/[\w.]+\.py\))", "(", frames[-1]))
        leaves[leaf] = leaves.get(leaf, 0) + samples
        for frame in set(frames):
            if re.search(r"\((?:/work/[^)]*/)?(petitions|portal|deputies|bench)/[\w/]+\.py\)", frame):
                short = re.sub(r"\(/.*?/((petitions|portal|deputies|bench)/)", r"(\1", frame)
                ours[short] = ours.get(short, 0) + samples
    if not total:
        return ["(empty profile)"]
    lines = [f"{total} samples; self time:"]
    lines += [f"  {n / total:5.1%}  {f}" for f, n in sorted(leaves.items(), key=lambda kv: -kv[1])[:count]]
    lines.append("inside the project's functions (inclusive):")
    lines += [f"  {n / total:5.1%}  {f}" for f, n in sorted(ours.items(), key=lambda kv: -kv[1])[:count]]
    return lines
