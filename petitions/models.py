"""Petitions to a maslikhat: versioned rules, the petition and its history, signatures and the
counts the tally keeps. Business rules live in services.py; counting in tally.py."""

import math
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import uploads
from portal.append_only import AppendOnlyHistory
from portal.crypto import EncryptedTextField, mask
from portal.models import EdsEvidence
from portal.rules import RulesBase, unconfirmed_note
from portal.textsafety import strip_bidi_fields


class PetitionRules(RulesBase):
    """The procedure for one kind of addressee, as data. Which row applies to a maslikhat: its level,
    and among the district-level rows the one with the highest `population_over` below the unit's
    population; then the newest version in force."""

    class Level(models.TextChoices):
        REGIONAL = "regional", _("Oblast or city of republican significance")
        DISTRICT = "district", _("District or city of oblast significance")

    class ThresholdKind(models.TextChoices):
        PERCENT = "percent", _("Percent of the unit's population")
        FIXED = "fixed", _("Fixed number of signatures")

    level = models.CharField(_("maslikhat level"), max_length=10, choices=Level.choices)
    population_over = models.PositiveIntegerField(
        _("applies when population is over"),
        null=True,
        blank=True,
        help_text=_("Empty: any population. District maslikhats over 50,000 people have their own rules."),
    )
    moderation_working_days = models.PositiveSmallIntegerField(_("moderation period (working days)"), default=20)
    support_gate_signatures = models.PositiveIntegerField(_("early supporters needed"), default=50)
    support_gate_working_days = models.PositiveSmallIntegerField(_("early support period (working days)"), default=10)
    threshold_kind = models.CharField(_("threshold kind"), max_length=10, choices=ThresholdKind.choices)
    threshold_percent = models.DecimalField(
        _("threshold (percent of population)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    threshold_fixed = models.PositiveIntegerField(_("threshold (signatures)"), null=True, blank=True)
    threshold_unconfirmed = models.BooleanField(_("threshold unconfirmed"), default=False)
    collection_months = models.PositiveSmallIntegerField(_("collection period (months)"), default=6)
    collection_unconfirmed = models.BooleanField(_("collection period unconfirmed"), default=True)
    answer_days = models.PositiveSmallIntegerField(_("answer deadline (days)"), default=20)
    answer_days_working = models.BooleanField(_("answer deadline counts working days"), default=True)
    answer_unconfirmed = models.BooleanField(_("answer deadline kind unconfirmed"), default=True)
    excluded_categories = models.JSONField(
        _("excluded topic categories"),
        default=list,
        blank=True,
        help_text=_('A list of {"code": ..., "kk": ..., "ru": ..., "en": ...}; they are the rejection reasons.'),
    )
    account_signatures_per_hour = models.PositiveIntegerField(
        _("signatures per account per hour (hard limit)"), default=60
    )
    ip_signatures_per_minute = models.PositiveIntegerField(
        _("signatures per IP network per minute (hard limit)"),
        default=1200,
        help_text=_("Keep it high: mobile carriers put whole towns behind one address."),
    )
    ip_trending_per_hour = models.PositiveIntegerField(
        _("signatures per IP network per hour shown as trending"), default=100
    )
    domain_trending_per_hour = models.PositiveIntegerField(
        _("signatures per email domain per hour shown as trending"), default=300
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Sources, and which numbers are unconfirmed."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    progress_notice_percents = models.CharField(
        _("progress notices (percent of the threshold)"),
        max_length=40,
        default="33,66",
        blank=True,
        help_text=_("Comma-separated: the author and followers are told when residents' signatures reach each share."),
    )

    class Meta(RulesBase.Meta):
        verbose_name = _("petition rules")
        verbose_name_plural = _("petition rules")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(threshold_kind="percent", threshold_percent__gt=0)
                    | Q(threshold_kind="fixed", threshold_fixed__gt=0)
                ),
                name="petitionrules_threshold_set",
            ),
        ]

    def __str__(self):
        bracket = f" > {self.population_over:,}" if self.population_over else ""
        return f"{self.get_level_display()}{bracket} · {self.effective_from:%Y-%m-%d}"

    def threshold_for(self, population: int | None) -> int | None:
        if self.threshold_kind == self.ThresholdKind.FIXED:
            return self.threshold_fixed
        if not population:
            return None
        return max(1, math.ceil(population * self.threshold_percent / 100))

    def category_label(self, code: str) -> str:
        for category in self.excluded_categories or []:
            if category.get("code") == code:
                return localized_category(category) + unconfirmed_note(category.get("unconfirmed", False))
        return code

    def category_choices(self) -> list[tuple[str, str]]:
        return [
            (c["code"], localized_category(c) + unconfirmed_note(c.get("unconfirmed", False)))
            for c in self.excluded_categories or []
        ]


