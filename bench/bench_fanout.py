"""Fan-out benchmark: one event to N recipients (default 100,000) through a real Celery worker
(prefork) into an aiosmtpd SMTP sink, against PostgreSQL and Redis on loopback.

Prints the time notify() takes to write the rows, emails per second end to end, and the peak
resident memory of the worker processes; asserts exactly one email per recipient. Uses its own
database (dropped at the end) and its own Celery queue.

    .venv/bin/python bench/bench_fanout.py [--recipients N] [--concurrency 3] [--rate 0]
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = f"dauys_bench_fanout_{os.getpid()}"
QUEUE = f"dauys-bench-fanout-{os.getpid()}"
EVENT = "bench.fanout"
EMAIL_DOMAIN = "bench.dauys.test"


def register_bench_event():
    """Imported by the worker too (celery --include bench.bench_fanout)."""
    from notifications.registry import EventType, register_event

    register_event(EventType(key=EVENT, label="Benchmark", template="notification", model="deputies.maslikhat"))


if os.environ.get("DAUYS_BENCH_WORKER") == "1":
    register_bench_event()


class Sink:
    """Counts what the SMTP server accepts, per recipient (no parsing: the sink must not be the
    bottleneck). Offers PIPELINING (RFC 2920), as relays do (Postfix, Exim, hosted services)."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.total = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 - aiosmtpd's hook name
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.counts[rcpt] = self.counts.get(rcpt, 0) + 1
                self.total += 1
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=5432, user=os.environ.get("PGUSER", "postgres"), dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


