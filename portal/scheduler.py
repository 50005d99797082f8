"""A small in-process beat for `make run` without Redis (issue 19, bug 1).

With REDIS_URL unset Celery runs tasks eagerly and no beat process runs, so nothing periodic
happens: a signature whose tally nudge was debounced (withdraw and re-sign within two seconds) stayed
uncounted until someone else signed, and deadlines and reminders never ran. `InProcessBeat` runs the
same schedule (`portal.celery.app.conf.beat_schedule`, the one place schedules are declared) in a
daemon thread of the serving process; short intervals are capped (`cap_seconds`) so that counts are
right within a few seconds, as the petition page says. With Redis, `celery beat` runs the schedule
and this thread is not started (`manage.py serve` decides).
"""

import logging
import threading
import time
from datetime import timedelta
from importlib import import_module

from celery.schedules import schedule as every
from django.db import close_old_connections
from django.utils import timezone

from portal.celery import app

log = logging.getLogger("dauys.scheduler")


class InProcessBeat(threading.Thread):
    def __init__(self, *, tick_seconds: float = 1.0, cap_seconds: float = 3.0, beat_schedule: dict | None = None):
        super().__init__(name="dauys-inprocess-beat", daemon=True)
        self.tick_seconds = tick_seconds
        self._halt = threading.Event()
        self.runs: dict[str, int] = {}
        self.entries = []
        now = timezone.now()
        for name, entry in (beat_schedule if beat_schedule is not None else app.conf.beat_schedule).items():
            when = entry["schedule"]
            if isinstance(when, (int, float, timedelta)):
                seconds = when.total_seconds() if isinstance(when, timedelta) else float(when)
                when = every(timedelta(seconds=min(seconds, cap_seconds)))
                last = now - timedelta(days=1)  # due at once: a first tally right after start
            else:
                last = now  # crontab: the next slot from now on, like celery beat
            self.entries.append(
                {
                    "name": name,
                    "task": entry["task"],
                    "schedule": when,
                    "last": last,
                    "args": tuple(entry.get("args", ())),
                    "kwargs": dict(entry.get("kwargs", {})),
                }
            )

    @staticmethod
    def _task(name: str):
        """The registered task; its module is imported first (autodiscovery is lazy), as portal/checks.py does."""
        if name not in app.tasks:
            import_module(name.rsplit(".", 1)[0])
        return app.tasks[name]

    def run_due(self) -> int:
        """Run every entry that is due now; the number run."""
        ran = 0
        for entry in self.entries:
            due, _next = entry["schedule"].is_due(entry["last"])
            if not due:
                continue
            entry["last"] = timezone.now()
            try:
                self._task(entry["task"]).apply(args=entry["args"], kwargs=entry["kwargs"], throw=True)
            except Exception:  # a failing task must not stop the others; it is logged like in a worker
                log.exception("In-process beat: %s failed", entry["name"])
            finally:
                close_old_connections()
            self.runs[entry["name"]] = self.runs.get(entry["name"], 0) + 1
            ran += 1
        return ran

    def run(self) -> None:
        log.info("In-process beat started (%d entries)", len(self.entries))
        while not self._halt.is_set():
            self.run_due()
            self._halt.wait(self.tick_seconds)

    def stop(self, timeout: float = 10.0) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout)


def start_inprocess_beat(**options) -> InProcessBeat:
    beat = InProcessBeat(**options)
    beat.start()
    return beat


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.2) -> bool:
    """Poll until predicate() is true or the time is up (for commands and tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
