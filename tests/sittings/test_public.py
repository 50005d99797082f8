"""Record API counts, session API, pages, scorecards against the hand-counted fixture, iCal, Popolo."""

from datetime import timedelta

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from deputies.imports import popolo_export
from deputies.models import Maslikhat
from letters.models import Message
from sittings.models import Session
from sittings.scorecard import scorecard_table
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Иванов", (2, 2, 1.0, {"for": 2, "against": 0, "abstain": 1, "not_voting": 0})),
        ("Сейтқали", (2, 1, 0.5, {"for": 1, "against": 1, "abstain": 0, "not_voting": 0})),
        ("Петрова", (2, 2, 1.0, {"for": 3, "against": 0, "abstain": 0, "not_voting": 0})),
        ("Нұрланов", (2, 1, 0.5, {"for": 0, "against": 0, "abstain": 0, "not_voting": 1})),
    ],
)
def test_record_counts_attendance_and_votes_exactly(imported, deputies, client, name, expected):
    record = client.get(f"/api/v1/deputies/{deputies[name].pk}/").json()["record"]
    held, attended, rate, votes = expected
    assert record == {"sessions_held": held, "sessions_attended": attended, "attendance_rate": rate, "votes": votes}


def test_record_without_sessions_has_no_rate(deputies, client):
    record = client.get(f"/api/v1/deputies/{deputies['Иванов'].pk}/").json()["record"]
    assert record["sessions_held"] == 0 and record["attendance_rate"] is None


def test_session_api_lists_by_maslikhat_and_dates_and_details_votes(imported, client):
    listed = client.get("/api/v1/sessions/?maslikhat=kz-75&from=2025-03-01&to=2025-03-31").json()
    assert [s["number"] for s in listed["results"]] == [22]
    assert client.get("/api/v1/sessions/?maslikhat=kz-71").json()["count"] == 0
    assert client.get("/api/v1/sessions/?from=soon").status_code == 400
    detail = client.get(f"/api/v1/sessions/{Session.objects.get(number=21).pk}/").json()
    budget = detail["items"][0]["decision"]
    assert budget["votes"] == {"for": 2, "against": 1, "abstain": 0, "not_voting": 0}
    assert {v["deputy"]["full_name"]: v["vote"] for v in budget["roll_call"]}["Сейтқали Асқар"] == "against"
    assert sum(1 for a in detail["attendance"] if a["present"]) == 3


def test_session_page_shows_agenda_votes_attendance_and_video(imported, client, django_assert_max_num_queries):
    session = Session.objects.get(number=21)
    with django_assert_max_num_queries(20):
        page = client.get(f"/ru/sessions/{session.pk}/").content.decode()
    assert "О бюджете" in page and "Сейтқали Асқар" in page and "https://example.kz/video/21" in page
    assert "Против" in page  # how each deputy voted, in Russian


def test_live_broadcast_link_only_while_the_session_runs(imported, client, time_machine):
    session = Session.objects.get(number=23)
    before = client.get(f"/en/sessions/{session.pk}/").content.decode()
    assert "Watch the live broadcast" not in before
    time_machine.move_to(session.starts_at + timedelta(minutes=30))
    assert "Watch the live broadcast" in client.get(f"/en/sessions/{session.pk}/").content.decode()