class PetitionRoute(RulesBase):
    """How a Dauys petition reaches a maslikhat and what duty that channel carries, as data. A row
    without a maslikhat is the default for every maslikhat; a maslikhat's own row (a newer version
    in force) overrides it. See docs/petitions-legal.md."""

    class Route(models.TextChoices):
        APPEAL = "appeal", _("Collective appeal under the Administrative Procedural Code")
        ADOPTED = "adopted", _("Channel adopted by the maslikhat's decision")

    maslikhat = models.ForeignKey(
        "deputies.Maslikhat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petition_routes",
        help_text=_("Empty: the default for every maslikhat without a row of its own."),
    )
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, default=Route.APPEAL)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    answer_working_days = models.PositiveSmallIntegerField(_("answer term (working days)"), default=15)
    extended_working_days = models.PositiveSmallIntegerField(_("answer term once extended (working days)"), default=30)
    answer_term_unconfirmed = models.BooleanField(_("answer term unconfirmed"), default=True)
    delivery_email = models.EmailField(
        _("official address for deliveries"), blank=True, help_text=_("Empty: the maslikhat's email address.")
    )
    official_portal_url = models.URLField(_("official petitions portal"), default="https://epetition.kz/")
    # Where the address comes from: the law names no address (the portal is the ministry's), so the
    # address is data with its source, shown as unconfirmed until checked against an official page.
    official_portal_source = models.CharField(_("source of the official portal's address"), max_length=500, blank=True)
    official_portal_unconfirmed = models.BooleanField(_("official portal's address unconfirmed"), default=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Sources, and which numbers are unconfirmed."))

    class Meta(RulesBase.Meta):
        verbose_name = _("petition route")
        verbose_name_plural = _("petition routes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(route="adopted") | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="petitionroute_adopted_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(extended_working_days__gte=models.F("answer_working_days")),
                name="petitionroute_extension_not_shorter",
            ),
        ]

    def __str__(self):
        where = self.maslikhat.code if self.maslikhat_id else "*"
        return f"{where} · {self.route} · {self.effective_from:%Y-%m-%d}"

    @property
    def is_appeal(self) -> bool:
        return self.route == self.Route.APPEAL


def localized_category(category: dict) -> str:
    from django.utils import translation

    language = (translation.get_language() or "kk")[:2]
    return category.get(language) or category.get("ru") or category.get("en") or category.get("code", "")


