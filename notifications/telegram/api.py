"""The Bot API over HTTPS (https://core.telegram.org/bots/api): one client, a few methods, and
Telegram's errors as exceptions. The bot token is part of every URL, so no URL is logged or stored:
httpx's request log is silenced in settings.LOGGING and errors carry only Telegram's description."""

from __future__ import annotations

import httpx
from django.conf import settings

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_TEXT = 4096  # characters in one message


class TelegramError(Exception):
    def __init__(self, description: str, *, code: int = 0, retry_after: float = 0):
        super().__init__(description)
        self.description = description
        self.code = code
        self.retry_after = retry_after


class RetryAfter(TelegramError):
    """429 Too Many Requests: wait `retry_after` seconds before the next message."""


class Blocked(TelegramError):
    """403 Forbidden: the person blocked the bot or deleted the chat; stop writing to it."""


class Refused(TelegramError):
    """Another 4xx: this message will never be accepted (bad chat, bad text)."""


class Unavailable(TelegramError):
    """5xx, a timeout or a network failure: try again later."""


class BotAPI:
    """A Bot API session: one HTTP connection pool, closed with the `with` block."""

    def __init__(self, token: str | None = None, base_url: str | None = None):
        self.token = token if token is not None else settings.TELEGRAM_BOT_TOKEN
        self.base_url = (base_url or settings.TELEGRAM_API_URL).rstrip("/")
        self._client = httpx.Client(timeout=TIMEOUT, follow_redirects=False)

    def __enter__(self) -> BotAPI:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def call(self, method: str, **params) -> object:
        """Call one method with a JSON body; returns Telegram's `result` or raises a TelegramError."""
        try:
            response = self._client.post(f"{self.base_url}/bot{self.token}/{method}", json=params)
        except httpx.HTTPError as error:  # no URL in the message: the token is in it
            raise Unavailable(f"{method}: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and body.get("ok"):
            return body.get("result")
        code = int(body.get("error_code") or response.status_code)
        description = f"{method}: {code} {body.get('description') or response.reason_phrase}"[:400]
        parameters = body.get("parameters") or {}
        if code == 429:
            raise RetryAfter(description, code=code, retry_after=float(parameters.get("retry_after") or 1))
        if code == 403:
            raise Blocked(description, code=code)
        if 400 <= code < 500:
            raise Refused(description, code=code)
        raise Unavailable(description, code=code)

    def send_message(self, chat_id: int | str, text: str, *, reply_markup: dict | None = None) -> object:
        params = {
            "chat_id": int(chat_id),
            "text": text[:MAX_TEXT],
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        if reply_markup:
            params["reply_markup"] = reply_markup
        return self.call("sendMessage", **params)

    def set_webhook(self, url: str, *, secret_token: str) -> object:
        return self.call(
            "setWebhook",
            url=url,
            secret_token=secret_token,
            allowed_updates=["message"],
            drop_pending_updates=False,
        )
