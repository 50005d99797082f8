from datetime import timedelta

import pytest
from icalendar import Calendar

from deputies.models import StandingCommission
from hearings.services import hearing_cancel, hearing_schedule
from portal.models import Role
from tests.factories import UserFactory, grant
from tests.hearings.factories import days_ahead

pytestmark = pytest.mark.django_db


def test_calendar_feed_per_maslikhat_parses_with_almaty_times(schedule, astana, client):
    almaty_hearing = schedule()
    astana_staff = UserFactory(mfa=True)
    grant(astana_staff, Role.STAFF, "kz-71")
    hearing_schedule(
        actor=astana_staff,
        maslikhat=astana,
        commission=StandingCommission.objects.create(maslikhat=astana, name_ru="К", name_kk="К"),
        hearing_type="social",
        starts_at=days_ahead(40),
        ends_at=days_ahead(40, hour=12),
        topic_ru="Астана",
        broadcast_url="https://example.kz/live",
    )
    response = client.get("/hearings/calendar.ics?maslikhat=kz-75")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"hearing-{almaty_hearing.pk}@dauys.kz"]
    start, end = events[0].decoded("dtstart"), events[0].decoded("dtend")
    assert start == almaty_hearing.starts_at and end == almaty_hearing.ends_at
    assert start.utcoffset() == timedelta(hours=5)
    assert start.isoformat().endswith("+05:00")
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Almaty"
    assert len(Calendar.from_ical(client.get("/hearings/calendar.ics").content).walk("VEVENT")) == 2
    assert client.get("/hearings/calendar.ics?maslikhat=nowhere").status_code == 404


def test_cancelled_hearing_stays_in_the_feed_as_cancelled(schedule, staff, client):
    hearing = schedule()
    hearing_cancel(actor=staff, hearing=hearing, reason="Причина")
    event = Calendar.from_ical(client.get("/hearings/calendar.ics?maslikhat=kz-75").content).walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1


def test_atom_feed_lists_the_maslikhats_hearings(schedule, client):
    hearing = schedule()
    response = client.get("/hearings/feed.atom?maslikhat=kz-75")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<feed" in body and hearing.topic in body and hearing.get_absolute_url() in body


def test_single_hearing_ics_download(schedule, client):
    hearing = schedule()
    response = client.get(f"/hearings/{hearing.pk}.ics")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == hearing.starts_at
