"""A viral petition on one machine: the sign surge, the ceiling, and watchers, in one run.

One process set-up for everything: gunicorn with production settings and 2 x cores sync workers,
PostgreSQL and Redis on loopback, a Celery worker and beat (so the tally runs on its own: beat every
10 s, and the nudge a signature sends), a dedicated database dropped afterwards. N distinct citizens
with verified emails and sessions made directly (no login round trips). After a warm-up, --rounds
rounds of three slices (interleaved so that load from elsewhere on the shared machine weighs on all
three alike):

1. ceiling: POST to a minimal Django view (portal/bench_views.py) doing one INSERT under a unique
   constraint behind the same session/CSRF/authentication middleware;
2. sign: distinct signers POST /api/v1/petitions/{id}/signatures/ (--seconds over all rounds);
3. sign with watchers: signing goes on while anonymous readers GET the petition page and the count
   endpoint at --watch-rate requests/s.

Then the tally lag: from the last successful signature until the public count endpoint shows every
row (nothing here runs a tally: the worker does, on beat or on the nudge a signature sends).

Checks: every 201 answer's signature id is a row (lost = 0); no signer has two rows and no row lacks
an answer (duplicated = 0); the API count after the tally equals the rows and the per-district counts
(count exact). Exit status 1 when a check fails; the performance goals are reported, not enforced.

Run: `.venv/bin/python bench/bench_surge.py [--seconds 60] [--users 80000] [--concurrency 16]`.
"""

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Phase,
    Run,
    get_paced,
    http,
    machine,
    make_open_petition,
    make_signers,
    percentile,
    post_surge,
    services_reachable,
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
        total.errors += phase.errors
        total.elapsed += phase.elapsed
        total.last_success = max(total.last_success, phase.last_success)
        total.exhausted = total.exhausted or phase.exhausted
        for status, n in phase.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
    return total


