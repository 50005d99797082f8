"""The in-process beat of `make run` (issue 19, bug 1) and its quiet demo-data step."""

import io

import pytest
from django.core.management import call_command

from portal.scheduler import InProcessBeat

pytestmark = pytest.mark.django_db


def test_the_beat_runs_every_scheduled_task_by_name():
    beat = InProcessBeat(tick_seconds=0.1)
    names = {entry["name"] for entry in beat.entries}
    assert "petitions-tally" in names and "hearings-reminders" in names
    tally = next(e for e in beat.entries if e["name"] == "petitions-tally")
    assert tally["schedule"].run_every.total_seconds() <= 3  # "every few seconds", as the page says


def test_seed_demo_prints_a_short_summary_not_the_emails():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert len(text.splitlines()) < 20, text[:2000]
    assert "Content-Transfer-Encoding" not in text and "emails:" in text
