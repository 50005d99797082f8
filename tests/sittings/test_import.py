"""import_sessions: a good file, bad rows, contradicting totals, idempotence, name matching."""

import json

import pytest
from django.core.management import CommandError, call_command

from portal.models import AuditEntry
from sittings.imports import sessions_import_data
from sittings.models import AgendaItem, Attendance, Decision, Session, Vote

pytestmark = pytest.mark.django_db


def test_good_file_creates_sessions_items_decisions_votes_and_attendance(imported, deputies):
    assert (imported.created, imported.updated, imported.unchanged) == (3, 0, 0)
    s21 = Session.objects.get(number=21)
    assert s21.status == Session.Status.HELD and s21.convocation.number == 8
    assert s21.starts_at.isoformat() == "2025-02-20T05:00:00+00:00"  # naive times are Almaty time
    assert Session.objects.get(number=23).status == Session.Status.PLANNED
    assert s21.attendance.count() == 4
    absent = Attendance.objects.get(session=s21, deputy=deputies["Нұрланов"])
    assert (absent.status, absent.reason) == (Attendance.Status.EXCUSED, "командировка")
    budget = Decision.objects.get(number="21/1")
    assert (budget.votes_for, budget.votes_against, budget.votes_abstain, budget.votes_not_voting) == (2, 1, 0, 0)
    # Totals are counted from the roll call when the file gives none.
    rules = Decision.objects.get(number="21/2")
    assert (rules.votes_for, rules.votes_against, rules.votes_abstain) == (3, 0, 0)
    assert Decision.objects.get(number="22/1").votes.count() == 0
    assert Vote.objects.count() == 9
    assert AgendaItem.objects.get(session__number=23).kind == "budget"
    assert not hasattr(AgendaItem.objects.get(session__number=23), "decision")
    assert AuditEntry.objects.filter(action="session.import").count() == 1


def test_a_second_import_changes_nothing_and_a_correction_keeps_ids(imported, good_data):
    ids = sorted(AgendaItem.objects.values_list("pk", flat=True))
    again = sessions_import_data(good_data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Session.objects.count() == 3 and Vote.objects.count() == 9
    good_data["sessions"][0]["items"][0]["decision"]["roll_call"][1]["vote"] = "abstain"
    good_data["sessions"][0]["items"][0]["decision"]["votes"] = {"for": 2, "against": 0, "abstain": 1}
    corrected = sessions_import_data(good_data)
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 2)
    assert sorted(AgendaItem.objects.values_list("pk", flat=True)) == ids
    assert Decision.objects.get(number="21/1").votes_abstain == 1


def test_bad_rows_are_reported_where_they_are_and_nothing_is_written(deputies, good_data):
    session = good_data["sessions"][0]
    session["kind"] = "plenary"
    session["attendance"][1]["deputy"] = "Кто-то Неизвестный"
    session["items"][1]["decision"]["roll_call"][0]["vote"] = "yes"
    good_data["sessions"][2]["starts_at"] = "next week"
    report = sessions_import_data(good_data)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "sessions[0].kind" in text
    assert "sessions[0].attendance[1]: no deputy named “Кто-то Неизвестный”" in text
    assert "sessions[0].items[1].decision.roll_call[0].vote" in text
    assert "sessions[2].starts_at" in text
    assert Session.objects.count() == 0 and Attendance.objects.count() == 0


def test_roll_call_that_contradicts_the_totals_is_refused(deputies, good_data):
    good_data["sessions"][0]["items"][0]["decision"]["votes"] = {"for": 3, "against": 0, "abstain": 0, "not_voting": 0}
    report = sessions_import_data(good_data)
    assert report.errors == [
        "sessions[0].items[0].decision: the roll call counts for 2, against 1, abstain 0, not_voting 0, "
        "but the totals say for 3, against 0, abstain 0, not_voting 0."
    ]
    assert Session.objects.count() == 0


def test_an_absent_deputy_cannot_vote(deputies, good_data):
    good_data["sessions"][1]["items"][1]["decision"]["roll_call"].append({"deputy": "Сейтқали Асқар", "vote": "for"})
    report = sessions_import_data(good_data)
    assert any("Сейтқали Асқар is listed as absent" in e for e in report.errors)


def test_names_match_in_any_case_letter_form_order_or_latin(deputies, good_data):
    attendance = good_data["sessions"][0]["attendance"]
    attendance[0]["deputy"] = "ИВАНОВ иван ИВАНОВИЧ"
    attendance[1]["deputy"] = "Seitqali Asqar"
    attendance[2]["deputy"] = "Анна Петрова"
    attendance[3]["deputy"] = "Нурланов Ерлан"
    report = sessions_import_data(good_data)
    assert report.ok, report.errors
    assert Attendance.objects.filter(session__number=21).count() == 4


def test_command_reads_the_file_and_fails_on_errors(deputies, good_data, tmp_path, capsys):
    path = tmp_path / "sessions.json"
    path.write_text(json.dumps(good_data, ensure_ascii=False), encoding="utf-8")
    call_command("import_sessions", str(path))
    assert "3 created" in capsys.readouterr().out
    good_data["maslikhat"] = "kz-00"
    path.write_text(json.dumps(good_data), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_sessions", str(path))
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_sessions", str(path))
