"""Watchers in a process of their own: anonymous readers at a fixed total rate for some seconds,
then one line of JSON (statuses, latencies, elapsed) on stdout.

bench_surge.py runs them here rather than beside the signers: in one event loop each reader's
connection waited for the signers' coroutines before it closed, and gunicorn's sync worker lingers
until the client closes (gunicorn.util.close_graceful), so the signers' own client slowed the server.
Watchers are other people's phones; their client is not the signers'.

Run: `python bench/watchers.py PORT RATE SECONDS CLIENTS PATH [PATH ...]`."""

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Phase, get_paced  # noqa: E402


def main() -> None:
    port, rate, seconds, clients, *paths = sys.argv[1:]
    phase = asyncio.run(get_paced(Phase("watchers"), int(port), paths, float(rate), float(seconds), int(clients)))
    print(
        json.dumps(
            {
                "statuses": phase.statuses,
                "latencies": phase.latencies,
                "errors": phase.errors[:20],
                "elapsed": phase.elapsed,
            }
        )
    )


if __name__ == "__main__":
    main()
