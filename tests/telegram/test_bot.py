"""The bot through its webhook, against the fake Bot API: the secret, linking by deep link, /stop,
/help in the chat's language, and addresses answered with their deputies."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from deputies.models import Deputy
from deputies.selectors import representatives_for_address
from notifications.models import NotificationPreference, TelegramChat, TelegramLinkToken
from notifications.registry import listed_event_types
from notifications.telegram.linking import chat_key
from telegram_bot.answers import representatives_message
from tests.factories import UserFactory
from tests.telegram.conftest import BOT, post_update, update

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "deputies" / "data"


@pytest.fixture
def imported(db):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    return {d.full_name: d for d in Deputy.objects.all()}


def deep_link_token(client, user) -> str:
    client.force_login(user)
    # The page in the account's own language: a page in another language would switch it (it sticks).
    page = client.get(f"/{user.preferred_language or 'kk'}/notifications/settings/").content.decode()
    found = re.search(rf"https://t\.me/{BOT}\?start=([A-Za-z0-9_-]+)", page)
    assert found, "the settings page offers Connect Telegram"
    return found.group(1)


def test_the_webhook_refuses_a_wrong_secret_and_does_nothing(client, telegram_api, django_capture_on_commit_callbacks):
    user = UserFactory()
    token = deep_link_token(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        for secret in ("wrong", "", None):
            response = post_update(client, update(f"/start {token}"), secret=secret)
            assert response.status_code == 403
    assert not TelegramChat.objects.exists()
    assert telegram_api.calls == []
    # The same update with the right secret links the chat: the refusal was the secret's doing.
    with django_capture_on_commit_callbacks(execute=True):
        assert post_update(client, update(f"/start {token}")).status_code == 200
    assert TelegramChat.objects.filter(user=user).exists()


def test_linking_by_deep_link_answers_in_the_account_language_and_turns_telegram_on(
    client, telegram_api, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="ru")
    NotificationPreference.objects.create(user=user, event="hearing.reminder", email="daily")
    token = deep_link_token(client, user)
    assert len(token) <= 64 and TelegramLinkToken.objects.filter(user=user).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = post_update(client, update(f"/start {token}", chat_id=777, language_code="en"))
    assert response.status_code == 200
    chat = TelegramChat.objects.get(user=user)
    assert chat.chat_id == "777" and chat.chat_key == chat_key(777)
    (message,) = telegram_api.sent(777)
    assert message["params"]["parse_mode"] == "HTML"
    assert "Telegram подключён" in message["params"]["text"]  # the account's language, not the chat's
    prefs = {p.event: p.telegram for p in NotificationPreference.objects.filter(user=user)}
    assert prefs["hearing.registered"] == "immediate"  # at once by email (the default): at once here
    assert prefs["hearing.reminder"] == "off"  # a daily email digest stays off in Telegram

    # Single use: the same link again changes nothing and says why.
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, update(f"/start {token}", chat_id=888, language_code="ru"))
    assert not TelegramChat.objects.filter(chat_key=chat_key(888)).exists()
    assert "уже использована" in telegram_api.sent(888)[0]["params"]["text"]

    # The settings page now has a Telegram column and a disconnect button.
    page = client.get("/en/notifications/settings/").content.decode()
    assert "In Telegram" in page and "Disconnect Telegram" in page and "t.me/" not in page
    form = {}
    for event in listed_event_types():
        form.update({f"in_app:{event.key}": "on", f"email:{event.key}": "immediate" if event.email else "off"})
        if event.email:
            form[f"telegram:{event.key}"] = "immediate"
    form["telegram:hearing.registered"] = "weekly"
    assert client.post("/en/notifications/settings/", form).status_code == 302
    assert NotificationPreference.objects.get(user=user, event="hearing.registered").telegram == "weekly"

    client.post("/en/notifications/telegram/unlink/")
    assert not TelegramChat.objects.filter(user=user).exists()


def test_a_forged_or_expired_token_links_nothing(client, telegram_api, django_capture_on_commit_callbacks):
    user = UserFactory()
    token = deep_link_token(client, user)
    forged = token[:16] + ("A" if token[16] != "A" else "B") + token[17:]
    TelegramLinkToken.objects.update(expires_at="2000-01-01T00:00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, update(f"/start {forged}", chat_id=1))
        post_update(client, update(f"/start {token}", chat_id=2))
    assert not TelegramChat.objects.exists()
    assert len(telegram_api.sent()) == 2


def test_stop_unlinks_and_help_speaks_the_chat_language(client, telegram_api, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    token = deep_link_token(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, update(f"/start {token}", chat_id=42))
        post_update(client, update("/help", chat_id=42))  # linked: the account's language
        post_update(client, update("/stop", chat_id=42))
        post_update(client, update("/help", chat_id=43, language_code="ru"))
        post_update(client, update("/help", chat_id=44, language_code="de"))  # neither kk nor ru: Kazakh
    assert not TelegramChat.objects.exists()
    texts = [c["params"]["text"] for c in telegram_api.sent()]
    assert "Send me an address" in texts[1]
    assert "disconnected" in texts[2]
    assert "Пришлите мне адрес" in texts[3]
    assert "Маған мекенжай жіберіңіз" in texts[4]


def test_a_repeated_update_is_answered_once(client, telegram_api, django_capture_on_commit_callbacks):
    body = update("/help", chat_id=9, update_id=424242)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, body)
        post_update(client, body)
    assert len(telegram_api.sent(9)) == 1


def test_an_address_is_answered_with_its_deputies(client, telegram_api, imported, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, update("Алматы, Абылай хана 15", chat_id=100, language_code="ru"))
    (message,) = telegram_api.sent(100)
    text = message["params"]["text"]
    smd, party = imported["Үлгіұлы Демо"], imported["Тізімов Демо"]
    assert "Представители" in text  # the chat's language (Telegram's language_code ru)
    assert f'/ru/deputies/{smd.pk}/">Үлгіұлы Демо</a>' in text
    assert f'/ru/deputies/{party.pk}/">Тізімов Демо</a>' in text
    others = {name for name in imported} - {"Үлгіұлы Демо", "Тізімов Демо"}
    assert others and not any(name in text for name in others)
    assert "№ 1" in text
    assert "/ru/representatives/?address=" in text


def test_an_unknown_address_gets_the_hint_with_html_escaped(
    client, telegram_api, imported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, update("Алматы, <b>Несуществующая</b> 5", chat_id=101, language_code="ru"))
    text = telegram_api.sent(101)[0]["params"]["text"]
    assert "Несуществующая" not in text or "&lt;b&gt;Несуществующая" in text
    assert "<b>Несуществующая</b>" not in text
    with translation.override("ru"):
        assert representatives_for_address("Алматы, Несуществующая 5").hint[:20] in text


def test_did_you_mean_lists_the_lookup_suggestions_as_text_and_buttons(imported):
    result = representatives_for_address("Алматы, Абылайханская 15")
    assert result.matches == []
    # The answer lists whatever suggestions the lookup gives, escaped.
    result.suggestions = [{"address": "Алматы, пр. Абылай хана, 15"}, "Алматы, <i>Абая</i>"]
    with translation.override("en"):
        text, keyboard = representatives_message(result, "Алматы, Абылайханская 15")
    assert "Did you mean:" in text
    assert "• Алматы, пр. Абылай хана, 15" in text and "&lt;i&gt;Абая&lt;/i&gt;" in text
    assert [row[0]["text"] for row in keyboard["keyboard"]] == ["Алматы, пр. Абылай хана, 15", "Алматы, <i>Абая</i>"]
    with translation.override("en"):
        text, keyboard = representatives_message(representatives_for_address("Алматы, Абылайханская 15"), "x")
    # The real lookup's own "did you mean" reaches the chat too.
    assert "Did you mean:" in text and "• Алматы, пр. Абылай хана 15" in text
    assert [row[0]["text"] for row in keyboard["keyboard"]] == ["Алматы, пр. Абылай хана 15"]