async def scenario(run: Run, args, petition_id: int, keys: list[str]) -> dict:
    """Rounds of [ceiling, sign, sign with watchers]: the machine is shared, and interleaving puts
    any load from elsewhere on all three alike, so the ratios compare like with like."""
    port = run.port
    sign_path = f"/api/v1/petitions/{petition_id}/signatures/"
    read_paths = [f"/ru/petitions/{petition_id}/", f"/api/v1/petitions/{petition_id}/count/"]
    signers = fresh_queue(keys)
    ceiling_keys = fresh_queue(keys)
    # Warm every worker's imports, connections and caches; these signatures count like any other.
    warm = await post_surge(Phase("warm-up sign"), port, sign_path, signers, 2.0, args.concurrency)
    await post_surge(Phase("warm-up ceiling"), port, "/bench/ceiling/0/", fresh_queue(keys), 2.0, args.concurrency)
    rounds = max(1, args.rounds)
    ceilings, surges, watched, reads = [], [], [], []
    for n in range(1, rounds + 1):
        ceilings.append(
            await post_surge(
                Phase(f"ceiling {n}"),
                port,
                "/bench/ceiling/1/",
                ceiling_keys,
                args.ceiling_seconds / rounds,
                args.concurrency,
            )
        )
        surges.append(
            await post_surge(Phase(f"sign {n}"), port, sign_path, signers, args.seconds / rounds, args.concurrency)
        )
        read = Phase(f"reads {n}")
        signed, _ = await asyncio.gather(
            post_surge(
                Phase(f"sign+watchers {n}"), port, sign_path, signers, args.watch_seconds / rounds, args.concurrency
            ),
            get_paced(read, port, read_paths, args.watch_rate, args.watch_seconds / rounds, args.readers),
        )
        watched.append(signed)
        reads.append(read)
        print(
            f"round {n}: ceiling {ceilings[-1].rate:.0f}/s, sign {surges[-1].rate:.0f}/s, "
            f"sign with watchers {signed.rate:.0f}/s and {read.statuses.get(200, 0) / read.elapsed:.0f} reads/s; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    last_success = max(p.last_success for p in [warm, *surges, *watched])
    rows = await asyncio.to_thread(signature_rows, petition_id)
    waited, seen = await wait_for_count(port, petition_id, rows, 60.0)
    lag = time.monotonic() - last_success if waited != float("inf") else float("inf")
    return {
        "warm": warm,
        "surge": merged("sign surge", surges),
        "watched": merged("sign with watchers", watched),
        "reads": merged("watchers' reads", reads),
        "ceiling": merged("ceiling", ceilings),
        "round_ratios": [s.rate / c.rate for s, c in zip(surges, ceilings, strict=True) if c.rate],
        "lag": lag,
        "api_count": seen,
    }


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the sign surge")
    parser.add_argument("--ceiling-seconds", type=float, default=30.0, help="of the ceiling, over all rounds")
    parser.add_argument("--watch-seconds", type=float, default=30.0, help="of signing with watchers, over all rounds")
    parser.add_argument("--watch-rate", type=float, default=100.0, help="anonymous reads per second while signing")
    parser.add_argument("--readers", type=int, default=8, help="reading clients sharing --watch-rate")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of ceiling, sign, sign with watchers")
    parser.add_argument("--users", type=int, default=80_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
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

        with connection.cursor() as cursor:
            cursor.execute(CREATE_SQL)
        started = time.monotonic()
        petition = make_open_petition()
        keys = make_signers(args.users)
        print(f"prepared {len(keys)} signers with sessions in {time.monotonic() - started:.1f} s")
        connections.close_all()
        run.start_gunicorn(args.workers)
        run.start_celery()
        updates_before = petition_row_updates()
        connections.close_all()
        print(
            f"gunicorn {args.workers} sync workers, Celery worker + beat; {args.concurrency} concurrent clients; "
            f"{args.rounds} rounds; sign {args.seconds:.0f} s, ceiling {args.ceiling_seconds:.0f} s, watchers "
            f"{args.watch_seconds:.0f} s at {args.watch_rate:.0f} reads/s in all",
            flush=True,
        )
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        result = asyncio.run(scenario(run, args, petition.pk, keys))
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
        tallies = run.log_text("worker").count("petition_tally_task") // 2

        surge, watched, reads = result["surge"], result["watched"], result["reads"]
        ceiling = result["ceiling"]
        ceiling_rate = ceiling.rate
        ratio = surge.rate / ceiling_rate if ceiling_rate else 0.0
        round_ratios = sorted(result["round_ratios"])
        slowdown = 1 - watched.rate / surge.rate if surge.rate else 0.0
        sign_errors = [e for p in sign_phases for e in p.errors]
        read_ok = reads.statuses.get(200, 0)
        client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        lat = surge.latencies
        print("-" * 100)
        for phase in (surge, watched, reads, ceiling):
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
            f"{tallies} tallies ran in the worker"
        )
        print(
            f"rows vs answers     {len(table)} rows / {created} answers 201 / {len(set(answered))} distinct ids answered"  # noqa: E501
        )
        print(
            f"stored counts       petition {stored.signature_count}, districts {districts}, API {result['api_count']}"
        )
        print("=" * 100)
        print(
            f"sign/s        {surge.rate:.0f}   (surge of {surge.elapsed:.0f} s, {args.concurrency} clients, "
            f"{args.workers} workers)"
        )
        print(f"ceiling/s     {ceiling_rate:.0f}   (p95 {percentile(ceiling.latencies, 95) * 1000:.1f} ms)")
        print(
            f"ratio         {ratio:.2f}   (goal >= 0.6: {'met' if ratio >= 0.6 else 'MISSED'}; per round "
            f"{' '.join(f'{r:.2f}' for r in round_ratios)})"
        )
        print(
            f"p50/p95/p99   {percentile(lat, 50) * 1000:.1f} / {percentile(lat, 95) * 1000:.1f} / "
            f"{percentile(lat, 99) * 1000:.1f} ms"
        )
        print(f"p95           {percentile(lat, 95) * 1000:.1f} ms")
        print(f"errors        {len(sign_errors)}")
        print(
            f"watchers      sign/s {watched.rate:.0f} with {read_ok / reads.elapsed:.0f} reads/s vs {surge.rate:.0f} "
            f"without: {slowdown:+.0%} slower (goal <= 10%: {'met' if slowdown <= 0.10 else 'MISSED'})"
        )
        print(f"lost={lost}")
        print(f"duplicated={duplicated}")
        print(f"count {'exact' if count_exact else 'NOT EXACT'}   (API {result['api_count']} = rows {len(table)})")
        print(
            f"lag           {result['lag']:.2f} s   (last signature to the public count showing it; "
            "beat every 10 s and the signing nudge)"
        )
        print("=" * 100)
        ok = lost == 0 and duplicated == 0 and count_exact and not sign_errors and created == len(table)
        print("RESULT " + ("OK" if ok else "CHECK THE NUMBERS ABOVE"))
        connection.close()
        return 0 if ok else 1
    finally:
        run.close()


if __name__ == "__main__":
    sys.exit(main())
