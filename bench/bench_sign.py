"""Benchmark of the petition sign endpoint (POST /api/v1/petitions/{id}/signatures/) under gunicorn.

Production settings (a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false),
2 x cores sync workers, PostgreSQL and Redis on loopback, a dedicated database created for the run
and dropped after it. N distinct users are created directly with verified emails and sessions (no
login round trips); a bounded asyncio/httpx client signs one petition with them for a fixed time.
Prints signatures/s, latency percentiles, errors, rows vs successful answers, and the count after one
tally. Run: `.venv/bin/python bench/bench_sign.py [--users 20000] [--seconds 25] [--concurrency 48]`.
"""

import argparse
import datetime
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": int(os.environ.get("PGPORT", "5432")),
      "user": os.environ.get("PGUSER", "postgres")}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RUN_ID = f"{os.getpid()}-{secrets.token_hex(3)}"
DB_NAME = f"dauys_bench_sign_{RUN_ID.replace('-', '_')}"
PREFIX = f"dauys-bench-{RUN_ID}"


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}",
        REDIS_URL=REDIS_URL,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        CELERY_QUEUE=PREFIX,
        CACHE_KEY_PREFIX=PREFIX,
        EMAIL_URL="console:",
        LOG_LEVEL="WARNING",
        DAUYS_VAR_DIR=str(ROOT / "var" / f"bench-{RUN_ID}"),
    )
    return env


def create_database() -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')


def clean_redis() -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def prepare(users: int):
    """In this process, against the benchmark database: an open petition and N signers with
    verified emails and session cookies made directly."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from deputies.models import AddressCoverage, ElectoralDistrict, Maslikhat
    from petitions import services
    from petitions.models import Petition, PetitionRules
    from portal.models import Role, RoleGrant, User

    almaty = Maslikhat.objects.select_related("unit").get(code="kz-75")
    districts = [ElectoralDistrict.objects.create(maslikhat=almaty, number=n, name_ru=f"Округ № {n}") for n in (1, 2)]
    for district, street in zip(districts, ("абая", "достык"), strict=True):
        AddressCoverage.objects.create(district=district, settlement="Алматы", settlement_key="алматы",
                                       street=street.title(), street_key=street, houses="all")
    # All benchmark traffic comes from 127.0.0.1: lift the per-network limit for this run only.
    PetitionRules.objects.update(ip_signatures_per_minute=10_000_000)
    unusable = make_password(None)
    author = User.objects.create(email="author@bench.invalid", first_name="Автор", is_citizen=True, password=unusable)
    staff = User.objects.create(email="staff@bench.invalid", first_name="Staff", password=unusable)
    RoleGrant.objects.create(user=staff, role=Role.STAFF, scope_code="kz-75")
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    petition = services.petition_create(author=author, title="Бенчмарк: озеленить улицу Абая", maslikhat=almaty,
                                        topic="environment", text="Текст петиции для бенчмарка подписей. " * 3)
    services.petition_submit(petition=petition, actor=author)
    services.petition_approve(petition=petition, actor=staff)
    petition = services.petition_transition(petition=petition, to=Petition.Status.OPEN, actor=None)

    started = time.monotonic()
    User.objects.bulk_create(
        [User(email=f"signer{i}@bench.invalid", first_name="Подписант", last_name="Б", password=unusable, is_citizen=True,
              address="Алматы, Абая 10" if i % 2 else "Алматы, Достык 5") for i in range(users)],
        batch_size=2000,
    )
    signers = list(User.objects.filter(email__endswith="@bench.invalid", first_name="Подписант").order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in signers], batch_size=2000)
    store = SessionStore()
    expiry = timezone.now() + datetime.timedelta(days=1)
    sessions, cookies = [], []
    for user in signers:
        key = secrets.token_hex(16)
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        cookies.append(key)
    Session.objects.bulk_create(sessions, batch_size=2000)
    print(f"prepared {len(signers)} signers with sessions in {time.monotonic() - started:.1f} s")
    return petition.pk, cookies


async def baseline(base: str, petition_id: int, seconds: float, concurrency: int) -> float:
    """Requests/s of the cached count endpoint (no database): this machine's ceiling right now."""
    import httpx

    url = f"{base}/api/v1/petitions/{petition_id}/count/"
    done = 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency), timeout=30.0) as client:
        async def worker():
            nonlocal done
            while time.monotonic() < deadline:
                if (await client.get(url)).status_code == 200:
                    done += 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.monotonic() - began)


async def hammer(base: str, petition_id: int, cookies: list[str], seconds: float, concurrency: int) -> dict:
    import httpx

    csrf = secrets.token_hex(16)
    url = f"{base}/api/v1/petitions/{petition_id}/signatures/"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    queue: asyncio.Queue = asyncio.Queue()
    for key in cookies:
        queue.put_nowait(key)
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        async def worker():
            while time.monotonic() < deadline:
                try:
                    key = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                headers = {"Cookie": f"sessionid={key}; csrftoken={csrf}", "X-CSRFToken": csrf,
                           "Content-Type": "application/json", "Accept-Language": "ru"}
                start = time.perf_counter()
                try:
                    response = await client.post(url, content=b"{}", headers=headers)
                except httpx.HTTPError as error:
                    errors.append(type(error).__name__)
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code not in (200, 201) and len(errors) < 5:
                    errors.append(f"{response.status_code}: {response.text[:200]}")

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "elapsed": elapsed}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    if not (port_open(PG["host"], PG["port"]) and port_open("127.0.0.1", 6379)):
        print("bench_sign needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.")
        return 2

    env = environment()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    gunicorn = None
    create_database()
    try:
        print(f"database {DB_NAME}: migrating ...")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        petition_id, cookies = prepare(args.users)
        from django.db import connections

        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning", "--backlog", "2048"],
            cwd=ROOT, env=env,
        )
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            print("gunicorn did not answer /healthz")
            return 1
        print(f"gunicorn: {args.workers} workers; client: {args.concurrency} concurrent; {args.seconds:.0f} s; "
              f"{len(cookies)} distinct signers")
        ceiling = asyncio.run(baseline(base, petition_id, 5.0, args.concurrency))
        result = asyncio.run(hammer(base, petition_id, cookies, args.seconds, args.concurrency))

        from django.db import connection

        from petitions.models import Petition, PetitionDistrictCount, Signature
        from petitions.tally import petitions_tally

        connections.close_all()
        rows = Signature.objects.filter(petition_id=petition_id).count()
        before = Petition.objects.get(pk=petition_id).signature_count
        tally_started = time.monotonic()
        petitions_tally()
        tally_seconds = time.monotonic() - tally_started
        petition = Petition.objects.get(pk=petition_id)
        per_district = sum(PetitionDistrictCount.objects.filter(petition_id=petition_id).values_list("signatures", flat=True))
        created = result["statuses"].get(201, 0)
        lat = result["latencies"]
        print("-" * 72)
        print(f"requests answered   {len(lat)} in {result['elapsed']:.1f} s; statuses {dict(sorted(result['statuses'].items()))}")
        rate = created / result["elapsed"]
        print(f"signatures/s        {rate:.0f} (new signatures, 201)")
        print(f"baseline            {ceiling:.0f} requests/s on the cached count endpoint (no database); "
              f"signing runs at {rate / ceiling:.0%} of it; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"latency ms          p50 {percentile(lat, 50) * 1000:.1f}  p95 {percentile(lat, 95) * 1000:.1f}  "
              f"p99 {percentile(lat, 99) * 1000:.1f}  mean {statistics.fmean(lat) * 1000 if lat else float('nan'):.1f}")
        print(f"errors              {len(result['errors'])} {result['errors'][:3]}")
        print(f"rows vs 201 answers {rows} rows / {created} answers -> {'OK' if rows == created else 'MISMATCH'}")
        print(f"count before tally  {before} (signing never touches the petition row)")
        print(f"count after tally   {petition.signature_count} (residents {petition.resident_signature_count}; "
              f"districts sum {per_district}); tally took {tally_seconds * 1000:.0f} ms")
        ok = rows == created == petition.signature_count == per_district and not [e for e in result["errors"] if not e[:3].isdigit()]
        print("RESULT              " + ("OK" if ok else "CHECK THE NUMBERS ABOVE"))
        connection.close()
        return 0 if ok else 1
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may never have been set up
            pass
        drop_database()
        removed = clean_redis()
        import shutil

        shutil.rmtree(Path(env["DAUYS_VAR_DIR"]), ignore_errors=True)
        print(f"cleaned up: database {DB_NAME} dropped, {removed} Redis keys removed")


if __name__ == "__main__":
    sys.exit(main())
