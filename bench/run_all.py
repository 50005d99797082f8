"""`make bench`: every benchmark in one run, then one table of every figure with its goal and PASS or
FAIL, the machine's load average (1, 5 and 15 minutes, from /proc/loadavg) at the start, sampled
during the run and at the end, and the run's total time (goal: under 10 minutes).

The database is migrated once, into a template that every benchmark clones (a second each instead
of a minute of migrations each); the template is dropped at the end. Each benchmark still runs on its
own database, Redis keys and processes, and removes them (bench/README.md).

    .venv/bin/python bench/run_all.py [--fanout-recipients 5000] [--profile-seconds 0] [--only surge]

Exit status 1 when a benchmark failed a correctness check (lost, duplicated or miscounted
signatures, emails not exactly once) or did not finish; performance figures are reported, never
enforced (the machine is shared)."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    PG,
    ROOT,
    STATIC_ENV,
    SUMMARY_ENV,
    TEMPLATE_ENV,
    collect_static,
    load_average,
    machine,
    services_reachable,
)

GOAL_SECONDS = 600


class LoadSampler(threading.Thread):
    """/proc/loadavg every `every` seconds, with the benchmark running at the time."""

    def __init__(self, every: float = 5.0):
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[tuple[float, str, tuple[float, float, float]]] = []
        self.current = "start"
        self.stop = threading.Event()

    def sample(self) -> None:
        self.samples.append((time.monotonic(), self.current, load_average()))

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.sample()


def fmt(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in load)


def create_template(name: str) -> float:
    import psycopg

    started = time.monotonic()
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.local",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}",
        DEBUG="0",
    )
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def drop_template(name: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fanout-recipients", type=int, default=5_000)
    parser.add_argument("--profile-seconds", type=float, default=0.0, help="py-spy each surge figure (0: off)")
    parser.add_argument("--only", action="append", choices=["lookup", "surge", "pages", "fanout"])
    args = parser.parse_args()
    if not services_reachable():
        print("make bench needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.")
        return 2
    python = sys.executable
    benches = [
        ("lookup", [python, "bench/bench_lookup.py"]),
        ("surge", [python, "bench/bench_surge.py", "--profile-seconds", str(args.profile_seconds)]),
        ("pages", [python, "bench/bench_pages.py"]),
        ("fanout", [python, "bench/bench_fanout.py", "--recipients", str(args.fanout_recipients)]),
    ]
    benches = [b for b in benches if not args.only or b[0] in args.only]
    started = time.monotonic()
    sampler = LoadSampler()
    sampler.sample()
    sampler.start()
    print(f"machine: {machine()}", flush=True)
    # A template given in the environment is used as it is (and kept): for repeated partial runs.
    given = os.environ.get(TEMPLATE_ENV, "")
    template = given or f"dauys_bench_template_{os.getpid()}"
    summary = Path(tempfile.mkstemp(prefix="dauys-bench-", suffix=".jsonl")[1])
    results: dict[str, tuple[int, float]] = {}
    try:
        sampler.current = "migrate"
        if not given:
            print(f"== migrating the template database {template}", flush=True)
            print(f"   done in {create_template(template):.0f} s", flush=True)
        static = ROOT / "var" / f"bench-static-{os.getpid()}"
        collect_static(
            dict(
                os.environ,
                DJANGO_SETTINGS_MODULE="portal.settings.production",
                SECRET_KEY="collectstatic-only",
                ALLOWED_HOSTS="127.0.0.1",
                DAUYS_VAR_DIR=str(static.parent / f"{static.name}-var"),
                DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{template}",
            )
        )
        (static.parent / f"{static.name}-var" / "static").rename(static)
        env = dict(os.environ, **{TEMPLATE_ENV: template, SUMMARY_ENV: str(summary), STATIC_ENV: str(static)})
        for name, command in benches:
            sampler.current = name
            print(f"== bench/bench_{name}.py", flush=True)
            began = time.monotonic()
            code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603
            results[name] = (code, time.monotonic() - began)
    finally:
        sampler.current = "end"
        shutil.rmtree(ROOT / "var" / f"bench-static-{os.getpid()}", ignore_errors=True)
        shutil.rmtree(ROOT / "var" / f"bench-static-{os.getpid()}-var", ignore_errors=True)
        if not given:
            drop_template(template)
        sampler.stop.set()
        sampler.sample()
    total = time.monotonic() - started
    rows = [json.loads(line) for line in summary.read_text(encoding="utf-8").splitlines() if line.strip()]
    summary.unlink(missing_ok=True)

    def line(bench: str, figure: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        value = value if len(value) <= 62 else value[:61] + "…"
        goal = goal if len(goal) <= 30 else goal[:29] + "…"
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{bench:<7} {figure:<26} {value:<62} {goal:<30} {verdict}".rstrip())

    print()
    print("=" * 135)
    print("make bench: every figure, its goal and verdict")
    print("=" * 135)
    print(f"{'bench':<7} {'figure':<26} {'value':<62} {'goal':<30} verdict")
    for row in rows:
        line(row["bench"], row["figure"], row["value"], row["goal"], row["ok"])
    failed = [name for name, (code, _s) in results.items() if code != 0]
    for name, (code, seconds) in results.items():
        status = "finished" if code == 0 else f"exit status {code}: a check failed or it did not finish"
        line(name, "run", f"{seconds:.0f} s, {status}", "", code == 0 if code else None)
    minutes, seconds = divmod(round(total), 60)
    line("all", "total run time", f"{minutes} min {seconds:02d} s", "< 10 min", total < GOAL_SECONDS)
    print("-" * 135)
    loads = sampler.samples
    ones = [s[2][0] for s in loads]
    print(f"load average (1 / 5 / 15 min), {os.cpu_count()} cores:")
    print(f"  start  {fmt(loads[0][2])}")
    print(
        f"  during {len(loads)} samples every {sampler.every:.0f} s, 1-min: min {min(ones):.2f}, "
        f"median {statistics.median(ones):.2f}, max {max(ones):.2f}"
    )
    for name, _command in benches:
        during = [s[2][0] for s in loads if s[1] == name]
        if during:
            print(f"         {name:<7} 1-min median {statistics.median(during):.2f}, max {max(during):.2f}")
    print(f"  end    {fmt(loads[-1][2])}")
    print("RESULT " + ("OK" if not failed else f"CHECK: {', '.join(failed)} failed a check"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
