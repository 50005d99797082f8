"""Letters to deputies: the rules in force, a message and its reply, the reply link, and reception
slots with their bookings.

A message is personal data of both sides: the citizen's name, address and text, and the deputy's
reply are encrypted at rest (portal.crypto) and purged after the retention period; the row stays so
that the deputy's responsiveness keeps counting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.crypto import EncryptedTextField

LANGUAGE_CHOICES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]


class LetterRulesQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """The rules row in force on a date (the latest effective one)."""
        on = on or timezone.localdate()
        return self.filter(effective_from__lte=on).order_by("-effective_from").first()


class LetterRules(models.Model):
    """The numbers of letters to deputies, as data with their source: a new row with a later
    effective date changes a rule without a deploy."""

    effective_from = models.DateField(_("effective from"), unique=True)
    reply_term_working_days = models.PositiveSmallIntegerField(
        _("reply term (working days)"), help_text=_("After it the citizen is asked whether a reply came.")
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        _("deputy reminder after (working days)"), help_text=_("One reminder to the deputy before the reply term ends.")
    )
    min_messages_for_rate = models.PositiveSmallIntegerField(
        _("minimum messages for a public reply rate"),
        help_text=_("Below this the reply rate is not shown, so one message does not brand anyone."),
    )
    period_days = models.PositiveSmallIntegerField(_("responsiveness period (days)"))
    reply_link_days = models.PositiveSmallIntegerField(_("reply link valid for (days)"))
    per_account_per_day = models.PositiveSmallIntegerField(_("messages per account per day"))
    per_network_per_day = models.PositiveSmallIntegerField(_("messages per network per day"))
    retention_days = models.PositiveIntegerField(
        _("retention of message texts (days)"), help_text=_("After it texts and addresses are erased; counts stay.")
    )
    legal_reference = models.CharField(_("legal reference"), max_length=400)
    unconfirmed = models.BooleanField(
        _("unconfirmed"), default=False, help_text=_("The numbers are defaults, not confirmed in law.")
    )

    objects = LetterRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter rules")
        verbose_name_plural = _("letter rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(reply_term_working_days__gte=1), name="letter_rules_term_positive"),
            models.CheckConstraint(condition=Q(min_messages_for_rate__gte=1), name="letter_rules_min_positive"),
            models.CheckConstraint(
                condition=Q(reminder_working_days__lt=models.F("reply_term_working_days")),
                name="letter_rules_reminder_before_term",
            ),
        ]

    def __str__(self):
        return f"{self.effective_from}"


class MessageQuerySet(models.QuerySet):
    def counted(self):
        """Messages that count for the deputy: delivered (by email or by staff), not removed."""
        return self.exclude(status__in=[Message.Status.QUEUED, Message.Status.STAFF_QUEUE]).filter(
            moderation=Message.Moderation.OK
        )

    def published(self):
        return self.filter(publication=Message.Publication.PUBLISHED, moderation=Message.Moderation.OK)


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Being sent")
        SENT = "sent", _("Delivered to the deputy")
        STAFF_QUEUE = "staff_queue", _("With the maslikhat's staff")
        FORWARDED = "forwarded", _("Forwarded by the maslikhat's staff")
        REPLIED = "replied", _("Replied")
        NO_REPLY = "no_reply", _("No reply")

    class ReplyVia(models.TextChoices):
        PORTAL = "portal", _("in Dauys")
        PHONE = "phone", _("by phone")
        LETTER = "letter", _("by letter or email")
        MEETING = "meeting", _("in person")

    class Moderation(models.TextChoices):
        OK = "ok", _("Shown")
        REPORTED = "reported", _("Reported by the deputy")
        REMOVED = "removed", _("Removed by moderators")

    class Publication(models.TextChoices):
        PRIVATE = "private", _("Private")
        PENDING = "pending", _("Awaiting moderation for publication")
        PUBLISHED = "published", _("Published")
        REFUSED = "refused", _("Not published")

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="letters")
    maslikhat = models.ForeignKey("deputies.Maslikhat", on_delete=models.PROTECT, related_name="letters")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters")
    # A "write to all my deputies" send shares one batch: separate messages, one deputy each.
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    author_name = EncryptedTextField(_("name"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    subject = EncryptedTextField(_("subject"), blank=True)
    body = EncryptedTextField(_("message"), blank=True)
    # Keyed hashes: the same text from one author, and the sender's network for the rate limit.
    body_hash = models.CharField(max_length=64, blank=True, db_index=True)
    network_hash = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language of the email to the deputy"), max_length=5, choices=LANGUAGE_CHOICES)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(max_length=500, blank=True)
    forwarded_how = models.CharField(_("forwarded how"), max_length=300, blank=True)
    reply_due_on = models.DateField(_("reply expected by"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("deputy reminded at"), null=True, blank=True)
    followup_sent_at = models.DateTimeField(_("citizen asked at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply_via = models.CharField(_("reply"), max_length=10, choices=ReplyVia.choices, blank=True)
    reply = EncryptedTextField(_("reply"), blank=True)
    reply_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.OK)
    report_reason = models.CharField(_("report reason"), max_length=500, blank=True)
    author_consents = models.BooleanField(_("the citizen agrees to publication"), default=False)
    deputy_consents = models.BooleanField(_("the deputy agrees to publication"), default=False)
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.PRIVATE)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message to a deputy")
        verbose_name_plural = _("messages to deputies")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["deputy", "created_at"]), models.Index(fields=["author", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="replied") | Q(replied_at__isnull=False), name="letter_replied_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(publication="published") | Q(author_consents=True, deputy_consents=True),
                name="letter_published_with_both_consents",
            ),
        ]

    def __str__(self):
        return f"№ {self.pk} → {self.deputy_id}"

    def get_absolute_url(self):
        return reverse("letters:message", args=[self.pk])

    @property
    def is_replied(self) -> bool:
        return self.status == self.Status.REPLIED

    @property
    def awaiting_reply(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.FORWARDED)


class ReplyLink(models.Model):
    """One row per reply link sent: the signed token names this row's nonce, so a link can be
    revoked (a new email, a staff decision) and used once."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reply_links")
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one live link per message: a new one revokes the old.
            models.UniqueConstraint(
                fields=["message"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="letter_one_live_reply_link",
            )
        ]

    def __str__(self):
        return f"{self.message_id} · {self.created_at:%Y-%m-%d}"


class ReceptionSlotQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(status=ReceptionSlot.Status.OPEN, ends_at__gte=now or timezone.now()).order_by("starts_at")


class ReceptionSlot(models.Model):
    """One reception session of a deputy (staff create them, weekly if they like)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="reception_slots")
    maslikhat = models.ForeignKey("deputies.Maslikhat", on_delete=models.PROTECT, related_name="reception_slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300)
    capacity = models.PositiveSmallIntegerField(_("places"))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReceptionSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception slot")
        verbose_name_plural = _("reception slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="reception_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="reception_capacity_positive"),
            models.UniqueConstraint(fields=["deputy", "starts_at"], name="reception_one_per_start"),
        ]

    def __str__(self):
        return f"{self.deputy} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("deputies:deputy", args=[self.deputy_id]) + "#reception"

    @property
    def scope_code(self) -> str:
        return self.maslikhat.code


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Booking.Status.BOOKED)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(ReceptionSlot, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reception_bookings")
    topic = EncryptedTextField(_("what you want to discuss"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"], condition=Q(status="booked"), name="reception_one_booking_per_person"
            )
        ]

    def __str__(self):
        return f"{self.slot} · {self.user_id}"


class LetterLanguage(models.Model):
    """The language of the emails a maslikhat's deputies get (staff set it), or one deputy's own
    choice. A deputy with an account gets their account's language first."""

    maslikhat = models.OneToOneField(
        "deputies.Maslikhat", on_delete=models.CASCADE, null=True, blank=True, related_name="letter_language"
    )
    deputy = models.OneToOneField(
        "deputies.Deputy", on_delete=models.CASCADE, null=True, blank=True, related_name="letter_language"
    )
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(maslikhat__isnull=False, deputy__isnull=True)
                | Q(maslikhat__isnull=True, deputy__isnull=False),
                name="letter_language_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.maslikhat_id or self.deputy_id}: {self.language}"
