"""Notifications, email deliveries, notification preferences and follows.

The tables kept the names they had when these models lived in `portal` (`portal_notification`,
`portal_emaildelivery`, `portal_notificationpreference`, `portal_follow`): the move to this app was a
change of Django state only (migration notifications/0001_initial), no table was renamed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.crypto import EncryptedTextField


class Notification(models.Model):
    """An in-app notification. One per (user, event, key): notifying twice changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=60)
    key = models.CharField(max_length=120, help_text="What makes this notification unique for its event.")
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "portal_notification"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "event", "key"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.event} → {self.user_id}"


class EmailDelivery(models.Model):
    """One email to one recipient for one event occurrence; the unique key makes sending idempotent.

    Lifecycle: pending -> sending (claimed by one worker until `claimed_until`) -> sent | failed;
    held (waiting for the recipient's digest) -> digested (folded into a digest delivery);
    skipped (nothing to send: the object or the address is gone). See docs/notifications.md."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        HELD = "held", _("Held for a digest")
        DIGESTED = "digested", _("Sent in a digest")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries")
    event = models.CharField(max_length=60)
    key = models.CharField(max_length=120)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A worker owns a "sending" row until this moment; after it, the recovery task may reclaim it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When a send task was last queued for this row: the recovery task re-queues rows left behind.
    queued_at = models.DateTimeField(null=True, blank=True)
    # The maslikhat code of the event's object, so staff see only their maslikhat's deliveries.
    scope_code = models.CharField(max_length=40, blank=True, default="")
    digest = models.CharField(max_length=10, blank=True, default="")  # "daily" | "weekly" for held rows
    digest_delivery = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="digest_items"
    )

    class Meta:
        db_table = "portal_emaildelivery"
        constraints = [models.UniqueConstraint(fields=["user", "event", "key"], name="email_delivery_once")]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["event", "key", "status"], name="email_delivery_occurrence"),
            models.Index(fields=["status", "queued_at"], name="email_delivery_recovery"),
            models.Index(fields=["digest", "status", "user"], name="email_delivery_digest"),
            models.Index(fields=["scope_code", "created_at"], name="email_delivery_scope"),
        ]

    def __str__(self):
        return f"{self.event} → {self.user_id}: {self.status}"


class NotificationPreference(models.Model):
    """A user's channels for one event type. No row means the defaults: in-app on, email "auto"
    (at once for what concerns the person, a daily digest for news of what they follow), Telegram off."""

    class Email(models.TextChoices):
        OFF = "off", _("No email")
        # The default (issue 19, fewer emails): one's own news at once, followed news in the daily
        # digest. notify() knows which is which: its `recipients` and its `followers`.
        AUTO = "auto", _("Mine at once, followed news daily")
        IMMEDIATE = "immediate", _("Email at once")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=60)
    in_app = models.BooleanField(_("in the inbox"), default=True)
    email = models.CharField(_("by email"), max_length=10, choices=Email.choices, default=Email.AUTO)
    # Telegram (docs/telegram.md): off unless the person linked a chat; linking turns it on at once
    # for every event they get at once by email. Same modes as email.
    telegram = models.CharField(_("in Telegram"), max_length=10, choices=Email.choices, default=Email.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "portal_notificationpreference"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_preference_once")]
        indexes = [models.Index(fields=["event", "user"])]

    def __str__(self):
        return f"{self.user_id} · {self.event}: {self.email}"

    @classmethod
    def effective_mode(cls, mode: str, *, following: bool) -> str:
        """The mode one notification is sent in: "auto" is at once for a recipient the news concerns
        (an author, a registrant) and the daily digest for someone who hears it as a follower."""
        if mode == cls.Email.AUTO:
            return cls.Email.DAILY if following else cls.Email.IMMEDIATE
        return mode


class Follow(models.Model):
    """A user follows an object of any app (deputy, maslikhat, district, petition, recall, hearing).
    The object is named by its model label and primary key, so notifications imports none of the apps
    whose objects are followed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    object_type = models.CharField(max_length=80)  # "deputies.deputy"
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "portal_follow"
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "object_type", "object_id"], name="follow_once")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="follow_object")]

    def __str__(self):
        return f"{self.user_id} → {self.object_type}:{self.object_id}"


# ------------------------------------------------------------------------------
# Telegram: a chat linked to an account, single-use link tokens, the Telegram outbox
# (docs/telegram.md). A parallel path beside EmailDelivery: the email path is not touched.
# ------------------------------------------------------------------------------
class TelegramChat(models.Model):
    """The Telegram chat an account receives its notifications in (one per account, one account per
    chat). The chat id is personal data: encrypted at rest, found through its keyed hash."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_chat")
    chat_id = EncryptedTextField()
    chat_key = models.CharField(max_length=64, unique=True)  # portal.crypto.keyed_hash(chat id, purpose="telegram")
    language_code = models.CharField(max_length=10, blank=True, default="")  # as Telegram reported it
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Telegram chat")
        verbose_name_plural = _("Telegram chats")

    def __str__(self):
        return f"telegram → {self.user_id}"


class TelegramLinkToken(models.Model):
    """The one-time part of a "Connect Telegram" deep link (t.me/<bot>?start=<nonce><signature>)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_tokens")
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="telegram_token_user")]

    def __str__(self):
        return f"telegram token → {self.user_id}"


class TelegramDelivery(models.Model):
    """One Telegram message to one recipient for one event occurrence: the same claim protocol as
    EmailDelivery (pending -> sending -> sent | failed | skipped; held -> digested)."""

    Status = EmailDelivery.Status

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_deliveries")
    event = models.CharField(max_length=60)
    key = models.CharField(max_length=120)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    scope_code = models.CharField(max_length=40, blank=True, default="")
    digest = models.CharField(max_length=10, blank=True, default="")
    digest_delivery = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="digest_items"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event", "key"], name="telegram_delivery_once")]
        indexes = [
            models.Index(fields=["event", "key", "status"], name="telegram_delivery_occurrence"),
            models.Index(fields=["status", "queued_at"], name="telegram_delivery_recovery"),
            models.Index(fields=["digest", "status", "user"], name="telegram_delivery_digest"),
        ]

    def __str__(self):
        return f"telegram {self.event} → {self.user_id}: {self.status}"
