"""A viral petition on one machine: the sign surge, the ceilings, watchers and the tally, in one run.

One process set-up for everything, as production sees it: gunicorn with production settings and
2 x cores sync workers behind a proxy (NUM_PROXIES=1: every client sends X-Forwarded-For from one of
4,096 /24 networks, with the per-network limit on), PostgreSQL and Redis on loopback, a Celery
worker, the tally's own worker and beat, a dedicated database dropped afterwards, and a CPU-burning
neighbour (--neighbours busy loops) for the whole measurement, as other tenants of a shared machine
are. N distinct citizens with verified emails and sessions made directly. After a warm-up, --rounds
rounds of four slices (interleaved so that load from elsewhere weighs on all alike):

1. bare ceiling: bench/ceiling/, a separate minimal Django project (SecurityMiddleware and
   CommonMiddleware, no sessions) doing one INSERT under a unique constraint, same worker count;
2. project ceiling: the same INSERT behind Dauys's middleware, session and authentication
   (portal/bench_views.py), a second line;
3. sign: distinct signers POST /api/v1/petitions/{id}/signatures/ (--seconds over all rounds);
4. sign with watchers: signing goes on while anonymous readers GET the petition page and the count
   endpoint at --watch-rate requests/s, from a process of their own (bench/watchers.py).

All the while a poller reads the public count twice a second: the lag at each poll is the age of
the oldest answered signature that the count does not show yet (p50, p95, max during the surge).
Then: the lag after the last signature; the most the watched endpoints serve alone (the count, the
anonymous petition page, the page rendered afresh and a static file from the same gunicorn through
whitenoise); the tally's own capacity (a backlog of rows inserted at once, tallied oldest first in
bounded batches). Each phase also notes the server's CPU (harness.server_cpu): per answer, it says what
a request costs whatever else the machine is doing. BENCH_KEEP_LOGS=1 keeps the processes' logs.

Checks: every 201 answer's signature id is a row (lost = 0); no signer has two rows and no row lacks
an answer (duplicated = 0); the API count after the tally equals the rows and the per-district counts
(count exact). Exit status 1 when a check fails; each performance figure is printed with its goal and
PASS or FAIL, and not enforced (the machine is shared).

Run: `.venv/bin/python bench/bench_surge.py [--seconds 30] [--users 20000] [--concurrency 16]`.
"""

import argparse
import asyncio
import bisect
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    ROOT,
    Phase,
    Run,
    client_cpu,
    get_closed,
    get_paced,
    get_paced_elsewhere,
    http,
    machine,
    make_open_petition,
    make_signers,
    metered,
    percentile,
    post_surge,
    py_spy,
    record,
    server_cpu,
    services_reachable,
    start_profile,
    top_frames,
    warm_placements,
)  # noqa: E402


def fresh_queue(keys: list[str]) -> "asyncio.Queue[str]":
    queue: asyncio.Queue[str] = asyncio.Queue()
    for key in keys:
        queue.put_nowait(key)
    return queue


async def wait_for_count(port: int, petition_id: int, rows: int, limit: float) -> tuple[float, int]:
    """Poll the public count endpoint until it shows `rows`; (seconds waited, last count seen)."""
    started = time.monotonic()
    seen = -1
    while time.monotonic() - started < limit:
        status, payload = await http(port, "GET", f"/api/v1/petitions/{petition_id}/count/")
        if status == 200:
            seen = json.loads(payload)["signature_count"]
            if seen == rows:
                return time.monotonic() - started, seen
        await asyncio.sleep(0.1)
    return float("inf"), seen


def merged(name: str, phases: list[Phase]) -> Phase:
    total = Phase(name)
    for phase in phases:
        total.latencies += phase.latencies
        total.ids += phase.ids
        total.success_times += phase.success_times
        total.errors += phase.errors
        total.elapsed += phase.elapsed
        total.cpu += phase.cpu
        total.client_cpu += phase.client_cpu
        total.last_success = max(total.last_success, phase.last_success)
        total.exhausted = total.exhausted or phase.exhausted
        for status, n in phase.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
    return total


async def poll_count(port: int, petition_id: int, samples: list, stop: asyncio.Event) -> None:
    """The public count twice a second, as a watcher sees it: (time, count) samples."""
    while not stop.is_set():
        try:
            status, payload = await http(port, "GET", f"/api/v1/petitions/{petition_id}/count/")
            if status == 200:
                samples.append((time.monotonic(), json.loads(payload)["signature_count"]))
        except (TimeoutError, OSError, ConnectionError):
            pass
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except TimeoutError:
            pass


def lag_samples(samples: list, answered: list[float]) -> list[float]:
    """At each poll: how long ago the oldest signature answered 201 but not yet in the shown count
    was answered (0 when the count shows every answered signature)."""
    answered = sorted(answered)
    lags = []
    for at, count in samples:
        done = bisect.bisect_right(answered, at)
        lags.append(0.0 if count >= done else at - answered[count])
    return lags


async def scenario(run: Run, args, petition_id: int, keys: list[str], bare_port: int) -> dict:
    """Rounds of [bare ceiling, project ceiling, sign, sign with watchers]: the machine is shared,
    and interleaving puts any load from elsewhere on all of them alike."""
    port = run.port
    sign_path = f"/api/v1/petitions/{petition_id}/signatures/"
    read_paths = [f"/ru/petitions/{petition_id}/", f"/api/v1/petitions/{petition_id}/count/"]
    signers = fresh_queue(keys)
    ceiling_keys = fresh_queue(keys)
    bare_keys = fresh_queue(keys)
    samples: list = []
    stop = asyncio.Event()
    poller = asyncio.create_task(poll_count(port, petition_id, samples, stop))
    # Warm every worker's imports, connections and caches; these signatures count like any other.
    warm = await post_surge(Phase("warm-up sign"), port, sign_path, signers, 2.0, args.concurrency)
    await post_surge(Phase("warm-up ceiling"), port, "/bench/ceiling/0/", fresh_queue(keys), 2.0, args.concurrency)
    await post_surge(Phase("warm-up bare"), bare_port, "/sign/0/", fresh_queue(keys), 2.0, args.concurrency)
    # The watchers' pages too: each worker's first render compiles the templates.
    await get_paced(Phase("warm-up reads"), port, read_paths, args.watch_rate, 1.0, args.readers)
    await get_closed(Phase("warm-up renders"), port, f"/ru/petitions/{petition_id}/?bench=warm", 1.0, args.workers)
    rounds = max(1, args.rounds)
    bares, ceilings, surges, watched, reads = [], [], [], [], []
    for n in range(1, rounds + 1):
        bares.append(
            await metered(
                run,
                post_surge(
                    Phase(f"bare ceiling {n}"),
                    bare_port,
                    "/sign/1/",
                    bare_keys,
                    args.ceiling_seconds / rounds,
                    args.concurrency,
                ),
            )
        )
        ceilings.append(
            await metered(
                run,
                post_surge(
                    Phase(f"project ceiling {n}"),
                    port,
                    "/bench/ceiling/1/",
                    ceiling_keys,
                    args.ceiling_seconds / rounds,
                    args.concurrency,
                ),
            )
        )
        surges.append(
            await metered(
                run,
                post_surge(Phase(f"sign {n}"), port, sign_path, signers, args.seconds / rounds, args.concurrency),
            )
        )
        read = Phase(f"reads {n}")
        before, client_before = server_cpu(run), client_cpu()
        signed, _ = await asyncio.gather(
            post_surge(
                Phase(f"sign+watchers {n}"), port, sign_path, signers, args.watch_seconds / rounds, args.concurrency
            ),
            get_paced_elsewhere(read, port, read_paths, args.watch_rate, args.watch_seconds / rounds, args.readers),
        )
        signed.cpu = server_cpu(run) - before  # signing and reading together
        signed.client_cpu = client_cpu() - client_before
        watched.append(signed)
        reads.append(read)
        print(
            f"round {n}: bare ceiling {bares[-1].rate:.0f}/s, project ceiling {ceilings[-1].rate:.0f}/s, "
            f"sign {surges[-1].rate:.0f}/s, sign with watchers {signed.rate:.0f}/s and "
            f"{read.statuses.get(200, 0) / read.elapsed:.0f} reads/s; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    sign_phases = [warm, *surges, *watched]
    last_success = max(p.last_success for p in sign_phases)
    answered = [t for p in sign_phases for t in p.success_times]
    during = lag_samples([s for s in samples if s[0] <= last_success], answered)
    stop.set()
    await poller
    rows = await asyncio.to_thread(signature_rows, petition_id)
    waited, seen = await wait_for_count(port, petition_id, rows, 60.0)
    lag = time.monotonic() - last_success if waited != float("inf") else float("inf")
    # What the watched endpoints serve alone, beside a static file from the same gunicorn.
    static_path = await asyncio.to_thread(static_url)
    alone = {}
    for name, path in (
        ("static file", static_path),
        ("count endpoint", f"/api/v1/petitions/{petition_id}/count/"),
        ("petition page", f"/ru/petitions/{petition_id}/"),
        # A query string makes the view render the page instead of sharing the cached one: what
        # each reader after a tally would cost if the page were rendered afresh every time.
        ("page rendered", f"/ru/petitions/{petition_id}/?bench=render"),
    ):
        alone[name] = await metered(run, get_closed(Phase(name), port, path, args.read_seconds, args.concurrency))
    return {
        "warm": warm,
        "surge": merged("sign surge", surges),
        "watched": merged("sign with watchers", watched),
        "reads": merged("watchers' reads", reads),
        "ceiling": merged("project ceiling", ceilings),
        "bare": merged("bare ceiling", bares),
        "round_ratios": [s.rate / c.rate for s, c in zip(surges, bares, strict=True) if c.rate],
        "round_costs": [1 - w.rate / s.rate for s, w in zip(surges, watched, strict=True) if s.rate],
        "peak_sign": max(p.rate for p in [*surges, *watched]),
        "lag": lag,
        "lag_during": during,
        "api_count": seen,
        "alone": alone,
    }


async def profile_figures(run: Run, args, bare_port: int, petition_id: int, keys: list[str]) -> dict:
    """Each figure again for --profile-seconds with py-spy on the serving gunicorn (after the
    measured figures, on a petition of its own, so the sampling costs none of them)."""
    pids = {name: process.pid for name, process in run.processes}
    seconds = args.profile_seconds
    sign_path = f"/api/v1/petitions/{petition_id}/signatures/"
    signers, bare_keys, ceiling_keys = fresh_queue(keys), fresh_queue(keys), fresh_queue(keys)
    static_path = await asyncio.to_thread(static_url)
    jobs = {
        "bare ceiling": (
            "bare",
            lambda: post_surge(Phase("p"), bare_port, "/sign/2/", bare_keys, seconds, args.concurrency),
        ),
        "project ceiling": (
            "gunicorn",
            lambda: post_surge(Phase("p"), run.port, "/bench/ceiling/2/", ceiling_keys, seconds, args.concurrency),
        ),
        "sign": (
            "gunicorn",
            lambda: post_surge(
                Phase("p"), run.port, f"/api/v1/petitions/{petition_id}/signatures/", signers, seconds, args.concurrency
            ),
        ),
        "sign with watchers": (
            "gunicorn",
            lambda: asyncio.gather(
                post_surge(Phase("p"), run.port, sign_path, signers, seconds, args.concurrency),
                get_paced(
                    Phase("r"),
                    run.port,
                    [f"/ru/petitions/{petition_id}/", f"/api/v1/petitions/{petition_id}/count/"],
                    args.watch_rate,
                    seconds,
                    args.readers,
                ),
            ),
        ),
        "count endpoint": (
            "gunicorn",
            lambda: get_closed(
                Phase("p"), run.port, f"/api/v1/petitions/{petition_id}/count/", seconds, args.concurrency
            ),
        ),
        "petition page": (
            "gunicorn",
            lambda: get_closed(Phase("p"), run.port, f"/ru/petitions/{petition_id}/", seconds, args.concurrency),
        ),
        "static file": ("gunicorn", lambda: get_closed(Phase("p"), run.port, static_path, seconds, args.concurrency)),
    }
    profiles = {}
    for figure, (server, load) in jobs.items():
        out = run.var_dir / f"profile-{figure.replace(' ', '-')}.txt"
        spy = start_profile(pids[server], seconds, out)
        await load()
        if spy is not None:
            await asyncio.to_thread(spy.wait, 60)
        profiles[figure] = top_frames(out)
    return profiles


def static_url() -> str:
    from django.templatetags.static import static

    return static("css/dauys.css")


def tally_capacity(petition_id: int, users: int) -> tuple[int, float]:
    """A backlog of `users` signatures on a second petition, inserted at once as pending rows (as a
    surge leaves them), then tallied until the stored count shows them all: (rows, seconds). The
    benchmark calls the tally itself; the tally worker may take batches too (the lock shares them)."""
    from django.db import connection

    from petitions.models import Petition
    from petitions.tally import petitions_tally

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO petitions_signature (petition_id, signer_id, created_at, status, status_changed_at, "
            "invalidation_reason, pending, counted, district_id, is_resident, address, is_citizen, ip_prefix, "
            "email_domain) "
            "SELECT %s, u.id, now(), 'valid', NULL, '', true, false, "
            "(SELECT id FROM deputies_electoraldistrict ORDER BY id LIMIT 1 OFFSET (u.id %% 2)), true, "
            "'Алматы', true, '10.0.0.0/24', 'bench.invalid' FROM portal_user u "
            "WHERE u.email LIKE 'signer%%@bench.invalid' ORDER BY u.id LIMIT %s",
            [petition_id, users],
        )
        inserted = cursor.rowcount
    started = time.monotonic()
    while Petition.objects.filter(pk=petition_id).values_list("signature_count", flat=True).get() < inserted:
        if petitions_tally() is None:
            time.sleep(0.05)
        if time.monotonic() - started > 120:
            return inserted, float("inf")
    elapsed = time.monotonic() - started
    connection.close()
    return inserted, elapsed


def signature_rows(petition_id: int) -> int:
    from django.db import connection

    from petitions.models import Signature

    try:
        return Signature.objects.filter(petition_id=petition_id).count()
    finally:
        connection.close()


def petition_row_updates() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd + n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'petitions_petition'")
        return cursor.fetchone()[0]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The defaults fit make bench's 10 minutes on a shared 2-core machine: 30 s of signing in 4
    # rounds (the ratio of the rounds is what is compared; 60 s gave the same spread).
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the sign surge")
    parser.add_argument("--ceiling-seconds", type=float, default=12.0, help="of each ceiling, over all rounds")
    # As long as signing alone: with 3 s a round, one tally's page render or a neighbour's burst moved
    # a round's cost by 20 points either way.
    parser.add_argument("--watch-seconds", type=float, default=30.0, help="of signing with watchers, over all rounds")
    parser.add_argument("--watch-rate", type=float, default=100.0, help="anonymous reads per second while signing")
    parser.add_argument("--read-seconds", type=float, default=3.0, help="of each read-only figure")
    parser.add_argument("--readers", type=int, default=8, help="reading clients sharing --watch-rate")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of ceilings, sign, sign with watchers")
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--backlog", type=int, default=10_000, help="rows of the tally-capacity backlog")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--neighbours", type=int, default=1, help="CPU-burning busy loops during the run")
    parser.add_argument(
        "--profile-seconds", type=float, default=0.0, help="py-spy each figure this long (0: off; needs py-spy)"
    )
    args = parser.parse_args()
    if not services_reachable():
        print("bench_surge needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.")
        return 2
    load_before = machine()
    print(f"machine: {load_before}")
    run = Run("surge").open()
    try:
        run.create_database()
        import django

        django.setup()
        from django.db import connection, connections

        from portal.bench_views import CREATE_SQL

        sys.path.insert(0, str(ROOT / "bench" / "ceiling"))
        from bare.views import CREATE_SQL as BARE_SQL

        with connection.cursor() as cursor:
            cursor.execute(CREATE_SQL)
            cursor.execute(BARE_SQL)
        started = time.monotonic()
        petition = make_open_petition()
        second = make_open_petition(
            title="Бенчмарк: ёмкость подсчёта подписей", districts=False, author_email="author2@bench.invalid"
        )
        third = make_open_petition(
            title="Бенчмарк: профиль подписей", districts=False, author_email="author3@bench.invalid"
        )
        keys = make_signers(args.users)
        print(f"prepared {len(keys)} signers with sessions in {time.monotonic() - started:.1f} s")
        placed, placing = warm_placements(petition)
        print(
            f"placed the signers' {placed} distinct addresses in {placing:.1f} s ({placing / placed * 1000:.1f} ms "
            "each, cold): the rounds find each placement in the cache, as a surge does after its first minutes"
        )
        connections.close_all()
        run.start_gunicorn(args.workers)
        bare_env = {k: v for k, v in run.env.items() if k not in ("DJANGO_SETTINGS_MODULE", "NUM_PROXIES", "REDIS_URL")}
        bare_env["DJANGO_SETTINGS_MODULE"] = "bare.settings"
        bare_port = run.start_gunicorn(
            args.workers,
            app="bare.wsgi:application",
            name="bare",
            cwd=ROOT / "bench" / "ceiling",
            env=bare_env,
            health="/sign/0/",
        )
        run.start_celery()
        updates_before = petition_row_updates()
        connections.close_all()
        measured = (args.seconds + 2 * args.ceiling_seconds + args.watch_seconds + 3 * args.read_seconds) * 1.5 + 120
        run.start_neighbour(measured, args.neighbours)
        print(
            f"gunicorn {args.workers} sync workers (and {args.workers} for the bare ceiling), NUM_PROXIES=1 with "
            f"clients from 4,096 networks, per-network limit on; Celery worker, tally worker and beat; "
            f"{args.neighbours} CPU-burning neighbour(s); {args.concurrency} concurrent clients; {args.rounds} rounds; "
            f"sign {args.seconds:.0f} s, each ceiling {args.ceiling_seconds:.0f} s, watchers "
            f"{args.watch_seconds:.0f} s at {args.watch_rate:.0f} reads/s in all",
            flush=True,
        )
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        result = asyncio.run(scenario(run, args, petition.pk, keys, bare_port))
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        load_after = machine()

        from petitions.models import Petition, PetitionDistrictCount, Signature

        sign_phases = (result["warm"], result["surge"], result["watched"])
        answered = [i for p in sign_phases for i in p.ids]
        created = sum(p.created for p in sign_phases)
        table = set(Signature.objects.filter(petition_id=petition.pk).values_list("pk", flat=True))
        signers = Signature.objects.filter(petition_id=petition.pk).values("signer_id").distinct().count()
        lost = len(set(answered) - table)
        duplicated = (len(answered) - len(set(answered))) + (len(table) - signers) + len(table - set(answered))
        stored = Petition.objects.get(pk=petition.pk)
        districts = sum(
            PetitionDistrictCount.objects.filter(petition_id=petition.pk).values_list("signatures", flat=True)
        )
        count_exact = result["api_count"] == len(table) == stored.signature_count == districts
        updates = petition_row_updates() - updates_before
        tallies = run.log_text("tally").count("petition_tally_task") // 2
        connection.close()
        backlog, backlog_seconds = tally_capacity(second.pk, min(args.backlog, args.users))
        tally_rate = backlog / backlog_seconds if backlog_seconds else 0.0
        if args.profile_seconds > 0 and not py_spy():
            print("--profile-seconds: py-spy is not installed (pip install py-spy); no profiles")
        profiles = (
            asyncio.run(profile_figures(run, args, bare_port, third.pk, keys))
            if args.profile_seconds > 0 and py_spy()
            else {}
        )

        surge, watched, reads = result["surge"], result["watched"], result["reads"]
        ceiling, bare = result["ceiling"], result["bare"]
        ratio = surge.rate / bare.rate if bare.rate else 0.0
        project_ratio = surge.rate / ceiling.rate if ceiling.rate else 0.0
        round_ratios = sorted(result["round_ratios"])
        slowdown = 1 - watched.rate / surge.rate if surge.rate else 0.0
        sign_errors = [e for p in sign_phases for e in p.errors]
        limited = sum(p.statuses.get(429, 0) for p in sign_phases)
        read_ok = reads.statuses.get(200, 0)
        client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        lat = surge.latencies
        during = result["lag_during"]
        alone = result["alone"]
        static_rate = alone["static file"].statuses.get(200, 0) / alone["static file"].elapsed
        count_rate = alone["count endpoint"].statuses.get(200, 0) / alone["count endpoint"].elapsed
        page_rate = alone["petition page"].statuses.get(200, 0) / alone["petition page"].elapsed
        print("-" * 100)
        for phase in (surge, watched, reads, bare, ceiling, *alone.values()):
            print(phase.line())
        print(f"machine before      {load_before}")
        print(f"machine after       {load_after}")
        print(f"load generator      {client_cpu:.1f} s of CPU in this process (shares the cores with the server)")
        print(
            f"watchers            {read_ok / reads.elapsed:.0f} reads/s answered 200 (asked {args.watch_rate:.0f}/s), "
            f"p50 {percentile(reads.latencies, 50) * 1000:.1f} ms, p95 {percentile(reads.latencies, 95) * 1000:.1f} ms, "  # noqa: E501
            f"statuses {dict(sorted(reads.statuses.items()))}"
        )
        print(
            f"petition row        {updates} updates during the run (the tally's; {created} signatures wrote none); "
            f"{tallies} tallies ran in the tally worker"
        )
        print(
            f"rows vs answers     {len(table)} rows / {created} answers 201 / {len(set(answered))} distinct ids answered"  # noqa: E501
        )
        print(
            f"stored counts       petition {stored.signature_count}, districts {districts}, API {result['api_count']}"
        )
        print("=" * 100)
        print(f"{'figure':<26} {'value':<44} {'goal':<26} verdict")

        def row(name: str, value: str, goal: str, ok: bool | None) -> None:
            print(f"{name:<26} {value:<44} {goal:<26} {'' if ok is None else verdict(ok)}")
            record("surge", name, value, goal, ok)

        row("sign/s", f"{surge.rate:.0f} ({surge.elapsed:.0f} s, {args.workers} workers)", "", None)
        row("bare ceiling/s", f"{bare.rate:.0f} (p95 {percentile(bare.latencies, 95) * 1000:.1f} ms)", "", None)
        row("project ceiling/s", f"{ceiling.rate:.0f} (sign/project {project_ratio:.2f})", "(second line)", None)
        row(
            "sign / bare ceiling",
            f"{ratio:.2f} (rounds {' '.join(f'{r:.2f}' for r in round_ratios)})",
            ">= 0.6 (aim 0.75)",
            ratio >= 0.6,
        )
        row(
            "sign p50/p95/p99",
            " / ".join(f"{percentile(lat, p) * 1000:.1f}" for p in (50, 95, 99)) + " ms",
            "p99 < 100 ms",
            percentile(lat, 99) < 0.1,
        )
        row(
            "address placement, cold",
            f"{placing / placed * 1000:.1f} ms each ({placed} addresses, before the rounds)",
            "",
            None,
        )
        row("per-network 429s", f"{limited} (limit on, 4,096 networks)", "", None)
        row(
            "watchers' cost",
            f"{slowdown:+.0%} ({watched.rate:.0f}/s with {read_ok / reads.elapsed:.0f} reads/s; rounds "
            + " ".join(f"{c:+.0%}" for c in sorted(result["round_costs"]))
            + ")",
            "<= 10% slower",
            slowdown <= 0.10,
        )
        row(
            "server CPU per answer",
            f"sign {surge.cpu_each()}, count {alone['count endpoint'].cpu_each()}, "
            f"page {alone['petition page'].cpu_each()} (rendered {alone['page rendered'].cpu_each()}), "
            f"static {alone['static file'].cpu_each()}, bare {bare.cpu_each()}",
            "(explains the rates)",
            None,
        )

        def per_second(phase, seconds: float) -> str:
            return f"{seconds / phase.elapsed:.2f}" if phase.elapsed else "n/a"

        # The cores are shared: what the watchers' clients take (this process) the server lacks.
        row(
            "CPU/s, sign vs +watchers",
            f"server {per_second(surge, surge.cpu)} vs {per_second(watched, watched.cpu)}, load generator "
            f"{per_second(surge, surge.client_cpu)} vs {per_second(watched, watched.client_cpu)} (cores)",
            "(explains the cost)",
            None,
        )
        row("static file reads/s", f"{static_rate:.0f} (whitenoise, same gunicorn)", "(reference)", None)
        row(
            "count endpoint reads/s",
            f"{count_rate:.0f} ({count_rate / static_rate:.2f} of static)" if static_rate else f"{count_rate:.0f}",
            ">= 3,000",
            count_rate >= 3000,
        )
        row(
            "petition page reads/s",
            f"{page_rate:.0f} ({page_rate / static_rate:.2f} of static)" if static_rate else f"{page_rate:.0f}",
            ">= 1,500",
            page_rate >= 1500,
        )
        row(
            "lag during surge",
            f"p50 {percentile(during, 50):.2f} p95 {percentile(during, 95):.2f} max {max(during, default=0):.2f} s",
            "p95 <= 5 s",
            bool(during) and percentile(during, 95) <= 5.0,
        )
        row("lag after last signature", f"{result['lag']:.2f} s", "count exact within 10 s", result["lag"] <= 10.0)
        row(
            "tally capacity",
            f"{tally_rate:.0f} rows/s ({backlog} in {backlog_seconds:.1f} s)",
            f">= 5 x peak {result['peak_sign']:.0f}/s",
            tally_rate >= 5 * result["peak_sign"],
        )
        exhausted = any(p.exhausted for p in (surge, watched, ceiling, bare))
        row("signers", f"{args.users:,}" + (" (ran out: raise --users)" if exhausted else ""), "enough", not exhausted)
        row("errors", f"{len(sign_errors)}", "0", not sign_errors)
        row("lost", f"{lost}", "0", lost == 0)
        row("duplicated", f"{duplicated}", "0", duplicated == 0)
        row("count", f"API {result['api_count']} = rows {len(table)}", "exact", count_exact)
        row(
            "load average",
            f"before {load_before.split('load average ')[-1]}, after {load_after.split('load average ')[-1]}",
            "",
            None,
        )
        print("=" * 100)
        for figure, lines in profiles.items():
            print(f"where the time goes: {figure} (py-spy, {args.profile_seconds:.0f} s, all workers)")
            for line in lines:
                print(f"    {line}")
        ok = lost == 0 and duplicated == 0 and count_exact and not sign_errors and created == len(table)
        print("RESULT " + ("OK" if ok else "CHECK THE NUMBERS ABOVE"))
        connection.close()
        return 0 if ok else 1
    finally:
        run.close()


if __name__ == "__main__":
    sys.exit(main())