class PetitionQuerySet(models.QuerySet):
    def listed(self):
        """What appears in lists, search, feeds and exports: never drafts, moderation or link-only."""
        return self.filter(
            Q(status__in=Petition.LISTED_STATUSES) | Q(status=Petition.Status.WITHDRAWN, opened_at__isnull=False)
        )

    def signable(self):
        return self.filter(status__in=Petition.SIGNABLE_STATUSES)


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_MODERATION = "in_moderation", _("In moderation")
        GATHERING_SUPPORT = "gathering_support", _("Gathering first supporters")
        OPEN = "open", _("Open for signatures")
        THRESHOLD_REACHED = "threshold_reached", _("Threshold reached")
        AWAITING_ANSWER = "awaiting_answer", _("Awaiting the maslikhat's answer")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", pgettext_lazy("petition", "Rejected")
        LAPSED = "lapsed", _("Lapsed: too few early supporters")
        CLOSED = "closed", _("Closed below the threshold")
        WITHDRAWN = "withdrawn", _("Withdrawn by the author")

    class Topic(models.TextChoices):
        HOUSING = "housing", _("Housing and utilities")
        TRANSPORT = "transport", _("Transport and roads")
        ENVIRONMENT = "environment", _("Environment and green spaces")
        EDUCATION = "education", _("Education and children")
        HEALTH = "health", _("Health care")
        SOCIAL = "social", _("Social support")
        CULTURE = "culture", _("Culture and sport")
        SAFETY = "safety", _("Public order and safety")
        ECONOMY = "economy", _("Local economy and business")
        PLANNING = "planning", _("Urban planning and land")
        OTHER = "other", _("Other")

    LISTED_STATUSES = ("open", "threshold_reached", "awaiting_answer", "answered", "closed", "lapsed", "rejected")
    SIGNABLE_STATUSES = ("gathering_support", "open", "threshold_reached")
    FINAL_STATUSES = ("answered", "rejected", "lapsed", "closed", "withdrawn")

    maslikhat = models.ForeignKey(
        "deputies.Maslikhat", on_delete=models.PROTECT, related_name="petitions", verbose_name=_("addressee maslikhat")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="petitions")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    text_html = models.TextField(editable=False, blank=True)  # rendered and sanitised by the service
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    rules = models.ForeignKey(
        PetitionRules,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        help_text=_("The rules in force when the petition was published."),
    )
    threshold = models.PositiveIntegerField(_("signatures needed"), null=True, blank=True)
    support_gate = models.PositiveIntegerField(_("early supporters needed"), null=True, blank=True)
    share_token = models.CharField(max_length=32, default="", blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    moderation_due = models.DateField(_("moderation target date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    support_due = models.DateField(_("early support deadline"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened for signatures"), null=True, blank=True)
    collection_ends = models.DateField(_("collection ends"), null=True, blank=True)
    threshold_reached_at = models.DateTimeField(_("threshold reached"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to the maslikhat"), null=True, blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    # The route the petition was delivered by (PetitionRoute.Route), fixed at delivery, and the
    # record the maslikhat's office keeps of the appeal.
    route = models.CharField(_("route"), max_length=10, blank=True)
    delivered_at = models.DateTimeField(_("delivered to the maslikhat"), null=True, blank=True)
    answer_term_unconfirmed = models.BooleanField(default=False, editable=False)
    registration_number = models.CharField(_("registration number at the maslikhat"), max_length=60, blank=True)
    answer_extended_to = models.DateField(_("answer term extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    answer_overdue_at = models.DateTimeField(_("answer overdue since"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    rejection_category = models.CharField(_("rejection category"), max_length=40, blank=True)
    rejection_reason = models.TextField(_("published reason for rejection"), blank=True)
    moderation_note = models.TextField(_("note to the author"), blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    answer_html = models.TextField(editable=False, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer_deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.SET_NULL, null=True, blank=True, related_name="answered_petitions"
    )
    # By law the head of the body answers: the maslikhat's chairperson, or staff publishing on the
    # chairperson's behalf (answered_by is then the staff member; the chairperson's name is kept).
    answer_signatory = models.CharField(_("answer signed by (the chairperson)"), max_length=200, blank=True)
    answer_on_behalf = models.BooleanField(_("published by staff on the chairperson's behalf"), default=False)
    answer_discussion_held_on = models.DateField(_("public discussion held on"), null=True, blank=True)
    answer_discussion = models.TextField(_("public discussion"), blank=True)
    answer_announcement_url = models.URLField(_("media announcement of the result"), max_length=500, blank=True)

    # Written only by the tally (set-based), never by the signing request.
    signature_count = models.PositiveIntegerField(_("signatures"), default=0)
    resident_signature_count = models.PositiveIntegerField(_("signatures of residents"), default=0)
    paper_signature_count = models.PositiveIntegerField(_("paper signatures"), default=0)
    eds_signature_count = models.PositiveIntegerField(_("signatures with EDS"), default=0)
    progress_noticed_percent = models.PositiveSmallIntegerField(default=0, editable=False)
    last_tallied_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident_signature_count__lte=models.F("signature_count")),
                name="petition_residents_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="petition_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(answer_on_behalf=False) | ~Q(answer_signatory=""), name="petition_on_behalf_names_chair"
            ),
        ]
        indexes = [
            models.Index(fields=["maslikhat", "status"]),
            models.Index(fields=["status", "-resident_signature_count"]),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.share_token:
            self.share_token = secrets.token_urlsafe(12)
        strip_bidi_fields(self, "title")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("petitions:detail", args=[self.pk])

    @property
    def share_url(self) -> str:
        return f"{self.get_absolute_url()}?link={self.share_token}"

    @property
    def is_listed(self) -> bool:
        return self.status in self.LISTED_STATUSES or (
            self.status == self.Status.WITHDRAWN and self.opened_at is not None
        )

    @property
    def is_signable(self) -> bool:
        return self.status in self.SIGNABLE_STATUSES

    @property
    def nonresident_signature_count(self) -> int:
        return self.signature_count - self.resident_signature_count

    @property
    def online_signature_count(self) -> int:
        """Signed on the site (by a confirmed account or with EDS): all but paper."""
        return self.signature_count - self.paper_signature_count

    @property
    def goal(self) -> int | None:
        """What the progress bar measures against now: early supporters, then the threshold."""
        return self.support_gate if self.status == self.Status.GATHERING_SUPPORT else self.threshold

    @property
    def progress_value(self) -> int:
        if self.status == self.Status.GATHERING_SUPPORT:
            return self.signature_count
        return self.resident_signature_count

    @property
    def deadline(self):
        """The date that matters now, for lists and the API."""
        return {
            self.Status.SUBMITTED: self.moderation_due,
            self.Status.IN_MODERATION: self.moderation_due,
            self.Status.GATHERING_SUPPORT: self.support_due,
            self.Status.OPEN: self.collection_ends,
            self.Status.THRESHOLD_REACHED: self.collection_ends,
            self.Status.AWAITING_ANSWER: self.answer_due,
        }.get(self.status)

    @property
    def deadline_unconfirmed(self) -> bool:
        """Whether `deadline` comes from a term not confirmed from the law's text."""
        if self.status == self.Status.AWAITING_ANSWER:
            return self.answer_term_unconfirmed
        if self.status in (self.Status.OPEN, self.Status.THRESHOLD_REACHED) and self.rules_id:
            return self.rules.collection_unconfirmed
        return False

    @property
    def answer_due_unconfirmed(self) -> bool | None:
        """Whether `answer_due` comes from a term not confirmed from the law's text (None: no date)."""
        return self.answer_term_unconfirmed if self.answer_due else None

    @property
    def answer_deadline(self):
        """The date the answer is due by now: the extended date when the term was extended."""
        return self.answer_extended_to or self.answer_due

    @property
    def answer_is_overdue(self) -> bool:
        return self.answer_overdue_at is not None and self.status == self.Status.AWAITING_ANSWER

    @property
    def rejection_category_label(self) -> str:
        return (
            self.rules.category_label(self.rejection_category)
            if self.rules and self.rejection_category
            else self.rejection_category
        )


class PetitionHistory(AppendOnlyHistory):
    """The petition's public timeline and its decisions: one row per transition or notable event."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        ANSWER_OVERDUE = "answer_overdue", _("Answer overdue")
        INVALIDATION = "invalidation", _("Signatures invalidated")

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRANSITION)
    from_status = models.CharField(max_length=20, choices=Petition.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Petition.Status.choices, blank=True)
    public_note = models.TextField(blank=True)
    private_note = models.TextField(blank=True)  # seen by the author and officials only
    is_public = models.BooleanField(default=True)

    class Meta(AppendOnlyHistory.Meta):
        db_table = "petitions_petitionevent"  # the model was PetitionHistory; renamed, the table kept
        verbose_name = _("petition event")
        verbose_name_plural = _("petition history")

    def __str__(self):
        return f"{self.petition_id}: {self.from_status} → {self.to_status}"


class Signature(models.Model):
    """One person's support. The signing request inserts this row and nothing else; the tally
    moves it into the counts (`pending` -> `counted`) in set-based SQL.

    Three ways to sign (`method`): online by a confirmed account (`email`), with the citizen's EDS
    key (`eds`: the IIN comes from the certificate, the evidence is kept in
    PetitionSignatureEvidence), or on a paper sheet entered by staff (`paper`: no account). A row
    that carries an IIN is unique per petition by its keyed hash, so one person counts once whatever
    the ways they signed (petitions/paper.py, petitions/eds_signing.py)."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        WITHDRAWN = "withdrawn", _("Withdrawn by the signer")
        INVALIDATED = "invalidated", _("Invalidated by moderators")

    class Method(models.TextChoices):
        EMAIL = "email", _("Online, by a confirmed account")
        EDS = "eds", _("Electronic digital signature (EDS)")
        PAPER = "paper", _("On paper")

    # No single-column index on petition: the unique (petition, signer) constraint and the
    # (petition, ...) indexes below lead with it, and every index costs on a signing surge.
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="signatures", db_index=False)
    # Empty for a paper signature: the person signed a sheet, not an account.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="petition_signatures",
    )
    method = models.CharField(
        _("how it was signed"), max_length=5, choices=Method.choices, default=Method.EMAIL, db_default=Method.EMAIL
    )
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    invalidation_reason = models.CharField(max_length=300, blank=True)
    # The new columns keep their defaults in the database too (db_default), so an INSERT written
    # before them (the surge benchmark's) still works.
    # The tally's bookkeeping: `pending` rows have changed since the last tally; `counted` says
    # whether the stored counts include this row, and the `counted_*` columns under which method,
    # district and residence they hold it, so a row that changes any of them (a paper signature
    # upgraded to EDS, a restored signature at a new address) moves between the counts exactly.
    pending = models.BooleanField(default=True)
    counted = models.BooleanField(default=False)
    counted_method = models.CharField(max_length=5, blank=True, default="", db_default="", editable=False)
    counted_district = models.ForeignKey(
        "deputies.ElectoralDistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
    )
    counted_resident = models.BooleanField(default=False, db_default=False, editable=False)
    district = models.ForeignKey(
        "deputies.ElectoralDistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The signer's district of the addressee maslikhat."),
    )
    is_resident = models.BooleanField(_("resident of the addressee's territory"), default=False)
    address = models.CharField(_("declared address"), max_length=200)
    is_citizen = models.BooleanField(_("declared citizen"), default=True)
    ip_prefix = models.CharField(_("network (/24)"), max_length=49, blank=True)
    email_domain = models.CharField(_("email domain"), max_length=100, blank=True)
    # Personal data of a signature by IIN (EDS, paper), encrypted at rest like a recall's; the keyed
    # hash carries the one-per-IIN constraint (the ciphertext is randomised). Empty for `email`.
    iin = EncryptedTextField(_("IIN"), blank=True, default="", db_default="")
    iin_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # The name delivered with the appeal for a row that may have no account (EDS, paper); an
    # `email` row is delivered under its account's name (petitions.delivery.appeal_data).
    full_name = EncryptedTextField(_("full name"), blank=True, default="", db_default="")
    signed_on = models.DateField(_("signed on paper on"), null=True, blank=True)
    # When the signer agreed that their full name and district go to the maslikhat with the appeal
    # (issue 14 §2). Empty: no consent recorded (a row from before consent was asked, or a v1 API
    # client that did not send it): the appeal then carries the row without the name.
    delivery_consent_at = models.DateTimeField(_("agreed to the delivery of name and district"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "signer"], name="signature_one_per_person"),
            models.UniqueConstraint(
                fields=["petition", "iin_hash"], condition=Q(iin_hash__isnull=False), name="signature_one_per_iin"
            ),
            models.CheckConstraint(condition=Q(is_citizen=True), name="signature_citizens_only"),
            models.CheckConstraint(
                condition=Q(is_resident=True) | Q(district__isnull=True), name="signature_district_only_for_residents"
            ),
            models.CheckConstraint(
                condition=Q(method="paper") | Q(signer__isnull=False), name="signature_account_unless_paper"
            ),
            # A valid EDS or paper signature carries its IIN; a retired one (a paper signature the
            # same person then signed with EDS from an account that had signed already) gives it up.
            models.CheckConstraint(
                condition=Q(method="email") | Q(iin_hash__isnull=False) | ~Q(status="valid"),
                name="signature_iin_unless_email",
            ),
            models.CheckConstraint(
                condition=~Q(method="paper") | Q(signed_on__isnull=False), name="signature_paper_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(pending=True), name="signature_pending"),
            models.Index(fields=["petition", "created_at"], name="signature_petition_time"),
            models.Index(fields=["petition", "ip_prefix"], name="signature_petition_ip"),
            models.Index(fields=["petition", "email_domain"], name="signature_petition_domain"),
        ]

    def __str__(self):
        return f"{self.signer or self.get_method_display()} → {self.petition_id}"

    @property
    def masked_iin(self) -> str:
        return mask(self.iin)


class PetitionSignatureEvidence(EdsEvidence):
    """A petition signature's EDS evidence (portal.models.EdsEvidence): it goes with the signature
    (CASCADE) or with the account's deletion (petitions.personal_data)."""

    signature = models.OneToOneField(Signature, on_delete=models.CASCADE, related_name="eds")


class PetitionDistrictCount(models.Model):
    """Valid resident signatures per electoral district of the addressee, kept by the tally."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="district_counts")
    district = models.ForeignKey("deputies.ElectoralDistrict", on_delete=models.PROTECT, related_name="+")
    signatures = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "district"], name="districtcount_unique"),
            models.CheckConstraint(condition=Q(signatures__gte=0), name="districtcount_not_negative"),
        ]

    def __str__(self):
        return f"{self.petition_id} · {self.district_id}: {self.signatures}"


class PetitionCountSample(models.Model):
    """The counts at the end of each hour that saw a tally: the "counts over time" chart."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="count_samples")
    hour = models.DateTimeField()
    signature_count = models.PositiveIntegerField()
    resident_signature_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["hour"]
        constraints = [models.UniqueConstraint(fields=["petition", "hour"], name="countsample_unique_hour")]

    def __str__(self):
        return f"{self.petition_id} · {self.hour:%Y-%m-%d %H}: {self.signature_count}"


class AnswerAttachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="answer_attachments")
    file = uploads.GatedFileField(
        upload_to="petitions/answers/%Y/%m/",
        upload_kinds=(uploads.PDF, uploads.DOCX, uploads.PNG, uploads.JPEG),
        upload_max_bytes=10 * 1024 * 1024,
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class PetitionDelivery(models.Model):
    """The petition delivered to its maslikhat as a collective appeal: one row per petition (the
    unique key makes delivery idempotent), sent with the notification outbox's protocol (claim with
    a lease, stable Message-ID, mark sent after the server's 250; see petitions/delivery.py).
    The list of signers is frozen in `payload` (encrypted) when the row is made, so every attempt
    sends the same PDF, JSON and digest."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    petition = models.OneToOneField(Petition, on_delete=models.PROTECT, related_name="delivery")
    route = models.ForeignKey(PetitionRoute, on_delete=models.PROTECT, related_name="+")
    recipient = models.EmailField(_("sent to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200)
    digest = models.CharField(_("SHA-256 of the list of signers"), max_length=64)
    signer_count = models.PositiveIntegerField(_("signers delivered"))
    payload = EncryptedTextField(editable=False)  # the frozen appeal data (JSON), personal data

    class Meta:
        verbose_name = _("petition delivery")
        verbose_name_plural = _("petition deliveries")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.petition_id} → {self.recipient}: {self.status}"
