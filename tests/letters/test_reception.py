"""Reception slots: staff create them, citizens book (row-locked capacity), .ics, reminder, cancel."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from letters.models import Booking, ReceptionSlot
from letters.reception import (
    booking_cancel,
    booking_create,
    reception_send_reminders,
    reception_slot_cancel,
    reception_slots_create,
)
from notifications.models import Notification
from portal.models import AuditEntry
from tests.factories import UserFactory


@pytest.fixture
def slot_of(staff):
    def make(deputy, capacity=10, weeks=1):
        return reception_slots_create(
            actor=staff,
            deputy=deputy,
            first_day=timezone.localdate() + timedelta(days=7),
            start=time(10, 0),
            end=time(12, 0),
            place="Алматы, пр. Абылай хана 91, 105 кабинет",
            capacity=capacity,
            language="kk",
            weeks=weeks,
        )

    return make


@pytest.mark.django_db
def test_staff_create_weekly_slots_and_citizens_book_and_cancel(client, city, citizen, slot_of, staff):
    slots = slot_of(city["smd1"], capacity=1, weeks=3)
    assert len(slots) == 3 and (slots[1].starts_at - slots[0].starts_at) == timedelta(weeks=1)
    assert slot_of(city["smd1"], capacity=1, weeks=3) == []  # idempotent
    assert AuditEntry.objects.filter(action="reception.slots_create").count() == 2
    slot = slots[0]
    booking, outcome = booking_create(user=citizen, slot=slot, topic="Аула жарығы")
    assert outcome == "booked"
    assert booking_create(user=citizen, slot=slot)[1] == "already"
    with pytest.raises(ValidationError, match="All places"):
        booking_create(user=UserFactory(), slot=slot)
    assert Notification.objects.filter(user=citizen, event="reception.booked").exists()
    # The deputy page offers the booking to the person who holds it, with an .ics.
    client.force_login(citizen)
    page = client.get(f"/en/deputies/{city['smd1'].pk}/").content.decode()
    assert "Cancel my booking" in page
    ics = client.get(f"/en/reception/bookings/{booking.pk}.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content and "Абылай".encode() in ics.content
    # Another person cannot see it.
    client.force_login(UserFactory())
    assert client.get(f"/en/reception/bookings/{booking.pk}.ics").status_code == 404
    # Reminder within 24 hours, once.
    assert reception_send_reminders(now=slot.starts_at - timedelta(hours=30)) == 0
    assert reception_send_reminders(now=slot.starts_at - timedelta(hours=20)) == 1
    assert reception_send_reminders(now=slot.starts_at - timedelta(hours=19)) == 1  # considered, not resent
    assert Notification.objects.filter(user=citizen, event="reception.reminder").count() == 1
    # The day's list for staff shows the person.
    client.force_login(staff)
    day = client.get(f"/en/reception/day/?day={timezone.localtime(slot.starts_at):%Y-%m-%d}").content.decode()
    assert citizen.email in day and "Аула жарығы" in day
    # Cancel frees the place.
    booking_cancel(user=citizen, booking=booking)
    assert booking_create(user=UserFactory(), slot=slot)[1] == "booked"
    # Staff cancel a slot: the booked are told.
    reception_slot_cancel(actor=staff, slot=slots[1])
    with pytest.raises(ValidationError, match="cancelled"):
        booking_create(user=citizen, slot=slots[1])


@pytest.mark.django_db
def test_free_text_stays_for_deputies_without_slots(client, city):
    city["smd2"].reception_hours = "Дс 10:00-12:00"
    city["smd2"].save()
    page = client.get(f"/en/deputies/{city['smd2'].pk}/").content.decode()
    assert "Mon 10:00–12:00" in page  # the free text, its weekday in the page's language (issue 19)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_thirty_citizens_booking_a_ten_seat_slot_at_once_get_exactly_ten(reference_data, city, slot_of):
    [slot] = slot_of(city["smd1"], capacity=10)
    users = UserFactory.create_batch(30)
    barrier = threading.Barrier(30, timeout=30)

    def book(user):
        try:
            barrier.wait()
            return booking_create(user=user, slot=slot)[1]
        except ValidationError:
            return "full"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(book, users, timeout=120))
    assert outcomes.count("booked") == 10
    assert outcomes.count("full") == 20
    assert Booking.objects.filter(slot=slot, status="booked").count() == 10
    assert ReceptionSlot.objects.get(pk=slot.pk).capacity == 10