def test_list_page_queries_do_not_grow_with_rows(imported, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get("/ru/sessions/?maslikhat=kz-75").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/ru/sessions/calendar/?month=2025-02").status_code == 200
    assert client.get("/ru/sessions/decisions/?maslikhat=kz-75&unanimous=yes").status_code == 200


def test_deputy_page_shows_the_record(imported, deputies, client):
    page = client.get(f"/en/deputies/{deputies['Сейтқали'].pk}/").content.decode()
    assert "Attended 1 of 2 sessions" in page
    assert "Voted against the majority" in page and "О бюджете" in page or "Бюджет туралы" in page


def test_scorecard_figures_match_the_hand_count(imported, client):
    data = client.get("/en/scorecards.json").json()
    almaty = next(m for m in data["maslikhats"] if m["code"] == "kz-75")["figures"]
    assert almaty["sessions_held"]["value"] == 2
    assert (almaty["sessions_broadcast"]["numerator"], almaty["sessions_broadcast"]["denominator"]) == (1, 2)
    assert (almaty["attendance"]["numerator"], almaty["attendance"]["denominator"]) == (6, 8)
    assert almaty["attendance"]["value"] == 0.75
    assert (almaty["unanimous_decisions"]["numerator"], almaty["unanimous_decisions"]["denominator"]) == (2, 4)
    assert (almaty["budgets_unopposed"]["numerator"], almaty["budgets_unopposed"]["denominator"]) == (1, 2)
    assert almaty["hearings_held"]["value"] == 0 and almaty["minutes_overdue"]["value"] == 0
    assert almaty["petitions_answered_on_time"]["value"] is None
    assert "status=held" in almaty["sessions_held"]["url"]
    astana = next(m for m in data["maslikhats"] if m["code"] == "kz-71")["figures"]
    assert astana["sessions_held"]["value"] == 0 and astana["attendance"]["value"] is None
    # Every figure links to its rows: the unanimous link lists exactly the two unanimous decisions.
    rows = client.get(almaty["unanimous_decisions"]["url"]).content.decode()
    assert rows.count("<tr>") - 1 == 2


def test_comparison_table_sorts_and_exports(imported, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        page = client.get("/ru/scorecards/?sort=sessions_held&dir=desc").content.decode()
    assert page.index("/ru/scorecards/kz-75/") < page.index("/ru/scorecards/kz-71/")
    assert 'aria-sort="descending"' in page
    csv_text = client.get("/en/scorecards.csv").content.decode()
    header, *lines = csv_text.splitlines()
    assert header.startswith("code,name,sessions_held,")
    assert any(line.startswith("kz-75,") and ",2," in line for line in lines)
    assert client.get("/en/scorecards/kz-75/").status_code == 200


def test_ical_feed_has_the_sessions_in_almaty_time(imported, client):
    response = client.get("/sessions/calendar.ics?maslikhat=kz-75")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) in (1, 3)  # past sessions older than the feed window are left out
    upcoming = next(e for e in events if str(e["uid"]) == f"session-{Session.objects.get(number=23).pk}@dauys.kz")
    assert upcoming.decoded("dtstart").utcoffset() == timedelta(hours=5)
    assert client.get("/sessions/calendar.ics?maslikhat=nowhere").status_code == 404
    one = Calendar.from_ical(client.get(f"/sessions/{Session.objects.get(number=21).pk}.ics").content)
    assert len(one.walk("VEVENT")) == 1


# The Popolo JSON schemas (https://www.popoloproject.com/specs/, popolo-spec/schemas/*.json) for the
# parts we export, reduced to their required fields, types and enumerations. No package ships them.
POPOLO_COUNT = {
    "type": "object",
    "properties": {"option": {"type": "string"}, "value": {"type": "integer"}, "group_id": {"type": "string"}},
    "required": ["option", "value"],
}
POPOLO = {
    "event": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "start_date": {"type": "string", "format": "date-time"},
            "end_date": {"type": ["string", "null"]},
            "organization_id": {"type": ["string", "null"]},
            "classification": {"type": ["string", "null"]},
        },
        "required": ["name", "start_date"],
    },
    "motion": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "organization_id": {"type": ["string", "null"]},
            "legislative_session_id": {"type": ["string", "null"]},
            "text": {"type": "string"},
            "classification": {"type": ["string", "null"]},
            "date": {"type": ["string", "null"]},
            "result": {"type": ["string", "null"]},
        },
        "required": ["text"],
    },
    "vote_event": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "motion_id": {"type": ["string", "null"]},
            "organization_id": {"type": ["string", "null"]},
            "legislative_session_id": {"type": ["string", "null"]},
            "start_date": {"type": ["string", "null"]},
            "result": {"type": ["string", "null"]},
            "counts": {"type": "array", "items": POPOLO_COUNT},
        },
    },
    "vote": {
        "type": "object",
        "properties": {
            "vote_event_id": {"type": "string"},
            "voter_id": {"type": "string"},
            "option": {"enum": ["yes", "no", "abstain", "absent", "not voting", "paired"]},
        },
        "required": ["vote_event_id", "voter_id", "option"],
    },
}


