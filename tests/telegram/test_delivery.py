"""Telegram with a real Celery worker, Redis, PostgreSQL, an aiosmtpd server and the fake Bot API:
a hearing registration confirmed once in Telegram and once by email, even when the send task runs
twice; a 429 retried after the retry_after Telegram gave."""

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from deputies.models import StandingCommission
from notifications.models import EmailDelivery, TelegramDelivery
from notifications.services import notify
from notifications.telegram.linking import telegram_link, telegram_link_token_issue
from notifications.telegram.tasks import telegram_chunk_send_task
from portal.models import Role
from tests.factories import UserFactory, grant, maslikhat
from tests.notifications.factories import news_object
from tests.notifications.notification_events import TEST_EVENT
from tests.notifications.test_notifications_delivery import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def linked(chat_id: int, **fields):
    user = UserFactory(**fields)
    telegram_link(token=telegram_link_token_issue(user=user), chat_id=chat_id)
    return user


def scheduled_hearing():
    from hearings.services import hearing_schedule

    almaty = maslikhat("kz-75")
    staff = UserFactory(mfa=True)
    grant(staff, Role.STAFF, "kz-75")
    commission = StandingCommission.objects.create(maslikhat=almaty, name_kk="Бюджет", name_ru="Бюджетная")
    starts_at = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=30), time(10, 0)))
    return hearing_schedule(
        actor=staff,
        maslikhat=almaty,
        commission=commission,
        hearing_type="budget",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        topic_kk="Бюджет жобасы",
        topic_ru="Проект бюджета <2027>",
        venue_address="Алматы, пр. Абылай хана 91",
        capacity=10,
        languages=["kk", "ru"],
    )


def test_a_hearing_registration_is_confirmed_once_in_telegram_and_once_by_email(
    telegram_api, smtp_server, celery_worker
):
    from hearings.services import registration_create

    citizen = linked(6001, preferred_language="ru")
    hearing = scheduled_hearing()
    registration, outcome = registration_create(user=citizen, hearing=hearing)
    assert outcome == "seated"

    def both_sent():
        return (
            EmailDelivery.objects.filter(user=citizen, event="hearing.registered", status="sent").exists()
            and TelegramDelivery.objects.filter(user=citizen, event="hearing.registered", status="sent").exists()
        )

    wait_until(both_sent, message="the confirmation sent by email and in Telegram")
    ids = list(TelegramDelivery.objects.filter(user=citizen).values_list("pk", flat=True))
    telegram_chunk_send_task.delay(ids)  # the task delivered twice more: the claim decides
    telegram_chunk_send_task.delay(ids)
    wait_until(
        lambda: celery_worker.log.read_text(errors="replace").count("telegram_chunk_send_task") >= 6,
        message="three runs of the chunk task received and finished",
    )
    (message,) = telegram_api.sent(6001)
    text = message["params"]["text"]
    assert "Проект бюджета &lt;2027&gt;" in text  # in the account's language, escaped
    assert f"<code>{registration.code}</code>" in text
    assert [m["to"] for m in smtp_server.messages] == [[citizen.email]]
    assert TelegramDelivery.objects.get(user=citizen).attempts == 1


def test_a_429_is_retried_after_retry_after(telegram_api, celery_worker):
    telegram_api.rate_limited.append(2)
    reader = linked(6002)
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=news_object(), recipients=[reader], key="flood")
    wait_until(
        lambda: TelegramDelivery.objects.filter(user=reader, status="sent").exists(), message="sent after the 429"
    )
    first, second = telegram_api.attempts(6002)
    assert (first["status"], second["status"]) == (429, 200)
    assert second["at"] - first["at"] >= 2 - 0.1
    delivery = TelegramDelivery.objects.get(user=reader)
    assert delivery.attempts == 1  # the 429 did not use up an attempt
    assert len(telegram_api.sent(6002)) == 1
