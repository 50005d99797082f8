"""Maslikhat sessions: the session, its agenda items and documents, decisions with vote totals and
roll-call votes, attendance; and the deputies' accountability data (declared occupation and
interests, election programmes, reports to voters)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.i18n import localized
from portal.uploads import DOCX, PDF, GatedFileField

# A session without a stated end is taken to run this long (for "live now" and the calendar).
ASSUMED_HOURS = 6


class SessionQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=Session.Status.HELD)

    def plenary(self):
        return self.exclude(kind=Session.Kind.COMMISSION)


class Session(models.Model):
    """A session (сессия) of a maslikhat, or a meeting of one of its standing commissions."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular session")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session")
        COMMISSION = "commission", _("Standing commission meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        POSTPONED = "postponed", _("Postponed")

    maslikhat = models.ForeignKey("deputies.Maslikhat", on_delete=models.PROTECT, related_name="sittings")
    convocation = models.ForeignKey(
        "deputies.Convocation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commission = models.ForeignKey(
        "deputies.StandingCommission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.REGULAR)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    broadcast_url = models.URLField(_("online broadcast link"), blank=True)
    video_url = models.URLField(_("video recording"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    agenda_published_at = models.DateTimeField(_("agenda published at"), null=True, blank=True)
    # iCalendar SEQUENCE: bumped whenever the time or status changes.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("maslikhat session")
        verbose_name_plural = _("maslikhat sessions")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            # Sessions and commission meetings are numbered separately, within a convocation (where the
            # maslikhat has no convocation on record, the importer's lookup keeps the number unique).
            models.UniqueConstraint(
                fields=["maslikhat", "convocation", "number"],
                condition=~Q(kind="commission"),
                name="session_unique_number",
            ),
            models.UniqueConstraint(
                fields=["maslikhat", "convocation", "number"],
                condition=Q(kind="commission"),
                name="session_commission_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["maslikhat", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sittings:detail", args=[self.pk])

    @property
    def title(self) -> str:
        title = localized(self, "title")
        if title:
            return title
        return f"{self.get_kind_display()} № {self.number}"

    @property
    def is_plenary(self) -> bool:
        return self.kind != self.Kind.COMMISSION

    @property
    def agenda_is_published(self) -> bool:
        return self.agenda_published_at is not None

    def expected_end(self):
        return self.ends_at or self.starts_at + timedelta(hours=ASSUMED_HOURS)

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status != self.Status.POSTPONED and self.starts_at <= now < self.expected_end()

    def is_over(self, now=None) -> bool:
        return self.status == self.Status.HELD or (now or timezone.now()) >= self.expected_end()


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("Budget")
        BUDGET_AMENDMENT = "budget_amendment", _("Budget amendment")
        LOCAL_TAX_RATE = "local_tax_rate", _("Local tax rate")
        AKIM_CONSENT = "akim_consent", _("Consent to the akim's appointment")
        AKIM_NO_CONFIDENCE = "akim_no_confidence", _("No confidence in the akim")
        DEVELOPMENT_PLAN = "development_plan", _("Development plan")
        REGULATION = "regulation", _("Rules and regulations")
        PERSONNEL = "personnel", _("Personnel")
        OTHER = "other", _("Other")

    BUDGET_KINDS = (Kind.BUDGET, Kind.BUDGET_AMENDMENT)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    rapporteur = models.CharField(_("rapporteur"), max_length=200, blank=True)
    # Petitions and hearings are sibling apps: plain references, never foreign keys.
    related_petition_id = models.PositiveIntegerField(_("related petition number"), null=True, blank=True)
    related_hearing_id = models.PositiveIntegerField(_("related hearing number"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="agenda_item_unique_number"),
            models.CheckConstraint(
                condition=~Q(title_kk="") | ~Q(title_ru="") | ~Q(title_en=""), name="agenda_item_has_title"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("sittings:detail", args=[self.session_id]) + f"#item-{self.number}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def maslikhat(self):
        return self.session.maslikhat


def _document_path(instance, filename):
    return f"sessions/{instance.session_id}/{filename}"


class SessionDocument(models.Model):
    """A document of a session (agenda, minutes) or of one agenda item (draft decision, report).
    Files come through the upload gate (portal.uploads.check_upload)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        DRAFT = "draft", _("Draft decision")
        DECISION = "decision", _("Decision")
        OTHER = "other", _("Other document")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="documents")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = GatedFileField(_("file"), upload_to=_document_path, blank=True, upload_kinds=(PDF, DOCX))
    url = models.URLField(_("link"), blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("session document")
        verbose_name_plural = _("session documents")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="session_document_has_file_or_link")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sittings:document", args=[self.pk]) if self.file else self.url


class Decision(models.Model):
    """The maslikhat's decision on an agenda item, with the totals it published and, where it
    publishes them, each deputy's vote (Vote)."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    number = models.CharField(_("decision number"), max_length=40, blank=True)  # as numbered: "12/1"
    adopted = models.BooleanField(_("adopted"))
    text = models.TextField(_("text"), blank=True)
    document_url = models.URLField(_("document link"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstained"), null=True, blank=True)
    votes_not_voting = models.PositiveSmallIntegerField(_("did not vote"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True, votes_against__isnull=True, votes_abstain__isnull=True)
                | Q(votes_for__isnull=False, votes_against__isnull=False, votes_abstain__isnull=False),
                name="decision_totals_all_or_none",
            )
        ]

    def __str__(self):
        return self.number or str(self.item)

    def get_absolute_url(self):
        return self.item.get_absolute_url()

    @property
    def has_totals(self) -> bool:
        return self.votes_for is not None

    @property
    def is_unanimous(self) -> bool:
        return self.adopted and self.has_totals and self.votes_against == 0 and self.votes_abstain == 0

    @property
    def majority_choice(self) -> str | None:
        """How most of those who voted voted: for or against (None on a tie or without totals)."""
        if not self.has_totals or self.votes_for == self.votes_against:
            return None
        return Vote.Choice.FOR if self.votes_for > self.votes_against else Vote.Choice.AGAINST


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstained")
        NOT_VOTING = "not_voting", _("Did not vote")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="session_votes")
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["decision", "deputy"], name="vote_once_per_deputy")]
        indexes = [models.Index(fields=["deputy", "choice"])]

    def __str__(self):
        return f"{self.deputy_id} · {self.choice}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Absent for a stated reason")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="session_attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="attendance_once_per_deputy"),
            models.CheckConstraint(
                condition=Q(status="excused") | Q(reason=""), name="attendance_reason_only_when_excused"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "status"])]

    def __str__(self):
        return f"{self.session_id} · {self.deputy_id} · {self.status}"

    @property
    def present(self) -> bool:
        return self.status == self.Status.PRESENT


# ------------------------------------------------------------------------------
# Deputies' accountability data
# ------------------------------------------------------------------------------
class DeputyDeclaration(models.Model):
    """What a deputy declared about their occupation (deputies are part-time, except the chair)."""

    deputy = models.OneToOneField("deputies.Deputy", on_delete=models.CASCADE, related_name="declaration")
    occupation = models.CharField(_("occupation"), max_length=300, blank=True)
    employer = models.CharField(_("employer"), max_length=300, blank=True)
    declared_on = models.DateField(_("declared on"), null=True, blank=True)
    source_url = models.URLField(_("source"), blank=True)

    class Meta:
        verbose_name = _("declared occupation")
        verbose_name_plural = _("declared occupations")

    def __str__(self):
        return f"{self.deputy} · {self.occupation}"


class DeclaredInterest(models.Model):
    """A conflict of interest the deputy declared (a stake in a company, a relative's post ...)."""

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="declared_interests")
    description = models.TextField(_("declared interest"))
    declared_on = models.DateField(_("declared on"), null=True, blank=True)
    source_url = models.URLField(_("source"), blank=True)

    class Meta:
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")
        ordering = ["deputy", "-declared_on", "pk"]

    def __str__(self):
        return self.description[:60]


def _programme_path(instance, filename):
    return f"programmes/{instance.deputy_id}/{filename}"


class ElectionProgramme(models.Model):
    """A deputy's election programme for one convocation: its non-fulfilment is a legal ground for a
    recall (Constitutional Law on Elections, Art. 113-12(1))."""

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="programmes")
    convocation = models.ForeignKey(
        "deputies.Convocation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    document = GatedFileField(_("document"), upload_to=_programme_path, blank=True, upload_kinds=(PDF, DOCX))
    document_url = models.URLField(_("document link"), blank=True)

    class Meta:
        verbose_name = _("election programme")
        verbose_name_plural = _("election programmes")
        constraints = [models.UniqueConstraint(fields=["deputy", "convocation"], name="programme_one_per_convocation")]

    def __str__(self):
        return f"{self.deputy} · {self.convocation_id or ''}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class VoterReport(models.Model):
    """A deputy's report to voters (отчёт перед избирателями)."""

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="voter_reports")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    video_url = models.URLField(_("video"), blank=True)

    class Meta:
        verbose_name = _("report to voters")
        verbose_name_plural = _("reports to voters")
        ordering = ["deputy", "-held_on", "pk"]

    def __str__(self):
        return f"{self.deputy} · {self.held_on}"
