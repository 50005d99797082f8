"""What the bot does with an update from Telegram (https://core.telegram.org/bots/api#update).

Only text messages in private chats are answered: `/start <token>` links the chat to the account the
token was issued to, `/stop` unlinks it, `/help` explains, anything else is taken as an address. The
answer is sent by a Celery task (paced with the notifications, 429 retried); it is in the chat's
language: the linked account's, else Telegram's `language_code` when kk or ru, else Kazakh.

Telegram delivers an update again when our answer was late or failed; the update id is remembered for
a day in the cache, so a redelivered update is not handled twice."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.html import escape

from notifications.telegram.linking import telegram_link, telegram_unlink_chat, telegram_user_for_chat
from notifications.telegram.tasks import telegram_reply_task
from telegram_bot import answers

SEEN_FOR = 24 * 3600
CHAT_LANGUAGES = ("kk", "ru")


def chat_language(user, language_code: str) -> str:
    if user is not None and user.preferred_language:
        return user.preferred_language
    code = (language_code or "").lower()[:2]
    return code if code in CHAT_LANGUAGES else "kk"


def _reply(chat_id: int, language: str, render) -> None:
    with translation.override(language):
        result = render()
    text, markup = result if isinstance(result, tuple) else (result, None)
    transaction.on_commit(lambda: telegram_reply_task.delay(chat_id, text, markup), robust=True)


def update_handle(*, update: dict) -> str:
    """Handle one update; returns what was done ("linked", "address", "ignored", ...) for logs and tests."""
    update_id = update.get("update_id")
    if isinstance(update_id, int) and not cache.add(f"telegram:update:{update_id}", 1, timeout=SEEN_FOR):
        return "repeated"
    message = update.get("message")
    if not isinstance(message, dict):
        return "ignored"
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id = chat.get("id")
    if chat.get("type") != "private" or not isinstance(chat_id, int):
        return "ignored"
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    language_code = str(sender.get("language_code") or "")
    text = message.get("text")
    text = text.strip() if isinstance(text, str) else ""
    user = telegram_user_for_chat(chat_id)
    language = chat_language(user, language_code)

    if not text.startswith("/"):
        if not text:
            _reply(chat_id, language, answers.help_text)
            return "help"
        _reply(chat_id, language, lambda: answers.representatives_answer(text))
        return "address"
    command, _sep, argument = text.partition(" ")
    command = command.split("@", 1)[0].lower()  # "/start@DauysBot" in a menu
    if command == "/start" and argument.strip():
        try:
            user = telegram_link(token=argument.strip(), chat_id=chat_id, language_code=language_code)
        except ValidationError as error:
            refusal = error  # its lazy message is read in the chat's language
            _reply(chat_id, language, lambda: escape(" ".join(refusal.messages)) + "\n\n" + answers.help_text())
            return "refused"
        _reply(chat_id, chat_language(user, language_code), answers.linked_text)
        return "linked"
    if command == "/stop":
        was_linked = telegram_unlink_chat(chat_id=chat_id)
        _reply(chat_id, language, lambda: answers.stopped_text(was_linked))
        return "stopped"
    _reply(chat_id, language, answers.help_text)
    return "help"
