"""Staff correct a hearing's details without postponing it: audited, scoped, and capacity moves the
waitlist."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearings.models import Hearing, HearingHistory, Registration
from hearings.services import hearing_update_details, registration_create
from notifications.models import Notification
from portal.models import AuditEntry, Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_more_seats_seat_the_waitlist_in_order_and_tell_them(schedule, staff):
    hearing = schedule(capacity=1)
    first, second, third = UserFactory.create_batch(3)
    for person in (first, second, third):
        registration_create(user=person, hearing=hearing)
    hearing_update_details(actor=staff, hearing=hearing, capacity=2, topic_ru="Проект бюджета на 2027 год")
    statuses = dict(Registration.objects.filter(hearing=hearing).values_list("user_id", "status"))
    assert statuses == {first.pk: "seated", second.pk: "seated", third.pk: "waitlisted"}
    assert Notification.objects.filter(event="hearing.promoted", user=second).exists()
    assert Hearing.objects.get(pk=hearing.pk).topic_ru == "Проект бюджета на 2027 год"
    assert HearingHistory.objects.filter(hearing=hearing, action="edited").exists()
    assert AuditEntry.objects.get(action="hearing.edit").after["capacity"] == "2"


def test_fewer_seats_than_seated_and_no_topic_are_refused_and_change_nothing(schedule, staff):
    hearing = schedule(capacity=3)
    for person in UserFactory.create_batch(2):
        registration_create(user=person, hearing=hearing)
    with pytest.raises(ValidationError) as refused:
        hearing_update_details(actor=staff, hearing=hearing, capacity=1, topic_kk="", topic_ru="", topic_en="")
    assert set(refused.value.message_dict) == {"capacity", "topic_kk"}
    unchanged = Hearing.objects.get(pk=hearing.pk)
    assert (unchanged.capacity, unchanged.topic_ru) == (3, hearing.topic_ru)
    assert not AuditEntry.objects.filter(action="hearing.edit").exists()


def test_staff_of_another_maslikhat_may_not_edit(schedule):
    hearing = schedule()
    other = UserFactory(mfa=True)
    grant(other, Role.STAFF, "kz-71")
    with pytest.raises(PermissionDenied):
        hearing_update_details(actor=other, hearing=hearing, topic_ru="Чужой")


def test_the_staff_page_saves_details(client, schedule, staff):
    hearing = schedule()
    client.force_login(staff)
    page = client.get(f"/ru/staff/hearings/{hearing.pk}/")
    assert "details-topic_ru" in page.content.decode() or 'name="details-topic_ru"' in page.content.decode()
    data = {
        f"details-{k}": v
        for k, v in {
            "topic_kk": hearing.topic_kk,
            "topic_ru": "Новая тема",
            "capacity": "20",
            "languages": ["kk", "ru"],
            "broadcast_url": "https://example.kz/live",
        }.items()
    }
    response = client.post(f"/ru/staff/hearings/{hearing.pk}/details/", data)
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.topic_ru, hearing.capacity, hearing.broadcast_url) == ("Новая тема", 20, "https://example.kz/live")
