"""The Telegram channel of notifications, in process against the fake Bot API: rows beside email,
the message text escaped, 403 unlinking, the global pace, digests, personal data, the channel off."""

import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from notifications.models import NotificationPreference, TelegramChat, TelegramDelivery
from notifications.telegram.linking import telegram_link, telegram_link_token_issue
from notifications.telegram.outbox import send_chunk
from notifications.telegram.ratelimit import rate_wait
from notifications.telegram.tasks import telegram_digest_task
from portal.personal_data import user_account_delete, user_data_export
from tests.factories import UserFactory
from tests.notifications.factories import news_object
from tests.notifications.notification_events import TEST_EVENT
from tests.telegram.conftest import SECRET, post_update, update

pytestmark = pytest.mark.django_db


def linked(chat_id: int, **user_fields):
    user = UserFactory(**user_fields)
    telegram_link(token=telegram_link_token_issue(user=user), chat_id=chat_id, language_code="kk")
    return user


def notify_now(**kwargs):
    from notifications.services import notify

    with transaction.atomic():
        return notify(**kwargs)


def test_a_notification_goes_to_telegram_beside_email_once(telegram_api, django_capture_on_commit_callbacks):
    reader = linked(3001, preferred_language="en")
    unlinked = UserFactory()
    almaty = news_object("kz-75")
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(event=TEST_EVENT, obj=almaty, recipients=[reader, unlinked], key="one")
        notify_now(event=TEST_EVENT, obj=almaty, recipients=[reader, unlinked], key="one")  # the same occurrence
    assert TelegramDelivery.objects.filter(user=reader, status="sent").count() == 1
    assert not TelegramDelivery.objects.filter(user=unlinked).exists()
    (message,) = telegram_api.sent(3001)
    assert message["params"]["parse_mode"] == "HTML"
    assert message["params"]["text"].startswith("<b>Notifications")  # the event's email subject, in English
    assert 'href="http://127.0.0.1:8000/en/maslikhats/kz-75/"' in message["params"]["text"]
    # Running the chunk again sends nothing more: the row is sent.
    ids = list(TelegramDelivery.objects.values_list("pk", flat=True))
    assert send_chunk(ids) == 0
    assert len(telegram_api.sent(3001)) == 1


