"""Public hearings held by maslikhat standing commissions: the hearing, its rules, agenda and
minutes documents, registrations with a waitlist, questions in advance and the change history."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.append_only import AppendOnlyMixin
from portal.i18n import localized
from portal.rules import RulesBase
from portal.textsafety import strip_bidi_fields
from portal.uploads import PDF, GatedFileField

LANGUAGE_CHOICES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]


class HearingType(models.TextChoices):
    BUDGET = "budget", _("Budget")
    URBAN_PLANNING = "urban_planning", _("Urban planning")
    SOCIAL = "social", _("Social issue")
    OTHER = "other", _("Other")


class HearingRules(RulesBase):
    """Legal numbers for one hearing type, as data: a new row with a later effective date changes
    the rule without a deploy, and old hearings keep the deadlines they were scheduled under."""

    hearing_type = models.CharField(_("type"), max_length=20, choices=HearingType.choices)
    notice_days = models.PositiveSmallIntegerField(_("notice period (calendar days)"))
    minutes_working_days = models.PositiveSmallIntegerField(_("minutes deadline (working days after the hearing)"))
    effective_from = models.DateField(_("effective from"))
    unconfirmed = models.BooleanField(
        _("unconfirmed"), default=False, help_text=_("The number is a default, not confirmed in law.")
    )
    # legal_reference is the English text; these are its translations (shown in the page's language).
    legal_reference_kk = models.CharField(_("legal reference (Kazakh)"), max_length=300, blank=True)
    legal_reference_ru = models.CharField(_("legal reference (Russian)"), max_length=300, blank=True)

    class Meta(RulesBase.Meta):
        verbose_name = _("hearing rules")
        verbose_name_plural = _("hearing rules")
        ordering = ["hearing_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["hearing_type", "effective_from"], name="hearing_rules_one_per_date"),
            models.CheckConstraint(condition=Q(minutes_working_days__gte=1), name="hearing_rules_minutes_positive"),
        ]

    def __str__(self):
        return f"{self.get_hearing_type_display()} · {self.effective_from}"

    @property
    def reference(self) -> str:
        """The legal reference in the active language (English when untranslated)."""
        language = (translation.get_language() or "kk")[:2]
        return getattr(self, f"legal_reference_{language}", "") or self.legal_reference


class HearingQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Hearing.Status.CANCELLED)

    def upcoming(self, now=None):
        return self.active().filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def minutes_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.active().filter(minutes_published_at__isnull=True, minutes_due_on__lt=today)

    def with_counts(self):
        return self.annotate(
            registered_count=Count(
                "registrations",
                filter=Q(registrations__status__in=[Registration.Status.SEATED, Registration.Status.ATTENDED]),
            ),
            waitlist_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
        )


class Hearing(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    # The state machine: which status may follow which (services enforce it).
    TRANSITIONS = {
        Status.SCHEDULED: {Status.POSTPONED, Status.CANCELLED, Status.HELD},
        Status.POSTPONED: {Status.POSTPONED, Status.CANCELLED, Status.HELD},
        Status.HELD: {Status.HELD},
        Status.CANCELLED: set(),
    }

    Type = HearingType

    maslikhat = models.ForeignKey("deputies.Maslikhat", on_delete=models.PROTECT, related_name="hearings")
    commission = models.ForeignKey(
        "deputies.StandingCommission",
        on_delete=models.PROTECT,
        related_name="hearings",
        verbose_name=_("organising commission"),
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="hearings", verbose_name=_("related deputies")
    )
    # Petitions is a sibling app: a plain reference, never a foreign key.
    related_petition_id = models.PositiveIntegerField(_("related petition number"), null=True, blank=True)
    related_petition_url = models.URLField(_("related petition link"), blank=True)
    related_petition_title = models.CharField(_("related petition title"), max_length=300, blank=True)
    hearing_type = models.CharField(_("type"), max_length=20, choices=HearingType.choices)
    topic_kk = models.CharField(_("topic (Kazakh)"), max_length=300, blank=True)
    topic_ru = models.CharField(_("topic (Russian)"), max_length=300, blank=True)
    topic_en = models.CharField(_("topic (English)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_key = models.CharField(max_length=300, blank=True, db_index=True, editable=False)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats in the hall; empty for an online-only hearing without a limit."),
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    broadcast_url = models.URLField(_("online broadcast link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    registration_deadline = models.DateTimeField(_("registration closes at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    status_reason = models.TextField(_("reason for the change"), blank=True)
    # The rules in force when scheduled, copied so a later rule change does not move old deadlines.
    rules = models.ForeignKey(HearingRules, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    minutes_due_on = models.DateField(_("minutes due on"), null=True, blank=True)
    minutes_text = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    video_url = models.URLField(_("video recording"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: bumped on every change of time or status."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = HearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("public hearing")
        verbose_name_plural = _("public hearings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="hearing_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=models.F("starts_at")), name="hearing_registration_before_start"
            ),
            models.CheckConstraint(
                condition=~Q(venue_address="") | ~Q(broadcast_url=""), name="hearing_has_venue_or_broadcast"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="hearing_capacity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(topic_kk="") | ~Q(topic_ru="") | ~Q(topic_en=""), name="hearing_has_topic"
            ),
        ]
        indexes = [models.Index(fields=["maslikhat", "starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.topic

    def save(self, *args, **kwargs):
        strip_bidi_fields(self, "topic_kk", "topic_ru", "topic_en", "related_petition_title")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hearings:detail", args=[self.pk])

    @property
    def topic(self) -> str:
        return localized(self, "topic")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def language_labels(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names[code]) for code in self.languages if code in names]

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status in (self.Status.SCHEDULED, self.Status.POSTPONED)
            and now < self.registration_deadline
            and now < self.starts_at
        )

    def minutes_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_active
            and self.minutes_published_at is None
            and self.minutes_due_on is not None
            and self.minutes_due_on < today
        )

    @property
    def has_minutes(self) -> bool:
        return self.minutes_published_at is not None


def _document_path(instance, filename):
    return f"hearings/{instance.hearing_id}/{instance.KIND}/{filename}"


class HearingDocumentBase(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="%(class)ss")
    title = models.CharField(_("title"), max_length=200)
    file = GatedFileField(
        _("file (PDF)"),
        upload_to=_document_path,
        upload_kinds=(PDF,),
        upload_max_bytes=getattr(settings, "HEARINGS_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024),
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        strip_bidi_fields(self, "title")
        super().save(*args, **kwargs)


class AgendaDocument(HearingDocumentBase):
    KIND = "agenda"

    class Meta(HearingDocumentBase.Meta):
        verbose_name = _("agenda document")
        verbose_name_plural = _("agenda documents")

    def get_absolute_url(self):
        return reverse("hearings:document", args=[self.KIND, self.pk])


class MinutesDocument(HearingDocumentBase):
    KIND = "minutes"

    class Meta(HearingDocumentBase.Meta):
        verbose_name = _("minutes document")
        verbose_name_plural = _("minutes documents")

    def get_absolute_url(self):
        return reverse("hearings:document", args=[self.KIND, self.pk])


class Registration(models.Model):
    class Status(models.TextChoices):
        SEATED = "seated", _("Seat confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearing_registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    code = models.CharField(_("check-in code"), max_length=8)
    # Order of arrival within the hearing; the waitlist is promoted in this order.
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    registered_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["hearing", "position"]
        constraints = [
            models.UniqueConstraint(fields=["hearing", "user"], name="registration_once_per_person"),
            models.UniqueConstraint(fields=["hearing", "code"], name="registration_code_unique"),
            models.UniqueConstraint(fields=["hearing", "position"], name="registration_position_unique"),
        ]
        indexes = [models.Index(fields=["hearing", "status", "position"])]

    def __str__(self):
        return f"{self.hearing_id} · {self.user_id} · {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class QuestionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=[Question.Status.PUBLISHED, Question.Status.ANSWERED])

    def by_votes(self):
        return self.order_by("-votes", "created_at", "pk")


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", pgettext_lazy("hearing question", "Rejected")
        ANSWERED = "answered", _("Answered")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearing_questions")
    text = models.TextField(_("question"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Kept equal to the number of QuestionVote rows by question_vote, which inserts under the
    # unique constraint and increments in the same transaction.
    votes = models.PositiveIntegerField(_("votes"), default=0)
    answer = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-votes", "created_at"]

    def __str__(self):
        return self.text[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="vote_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="question_vote_once_per_person")]

    def __str__(self):
        return f"{self.question_id} · {self.user_id}"


class HearingHistory(AppendOnlyMixin, models.Model):
    """Append-only record of what changed on a hearing and why (shown on the hearing page)."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hearing history entry")
        verbose_name_plural = _("hearing history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.hearing_id} · {self.action}"