def process_tree(pid: int) -> list[int]:
    """The worker and its pool children, from /proc (no psutil needed)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def memory_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--rate", type=float, default=0, help="messages/s per SMTP connection (0: no limit)")
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()
    # Cleanup (worker, queue, database) also on SIGTERM, e.g. from `timeout`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    env = dict(os.environ)
    # A Redis database of its own: the test suites' cache.clear() runs FLUSHDB on the shared one,
    # which would also empty this benchmark's Celery queue.
    redis_url = env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    user = env.get("PGUSER", "postgres")
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.local",
        DEBUG="0",  # DEBUG keeps every query in memory: it would distort the memory figure
        DATABASE_URL=f"postgres://{user}@127.0.0.1:5432/{BENCH_DB}",
        REDIS_URL=redis_url,
        CELERY_QUEUE=QUEUE,
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        NOTIFICATIONS_SMTP_RATE=str(args.rate),
        DAUYS_BENCH_WORKER="1",
        LOG_LEVEL="WARNING",
    )
    os.environ.update({k: v for k, v in env.items() if k != "DAUYS_BENCH_WORKER"})

    template = os.environ.get("BENCH_TEMPLATE_DB", "")  # bench/run_all.py's migrated template
    postgres(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    postgres(f'CREATE DATABASE "{BENCH_DB}"' + (f' TEMPLATE "{template}"' if template else ""))
    worker = None
    worker_log = ROOT / "var" / f"bench-fanout-worker-{os.getpid()}.log"
    try:
        if not template:
            print(f"migrating the benchmark database {BENCH_DB} ...", flush=True)
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

        import django

        django.setup()
        from django.db import connection, transaction

        from deputies.models import Maslikhat
        from notifications.models import EmailDelivery
        from notifications.services import notify
        from portal.celery import app
        from portal.models import User

        register_bench_event()
        app.conf.task_always_eager = False

        started = time.monotonic()
        batch = 5000
        languages = ("kk", "ru", "en")
        for start in range(0, args.recipients, batch):
            User.objects.bulk_create(
                [
                    User(
                        email=f"r{i}@{EMAIL_DOMAIN}",
                        first_name="Bench",
                        password="!",
                        preferred_language=languages[i % 3],
                    )
                    for i in range(start, min(start + batch, args.recipients))
                ]
            )
        print(f"created {args.recipients} recipients in {time.monotonic() - started:.1f} s", flush=True)

        worker_log.parent.mkdir(exist_ok=True)
        log_handle = open(worker_log, "w")  # noqa: SIM115 - closed with the worker
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=prefork",
                f"--concurrency={args.concurrency}",
                "-Q",
                QUEUE,
                "--include",
                "bench.bench_fanout",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while len(process_tree(worker.pid)) < args.concurrency + 1:
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{worker_log.read_text()[-3000:]}")
            time.sleep(0.2)
        time.sleep(1)  # the pool children finish importing Django
        baseline = sum(memory_kb(p, "VmRSS") for p in process_tree(worker.pid))

        almaty = Maslikhat.objects.get(code="kz-75")
        recipients = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("pk", flat=True)
        t0 = time.monotonic()
        with transaction.atomic():
            notify(event=EVENT, obj=almaty, recipients=recipients, key="bench")
        t_notify = time.monotonic() - t0
        print(f"notify() wrote {args.recipients} inbox rows and deliveries in {t_notify:.1f} s", flush=True)

        peak_total, peak_process = 0, 0
        last_report = time.monotonic()
        # The sink shares this process: watch lightly (the pool's pids once, memory once a second;
        # the peak is checked against each process's high-water mark at the end anyway).
        pool = process_tree(worker.pid)
        while sink.total < args.recipients:
            if time.monotonic() - t0 > args.timeout:
                raise RuntimeError(f"timed out with {sink.total} of {args.recipients} emails")
            if worker.poll() is not None:
                raise RuntimeError(f"worker died:\n{worker_log.read_text()[-3000:]}")
            rss = [memory_kb(p, "VmRSS") for p in pool]
            peak_total, peak_process = max(peak_total, sum(rss)), max(peak_process, max(rss))
            if time.monotonic() - last_report > 30:
                print(f"  {sink.total} emails after {time.monotonic() - t0:.0f} s", flush=True)
                last_report = time.monotonic()
            time.sleep(1.0)
        elapsed = time.monotonic() - t0
        hwm = [memory_kb(p, "VmHWM") for p in process_tree(worker.pid)]
        peak_process = max(peak_process, max(hwm))

        # Let the last "sent" marks land, then check: once per recipient, in the sink and the table.
        deadline = time.monotonic() + 30
        while EmailDelivery.objects.filter(event=EVENT, status="sent").count() < args.recipients:
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        sent_rows = EmailDelivery.objects.filter(event=EVENT, status="sent").count()
        duplicates = sum(1 for count in sink.counts.values() if count != 1)
        print()
        print(f"recipients                 {args.recipients}")
        print(
            f"worker                     prefork, {args.concurrency} processes, rate limit per connection: {args.rate or 'none'}"  # noqa: E501
        )
        print(f"notify() (rows written)    {t_notify:.1f} s ({args.recipients / t_notify:,.0f} recipients/s)")
        print(f"emails delivered           {sink.total} in {elapsed:.1f} s from notify()")
        rate = sink.total / elapsed
        print(
            f"throughput                 {rate:,.0f} emails/s end to end "
            f"(goal >= 400/s: {'PASS' if rate >= 400 else 'FAIL'})"
        )
        print(
            f"worker memory, peak RSS    {peak_process / 1024:.0f} MB largest process, {peak_total / 1024:.0f} MB all processes (idle: {baseline / 1024:.0f} MB)"  # noqa: E501
        )
        print(f"rows marked sent           {sent_rows}")
        sys.path.insert(0, str(ROOT / "bench"))
        from harness import record

        record(
            "fanout",
            "notification emails/s",
            f"{rate:,.0f} end to end ({args.recipients:,} in {elapsed:.0f} s, {args.concurrency} worker processes)",
            ">= 400/s (100,000)",
            rate >= 400,
        )
        record("fanout", "notify() rows/s", f"{args.recipients / t_notify:,.0f} ({t_notify:.1f} s)", "", None)
        record("fanout", "worker peak RSS", f"{peak_process / 1024:.0f} MB largest process", "", None)
        exact = len(sink.counts) == args.recipients and duplicates == 0 and sent_rows == args.recipients
        record(
            "fanout",
            "exactly one email each",
            f"{len(sink.counts):,} recipients, {duplicates} twice, {sent_rows:,} rows sent",
            "all, once",
            exact,
        )
        assert len(sink.counts) == args.recipients, f"{args.recipients - len(sink.counts)} recipients got nothing"
        assert duplicates == 0, f"{duplicates} recipients got more than one email"
        assert sent_rows == args.recipients, f"{sent_rows} rows marked sent of {args.recipients}"
        print("exactly one email per recipient: OK")
        connection.close()
        return 0
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        try:
            from portal.celery import app

            with app.connection_for_write() as conn:
                conn.default_channel.queue_delete(QUEUE)
        except Exception as error:  # noqa: BLE001 - cleanup must go on
            print(f"(could not delete queue {QUEUE}: {error})")
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001,S110
            pass
        controller.stop()
        postgres(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        worker_log.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
