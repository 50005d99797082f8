import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from hearings.models import Registration
from hearings.services import registration_cancel, registration_create
from notifications.models import EmailDelivery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_capacity_then_waitlist_and_a_cancellation_promotes_the_first_waitlisted(
    schedule, django_capture_on_commit_callbacks
):
    hearing = schedule(capacity=2)
    first, second, third, fourth = UserFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [registration_create(user=u, hearing=hearing)[1] for u in (first, second, third, fourth)]
    assert outcomes == ["seated", "seated", "waitlisted", "waitlisted"]
    assert {m.to[0] for m in mail.outbox} == {u.email for u in (first, second, third, fourth)}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(user=second, hearing=hearing)
    assert promoted.user == third and promoted.status == Registration.Status.SEATED
    assert Registration.objects.get(user=fourth).status == Registration.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[third.email]]
    promotion = mail.outbox[0]
    assert promotion.attachments and any(name.endswith(".ics") for name, _c, _m in promotion.attachments)
    assert promoted.code in promotion.body


def test_registering_twice_changes_nothing(schedule, citizen, django_capture_on_commit_callbacks):
    hearing = schedule()
    with django_capture_on_commit_callbacks(execute=True):
        registration, outcome = registration_create(user=citizen, hearing=hearing)
        again, outcome_again = registration_create(user=citizen, hearing=hearing)
    assert (outcome, outcome_again) == ("seated", "already")
    assert again.pk == registration.pk and again.code == registration.code
    assert Registration.objects.count() == 1
    assert EmailDelivery.objects.filter(event="hearing.registered").count() == 1
    assert len(mail.outbox) == 1


def test_register_again_after_cancelling_goes_to_the_end_of_the_queue(schedule):
    hearing = schedule(capacity=1)
    a, b = UserFactory.create_batch(2)
    registration_create(user=a, hearing=hearing)
    registration_create(user=b, hearing=hearing)
    registration_cancel(user=a, hearing=hearing)  # b takes the seat
    registration, outcome = registration_create(user=a, hearing=hearing)
    assert outcome == "waitlisted"
    assert registration.position == 3
    assert Registration.objects.get(user=b).status == Registration.Status.SEATED


def test_unverified_closed_and_cancelled_are_refused(schedule, staff):
    from hearings.services import hearing_cancel

    hearing = schedule()
    unverified = UserFactory(verified=False)
    with pytest.raises(PermissionDenied):
        registration_create(user=unverified, hearing=hearing)
    hearing_cancel(actor=staff, hearing=hearing, reason="Зал на ремонте")
    with pytest.raises(ValidationError, match="cancelled"):
        registration_create(user=UserFactory(), hearing=hearing)
    assert not Registration.objects.exists()


def test_registration_closes_at_the_deadline(schedule):
    import time_machine

    hearing = schedule(registration_deadline=None)
    hearing.registration_deadline = hearing.starts_at.replace(hour=8)
    hearing.save()
    with time_machine.travel(hearing.registration_deadline, tick=False), pytest.raises(ValidationError, match="closed"):
        registration_create(user=UserFactory(), hearing=hearing)


def test_api_register_201_202_200_and_delete(schedule, client):
    hearing = schedule(capacity=1)
    url = f"/api/v1/hearings/{hearing.pk}/registrations/"
    first, second = UserFactory.create_batch(2)
    client.force_login(first)
    response = client.post(url)
    assert response.status_code == 201 and response.json()["status"] == "seated"
    assert client.post(url).status_code == 200
    client.force_login(second)
    assert client.post(url).status_code == 202
    detail = client.get(f"/api/v1/hearings/{hearing.pk}/").json()
    assert (detail["capacity"], detail["registered_count"], detail["waitlist_count"]) == (1, 1, 1)
    client.force_login(first)
    assert client.delete(url).status_code == 204
    assert Registration.objects.get(user=second).status == Registration.Status.SEATED


def test_api_refusals_are_translated(schedule, client, staff):
    from hearings.services import hearing_cancel

    hearing = schedule()
    url = f"/api/v1/hearings/{hearing.pk}/registrations/"
    assert client.post(url).status_code == 403
    client.force_login(UserFactory(verified=False))
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 403 and response.json()["detail"]
    hearing_cancel(actor=staff, hearing=hearing, reason="Причина")
    client.force_login(UserFactory())
    response = client.post(url)
    assert response.status_code == 400 and "detail" in response.json()


def test_api_list_filters_by_maslikhat_and_dates(schedule, client):
    from tests.hearings.conftest import days_ahead

    a = schedule()
    schedule(starts_at=days_ahead(60), venue_address="Другой зал")
    data = client.get("/api/v1/hearings/", {"maslikhat": "kz-75", "to": a.starts_at.date().isoformat()}).json()
    assert [h["id"] for h in data["results"]] == [a.pk]
    assert client.get("/api/v1/hearings/", {"maslikhat": "kz-71"}).json()["results"] == []
    assert client.get("/api/v1/hearings/", {"from": "nonsense"}).status_code == 400
