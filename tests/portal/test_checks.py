"""portal/checks.py: a beat schedule entry whose task does not resolve fails at start; beat would
otherwise send a name no worker knows, and the periodic job would silently never run."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from portal.celery import app
from portal.checks import check_beat_schedule

# The system checks ask SQLite whether it supports JSON fields (one query, then cached): without the
# database a test here passed only when an earlier test had opened it.
pytestmark = pytest.mark.django_db


@pytest.fixture
def beat_schedule():
    """Celery beat's schedule, put back as it was after the test."""
    original = dict(app.conf.beat_schedule)
    yield app.conf.beat_schedule
    app.conf.beat_schedule = original


def test_every_beat_task_resolves():
    assert check_beat_schedule() == []
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"notifications.tasks.digest_send_task", "notifications.tasks.email_recover_task"} <= tasks


@pytest.mark.parametrize(
    "task",
    [
        "portal.tasks.digest_send_task",  # the name before notifications became an app: no such module
        "notifications.tasks.no_such_task",  # the module imports, the task is not in it
    ],
)
def test_a_beat_entry_naming_an_unknown_task_fails_the_checks(beat_schedule, task):
    beat_schedule["stale"] = {"task": task, "schedule": 60.0}
    errors = check_beat_schedule()
    assert [(e.id, task in e.msg) for e in errors] == [("portal.E001", True)]
    with pytest.raises(SystemCheckError, match="stale"):
        call_command("check", fail_level="ERROR")
