"""Telegram as a notification channel beside the inbox and email (docs/telegram.md).

- `api`: the one module that talks to the Bot API (plain HTTPS through httpx) and turns its errors
  into exceptions: 429 `RetryAfter`, 403 `Blocked`, other 4xx `Refused`, 5xx and network `Unavailable`.
- `linking`: "Connect Telegram" deep-link tokens, linking a chat by `/start <token>`, unlinking.
- `outbox`: the Telegram deliveries notify() writes, and the exactly-once sending protocol.
- `ratelimit`: the global messages-per-second pace, shared by every worker through Redis.
- `messages`: the text of a notification in the recipient's language (HTML parse mode, escaped).
- `tasks`: Celery tasks `notifications.telegram.tasks.*`.

The bot that answers addresses lives in the `telegram_bot` app above `deputies`."""

from django.conf import settings


def telegram_enabled() -> bool:
    """The channel is on when the environment names a bot token."""
    return bool(getattr(settings, "TELEGRAM_BOT_TOKEN", ""))
