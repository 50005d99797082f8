"""Linking a Telegram chat to an account, and unlinking it.

The settings page shows `https://t.me/<bot>?start=<token>`; Telegram opens the bot, which receives
`/start <token>` and calls `telegram_link`. The token is a random nonce followed by its HMAC
(django.utils.crypto.salted_hmac over SECRET_KEY): 38 characters of [A-Za-z0-9_-], within Telegram's
64 for a start parameter. A forged token is refused before the database is asked; a real one names
a TelegramLinkToken row that is used once and expires after TOKEN_LIFETIME."""

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _  # evaluated in the chat's language

from notifications.models import NotificationPreference, TelegramChat, TelegramDelivery, TelegramLinkToken
from notifications.registry import listed_event_types
from portal.crypto import keyed_hash

TOKEN_LIFETIME = timedelta(hours=1)
REUSE_IF_LEFT = timedelta(minutes=15)  # the settings page shows the same link while this much is left
NONCE_LENGTH = 16
SALT = "dauys.notifications.telegram.link"


def chat_key(chat_id: int | str) -> str:
    return keyed_hash(str(int(chat_id)), purpose="telegram")


def _signature(nonce: str) -> str:
    digest = salted_hmac(SALT, nonce, algorithm="sha256").digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _token(nonce: str) -> str:
    return nonce + _signature(nonce)


def _nonce_of(token: str) -> str | None:
    token = (token or "").strip()
    nonce, signature = token[:NONCE_LENGTH], token[NONCE_LENGTH:]
    if len(nonce) != NONCE_LENGTH or not constant_time_compare(signature, _signature(nonce)):
        return None
    return nonce


def telegram_link_token_issue(*, user) -> str:
    """The token of the user's "Connect Telegram" link: the current one while it has time left, else
    a new one (expired tokens of the user are deleted on the way)."""
    now = timezone.now()
    TelegramLinkToken.objects.filter(user=user, expires_at__lt=now).delete()
    current = (
        TelegramLinkToken.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now + REUSE_IF_LEFT)
        .order_by("-expires_at")
        .first()
    )
    if current is None:
        current = TelegramLinkToken.objects.create(
            user=user, nonce=secrets.token_urlsafe(12)[:NONCE_LENGTH], expires_at=now + TOKEN_LIFETIME
        )
    return _token(current.nonce)


def telegram_link_url(*, user) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={telegram_link_token_issue(user=user)}"


def telegram_chat_of(user) -> TelegramChat | None:
    return TelegramChat.objects.filter(user=user).first()


def telegram_user_for_chat(chat_id: int | str):
    chat = TelegramChat.objects.select_related("user").filter(chat_key=chat_key(chat_id)).first()
    return chat.user if chat is not None and chat.user.is_active else None


def telegram_link(*, token: str, chat_id: int | str, language_code: str = ""):
    """Link the chat to the account that the token was issued to, and turn Telegram on (at once)
    for every event type that account gets at once by email. The token works once, before it
    expires. A chat linked to another account before moves to this one. Returns the user."""
    nonce = _nonce_of(token)
    if nonce is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    with transaction.atomic():
        row = (
            TelegramLinkToken.objects.select_for_update()
            .select_related("user")
            .filter(nonce=nonce, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not row.user.is_active:
            raise ValidationError(_("This link has expired or was already used."), code="expired")
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        user = row.user
        key = chat_key(chat_id)
        TelegramChat.objects.filter(chat_key=key).exclude(user=user).delete()
        TelegramChat.objects.update_or_create(
            user=user,
            defaults={"chat_id": str(int(chat_id)), "chat_key": key, "language_code": (language_code or "")[:10]},
        )
        _telegram_on_where_email_at_once(user)
    return user


def _telegram_on_where_email_at_once(user) -> None:
    Mode = NotificationPreference.Email
    events = [event.key for event in listed_event_types() if event.email]
    chosen = set(NotificationPreference.objects.filter(user=user, event__in=events).values_list("event", flat=True))
    # "auto" is at once too, for what concerns the person (Telegram does not hold followed news back).
    NotificationPreference.objects.filter(user=user, event__in=events, email__in=[Mode.IMMEDIATE, Mode.AUTO]).update(
        telegram=Mode.IMMEDIATE
    )
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=user, event=event, telegram=Mode.IMMEDIATE)
            for event in events
            if event not in chosen
        ],
        ignore_conflicts=True,
    )


def _unlink(chats) -> bool:
    user_ids = list(chats.values_list("user_id", flat=True))
    if not user_ids:
        return False
    chats.delete()
    # Nothing more goes to a chat that is gone; what was waiting is skipped, not lost silently.
    TelegramDelivery.objects.filter(
        user_id__in=user_ids, status__in=[TelegramDelivery.Status.PENDING, TelegramDelivery.Status.HELD]
    ).update(status=TelegramDelivery.Status.SKIPPED, last_error="unlinked")
    return True


def telegram_unlink(*, user) -> bool:
    """Unlink the account's chat (the settings page). Idempotent; returns whether one was linked."""
    with transaction.atomic():
        return _unlink(TelegramChat.objects.filter(user=user))


def telegram_unlink_chat(*, chat_id: int | str) -> bool:
    """Unlink a chat: `/stop` in the bot, or Telegram answered 403 (the person blocked the bot)."""
    with transaction.atomic():
        return _unlink(TelegramChat.objects.filter(chat_key=chat_key(chat_id)))
