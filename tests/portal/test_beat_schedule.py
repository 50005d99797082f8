"""Every periodic task in portal/celery.py names a task an app defines: a misspelt or moved name is
not run and nothing else would say so (recalls' tasks moved from petitions.tasks to recalls.tasks)."""

import pytest

from portal.celery import app


@pytest.mark.django_db  # Celery's Django fixup runs the system checks, which ask SQLite about JSON fields
def test_every_scheduled_task_name_is_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"recalls.tasks.recall_deadlines_task", "recalls.tasks.recall_retention_task"} <= scheduled
    assert sorted(scheduled - set(app.tasks)) == []