def test_popolo_export_gains_events_motions_vote_events_and_votes(imported, deputies, client):
    popolo = popolo_export()
    for key, schema in [("events", "event"), ("motions", "motion"), ("vote_events", "vote_event"), ("votes", "vote")]:
        assert popolo[key], key
        for row in popolo[key]:
            jsonschema.validate(row, POPOLO[schema])
    person_ids = {p["id"] for p in popolo["persons"]}
    assert {v["voter_id"] for v in popolo["votes"]} <= person_ids
    vote_events = {v["id"]: v for v in popolo["vote_events"]}
    assert {v["vote_event_id"] for v in popolo["votes"]} <= set(vote_events)
    budget = next(v for v in popolo["vote_events"] if v["result"] == "pass" and v["counts"][1]["value"] == 1)
    assert budget["counts"] == [
        {"option": "yes", "value": 2},
        {"option": "no", "value": 1},
        {"option": "abstain", "value": 0},
        {"option": "not voting", "value": 0},
    ]
    assert len(popolo["votes"]) == 9 and len(popolo["events"]) == 3 and len(popolo["motions"]) == 4
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"vote_event_id": "x", "voter_id": "y", "option": "for"}, POPOLO["vote"])
    assert "vote_events" in client.get("/en/open-data/popolo.json?maslikhat=kz-75").json()


def test_deputy_page_shows_accountability_data(imported, deputies, client, django_assert_max_num_queries):
    from datetime import date

    from sittings.models import DeclaredInterest, DeputyDeclaration, ElectionProgramme, VoterReport

    deputy = deputies["Петрова"]
    DeputyDeclaration.objects.create(deputy=deputy, occupation="Предприниматель", employer="ТОО «Құрылыс»")
    DeclaredInterest.objects.create(deputy=deputy, description="Доля в ТОО «Құрылыс»", declared_on=date(2024, 1, 5))
    DeclaredInterest.objects.create(deputy=deputy, description="Супруг — в акимате", declared_on=date(2025, 1, 5))
    VoterReport.objects.create(deputy=deputy, held_on=date(2025, 4, 1), place="Школа № 5", text="Отчёт за год")
    ElectionProgramme.objects.create(deputy=deputy, text_ru="Дороги и парки")
    with django_assert_max_num_queries(16):
        page = client.get(f"/ru/deputies/{deputy.pk}/").content.decode()
    for text in ("Предприниматель", "ТОО «Құрылыс»", "Супруг — в акимате", "Школа № 5", "Дороги и парки"):
        assert text in page
    assert page.index("Супруг — в акимате") < page.index("Доля в ТОО")  # newest first


def test_a_draft_agenda_is_not_public(imported, almaty, staff, client):
    from sittings.services import agenda_item_add, session_plan

    session = session_plan(actor=staff, maslikhat=almaty, number=40, starts_at=Session.objects.get(number=23).starts_at)
    agenda_item_add(actor=staff, session=session, title_ru="Секретный черновик")
    assert client.get(f"/api/v1/sessions/{session.pk}/").json()["items"] == []
    assert "Секретный черновик" not in client.get(f"/en/sessions/{session.pk}/").content.decode()


def test_scorecard_queries_do_not_grow_with_the_maslikhats(imported, deputies):
    """One aggregate query per figure (or per group of figures sharing one), whatever the number of
    maslikhats: the same count for 2 and for 5, each with sessions and letters to count."""
    maslikhats = [deputies["Иванов"].maslikhat, *Maslikhat.objects.exclude(code="kz-75").order_by("code")[:4]]
    author, now = UserFactory(), timezone.now()
    for m in maslikhats:
        deputy = deputies["Иванов"] if m.code == "kz-75" else DeputyFactory(maslikhat=m, party_list=True)
        for status in ("replied", "sent"):
            Message.objects.create(
                deputy=deputy,
                maslikhat=m,
                author=author,
                language="ru",
                status=status,
                delivered_at=now - timedelta(days=40),
                reply_due_on=timezone.localdate() - timedelta(days=10),
                replied_at=now - timedelta(days=35) if status == "replied" else None,
            )
    counts = {}
    for size in (2, 5):
        with CaptureQueriesContext(connection) as queries:
            columns, rows = scorecard_table(maslikhats[:size])
        counts[size] = len(queries)
        assert len(rows) == size and "deputies_reply_rate" in [c.key for c in columns]
        reply_rate = rows[0].cells[[c.key for c in columns].index("deputies_reply_rate")].value
        assert (reply_rate.numerator, reply_rate.denominator) == (1, 2)
    assert counts[2] == counts[5], counts
    assert counts[5] <= len(columns), counts  # at most one query per figure