def test_html_in_a_petition_title_reaches_telegram_as_text(telegram_api, django_capture_on_commit_callbacks):
    from petitions.services import petition_create
    from tests.factories import ensure_reference_data

    ensure_reference_data()
    reader = linked(3002, preferred_language="ru")
    title = 'Скамейки <b>у остановок</b> & <a href="https://evil.example">тут</a>'
    petition = petition_create(
        author=reader,
        title=title,
        text="Просим маслихат установить скамейки у остановок. " * 3,
        maslikhat=news_object(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(event="petition.answered", obj=petition, recipients=[reader], key="answered")
    (message,) = telegram_api.sent(3002)
    text = message["params"]["text"]
    assert "&lt;b&gt;у остановок&lt;/b&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;тут&lt;/a&gt;" in text
    assert "<b>у остановок</b>" not in text and 'href="https://evil.example"' not in text
    # Only our own tags remain: the headline and the links.
    assert set(re.findall(r"</?([a-z]+)", text)) <= {"b", "a"}


def test_403_unlinks_the_chat_and_stops_sending(telegram_api, django_capture_on_commit_callbacks):
    reader = linked(3003)
    telegram_api.blocked.add(3003)
    almaty = news_object("kz-75")
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(event=TEST_EVENT, obj=almaty, recipients=[reader], key="first")
    assert not TelegramChat.objects.filter(user=reader).exists()
    delivery = TelegramDelivery.objects.get(user=reader, key="first")
    assert delivery.status == "skipped" and "403" in delivery.last_error
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(event=TEST_EVENT, obj=almaty, recipients=[reader], key="second")
    assert not TelegramDelivery.objects.filter(user=reader, key="second").exists()
    assert len(telegram_api.attempts(3003)) == 1


def test_the_global_rate_holds_across_threads(telegram_api, settings):
    """Two senders at once (threads here, worker processes in production) share one pace in Redis."""
    settings.TELEGRAM_RATE = 20
    stamps: list[float] = []
    lock = threading.Lock()

    def sender():
        for _ in range(10):
            rate_wait()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert len(stamps) == 20
    assert stamps[-1] - stamps[0] >= 19 / 20 - 0.05  # 20 messages take about a second at 20/s
    assert min(gaps) >= 1 / 20 - 0.02


def test_fanout_is_paced(telegram_api, settings, django_capture_on_commit_callbacks):
    settings.TELEGRAM_RATE = 25
    readers = [linked(4000 + i) for i in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(event=TEST_EVENT, obj=news_object(), recipients=readers, key="paced")
    stamps = sorted(call["at"] for call in telegram_api.sent())
    assert len(stamps) == 12
    assert stamps[-1] - stamps[0] >= 11 / 25 - 0.05


def test_a_telegram_digest_gathers_held_items_in_one_message(telegram_api, django_capture_on_commit_callbacks):
    reader = linked(3004, preferred_language="en")
    NotificationPreference.objects.filter(user=reader, event=TEST_EVENT).update(telegram="daily")
    NotificationPreference.objects.get_or_create(user=reader, event=TEST_EVENT, defaults={"telegram": "daily"})
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(event=TEST_EVENT, obj=news_object("kz-75"), recipients=[reader], key="a")
        notify_now(event=TEST_EVENT, obj=news_object("kz-71"), recipients=[reader], key="b")
    assert telegram_api.sent(3004) == []
    assert TelegramDelivery.objects.filter(user=reader, status="held").count() == 2
    telegram_digest_task.delay("daily")
    telegram_digest_task.delay("daily")
    (message,) = telegram_api.sent(3004)
    assert "What happened today" in message["params"]["text"]
    assert "Almaty City Maslikhat" in message["params"]["text"] and "Astana City Maslikhat" in message["params"]["text"]


def test_the_chat_link_is_personal_data(telegram_api):
    reader = linked(3005)
    exported = user_data_export(user=reader)["telegram"]
    assert exported["chat"]["chat_id"] == "3005"
    user_account_delete(user=reader)
    assert not TelegramChat.objects.filter(user=reader).exists()
    # At rest the chat id is not readable.
    with connection.cursor() as cursor:
        linked(3006)
        cursor.execute("SELECT chat_id FROM notifications_telegramchat")
        (stored,) = cursor.fetchone()
    assert "3006" not in stored


def test_with_the_channel_off_nothing_offers_or_sends_telegram(client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    user = UserFactory()
    client.force_login(user)
    page = client.get("/en/notifications/settings/").content.decode()
    assert "Telegram" not in page
    NotificationPreference.objects.create(user=user, event=TEST_EVENT, telegram="immediate")
    notify_now(event=TEST_EVENT, obj=news_object(), recipients=[user], key="off")
    assert not TelegramDelivery.objects.exists()
    assert post_update(client, update("/help")).status_code == 403


def test_settings_check_and_webhook_command(telegram_api, settings):
    from django.core.checks import run_checks

    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert "notifications.E004" in {message.id for message in run_checks()}
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    assert "notifications.E004" not in {message.id for message in run_checks()}
    call_command("telegram_set_webhook", "https://dauys.example.kz/telegram/webhook/")
    (call,) = [c for c in telegram_api.calls if c["method"] == "setWebhook"]
    assert call["params"]["url"] == "https://dauys.example.kz/telegram/webhook/"
    assert call["params"]["secret_token"] == SECRET


def test_the_settings_page_sets_telegram_per_topic_and_each_kind_keeps_its_column(client, telegram_api):
    from notifications.registry import listed_event_types
    from tests.notifications.factories import browser_data

    reader = linked(3010, preferred_language="en")
    client.force_login(reader)
    page = client.get("/en/notifications/settings/")
    body = page.content.decode()
    assert 'name="topic_telegram:hearings"' in body and 'name="telegram:hearing.registered"' in body
    data = browser_data(page.context["form"])
    data["topic_telegram:hearings"] = "daily"  # the topic's control: every hearing kind
    data["telegram:petition.answered"] = "weekly"  # one kind in its own row
    assert client.post("/en/notifications/settings/", data).status_code == 302
    modes = dict(NotificationPreference.objects.filter(user=reader).values_list("event", "telegram"))
    hearings = [e.key for e in listed_event_types() if e.key.startswith("hearing.")]
    assert {modes[key] for key in hearings} == {"daily"}
    assert modes["petition.answered"] == "weekly" and modes["petition.published"] == "immediate"
