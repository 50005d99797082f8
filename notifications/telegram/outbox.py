"""The Telegram outbox: one TelegramDelivery per (recipient, event, occurrence key), written by
notify() beside the email rows, and sent by the same claim protocol as email (docs/notifications.md,
docs/telegram.md):

1. claim: one conditional UPDATE moves a row pending -> sending with a lease; one worker wins.
2. sendMessage, paced by the global rate (ratelimit.rate_wait).
3. mark sent with one UPDATE right after Telegram's 200.

Telegram's answers (https://core.telegram.org/bots/api#making-requests, /bots/faq):
- 429 with `retry_after`: the row goes back to pending (the attempt is not counted), every worker
  pauses for `retry_after` (ratelimit.rate_pause), and the chunk task retries after that time.
- 403 (the person blocked the bot): the chat is unlinked, this and every waiting message of the
  person skipped; nothing more is sent until they link again.
- another 4xx: failed, with Telegram's description; the rest of the chunk goes on.
- 5xx, timeout, network: back to pending and the task retries with backoff.
A worker dying between Telegram's 200 and the "sent" UPDATE leaves the row "sending"; after the lease
it is sent again: a second copy, the same single window as email (Telegram has no Message-ID)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from notifications.emails import ObjectCache
from notifications.models import NotificationPreference, TelegramChat, TelegramDelivery
from notifications.telegram import telegram_enabled
from notifications.telegram.api import Blocked, BotAPI, Refused, RetryAfter, Unavailable
from notifications.telegram.linking import telegram_unlink_chat
from notifications.telegram.messages import telegram_text
from notifications.telegram.ratelimit import rate_pause, rate_wait

Status = TelegramDelivery.Status
Mode = NotificationPreference.Email


def deliveries_write(
    *,
    event: str,
    key: str,
    object_type: str,
    object_id: str,
    scope_code: str,
    user_ids: list[int],
    prefs: dict,
    following: bool = False,
) -> bool:
    """Write the Telegram rows of one notify() batch: recipients with a linked chat whose preference
    for this event is not off. `prefs`: {user id: {"telegram": mode, ...}} as notify() read them;
    `following`: the batch hears the news as followers (what "auto" means, as for email).
    Returns whether a row waits to be sent at once."""
    if not telegram_enabled():
        return False
    linked = set(TelegramChat.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    rows = []
    for uid in user_ids:
        mode = NotificationPreference.effective_mode(prefs.get(uid, {}).get("telegram", Mode.OFF), following=following)
        if uid not in linked or mode == Mode.OFF:
            continue
        held = mode in (Mode.DAILY, Mode.WEEKLY)
        rows.append(
            TelegramDelivery(
                user_id=uid,
                event=event,
                key=key,
                object_type=object_type,
                object_id=object_id,
                scope_code=scope_code,
                status=Status.HELD if held else Status.PENDING,
                digest=mode if held else "",
            )
        )
    TelegramDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return any(row.status == Status.PENDING for row in rows)


# ------------------------------------------------------------------------------
# The claim protocol
# ------------------------------------------------------------------------------
def claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        TelegramDelivery.objects.filter(pk=delivery_id)
        .filter(Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_until__lt=now))
        .update(
            status=Status.SENDING,
            claimed_until=now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


def _finish(delivery_id: int, status: str, error: str = "", **extra) -> None:
    fields = {"status": status, "claimed_until": None, "last_error": error[:500], **extra}
    if status == Status.SENT:
        fields["sent_at"] = timezone.now()
    TelegramDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(**fields)


def _release(delivery: TelegramDelivery, error: str) -> None:
    gave_up = delivery.attempts + 1 >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    _finish(delivery.pk, Status.FAILED if gave_up else Status.PENDING, error)


def send_chunk(delivery_ids: list[int]) -> int:
    """Send a bounded chunk of Telegram deliveries. Returns how many were sent. Raises RetryAfter
    (429) and Unavailable (5xx, network) after putting the current row back, so that the task
    retries; rows already sent are skipped by the retry."""
    rows = {
        d.pk: d
        for d in TelegramDelivery.objects.select_related("user").filter(
            pk__in=delivery_ids, status__in=[Status.PENDING, Status.SENDING]
        )
    }
    chats = {c.user_id: c for c in TelegramChat.objects.filter(user_id__in={d.user_id for d in rows.values()})}
    objects = ObjectCache()
    sent = 0
    with BotAPI() as api:
        for pk in sorted(rows):
            delivery = rows[pk]
            if not claim(pk):
                continue
            chat = chats.get(delivery.user_id)
            if chat is None or not delivery.user.is_active:
                _finish(pk, Status.SKIPPED, "no linked chat")
                continue
            try:
                text = telegram_text(delivery, objects)
            except Exception as error:  # a template or context bug must not block the rest
                _finish(pk, Status.FAILED, f"render: {error}")
                continue
            if text is None:
                _finish(pk, Status.SKIPPED)
                continue
            rate_wait()
            try:
                api.send_message(chat.chat_id, text)
            except RetryAfter as error:
                rate_pause(error.retry_after)
                _finish(pk, Status.PENDING, error.description, attempts=F("attempts") - 1)
                raise
            except Blocked as error:
                _finish(pk, Status.SKIPPED, error.description)
                telegram_unlink_chat(chat_id=chat.chat_id)
                chats.pop(delivery.user_id, None)
                continue
            except Refused as error:
                _finish(pk, Status.FAILED, error.description)
                continue
            except Unavailable as error:
                _release(delivery, error.description)
                raise
            _finish(pk, Status.SENT)
            sent += 1
    return sent


def reply_send(*, chat_id: int | str, text: str, reply_markup: dict | None = None) -> bool:
    """A direct answer of the bot in a chat (not a notification: no outbox row). 429 and 5xx are
    raised for the task to retry; 403 unlinks the chat. Returns whether Telegram accepted it."""
    rate_wait()
    with BotAPI() as api:
        try:
            api.send_message(chat_id, text, reply_markup=reply_markup)
        except RetryAfter as error:
            rate_pause(error.retry_after)
            raise
        except Blocked:
            telegram_unlink_chat(chat_id=chat_id)
            return False
        except Refused:
            return False
    return True


# ------------------------------------------------------------------------------
# What the fan-out and the recovery task queue
# ------------------------------------------------------------------------------
def pending_ids(event: str, key: str):
    return (
        TelegramDelivery.objects.filter(event=event, key=key, status=Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )


def stranded_ids():
    """Rows a crash or a broker outage left behind (as for email); rows out of attempts are failed."""
    now = timezone.now()
    TelegramDelivery.objects.filter(
        status=Status.SENDING, claimed_until__lt=now, attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS
    ).update(status=Status.FAILED, claimed_until=None, last_error="gave up: the sending worker stopped answering")
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_RECOVERY_SECONDS)
    return (
        TelegramDelivery.objects.filter(
            Q(status=Status.SENDING, claimed_until__lt=now)
            | Q(status=Status.PENDING, queued_at__lt=stale)
            | Q(status=Status.PENDING, queued_at__isnull=True, created_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )
