"""Recall requests (imperative mandate): the voters of a single-mandate district against their deputy.

Election Law chapter 13-2. A recall is not a petition: it has an initiative group, a commission that
registers it and verifies its signatures, and an official vote. It shares no model with petitions;
both build on portal's blocks (portal.rules.RulesBase, portal.append_only.AppendOnlyHistory).
The tables keep the names they were born with in petitions (petitions_recall*)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.append_only import AppendOnlyHistory
from portal.crypto import EncryptedTextField, mask
from portal.models import EdsEvidence
from portal.rules import RulesBase


class RecallRules(RulesBase):
    """Every legal number of the procedure, with its source, effective date and an "unconfirmed"
    flag per figure (DOMAIN.md: several are not confirmed by the law's text). A recall keeps the row
    that was in force when it started, so an edit never changes a running procedure."""

    effective_from = models.DateField(_("in force from"), unique=True)
    effective_from_unconfirmed = models.BooleanField(
        _("in force from unconfirmed"),
        default=True,
        help_text=_("Clear once the day the law entered into force is checked against its official publication."),
    )
    note = models.TextField(_("operator's note"), blank=True)

    min_group_size = models.PositiveSmallIntegerField(_("minimum initiative group size"), default=10)
    min_group_size_unconfirmed = models.BooleanField(_("group size unconfirmed"), default=True)
    group_forming_working_days = models.PositiveSmallIntegerField(
        _("working days to form the initiative group"),
        default=20,
        help_text=_("A group that does not reach the minimum size in this time lapses."),
    )
    group_forming_unconfirmed = models.BooleanField(_("group forming period unconfirmed"), default=True)
    registration_review_working_days = models.PositiveSmallIntegerField(
        _("working days for the commission to register the group"), default=10
    )
    registration_review_unconfirmed = models.BooleanField(_("registration deadline unconfirmed"), default=True)
    signature_threshold_percent = models.DecimalField(
        _("signatures needed, percent of the district's registered voters"), max_digits=5, decimal_places=2, default=30
    )
    signature_threshold_unconfirmed = models.BooleanField(_("signature threshold unconfirmed"), default=True)
    collection_working_days = models.PositiveSmallIntegerField(
        _("longest collection period (working days)"), default=40
    )
    collection_unconfirmed = models.BooleanField(_("collection period unconfirmed"), default=True)
    bar_first_months = models.PositiveSmallIntegerField(_("no recall in the first months of the term"), default=12)
    bar_last_months = models.PositiveSmallIntegerField(_("no recall in the last months of the term"), default=12)
    term_bar_unconfirmed = models.BooleanField(_("first/last year bar unconfirmed"), default=True)
    term_years = models.PositiveSmallIntegerField(_("term of office (years)"), default=5)
    term_years_unconfirmed = models.BooleanField(_("term unconfirmed"), default=False)
    min_voter_age = models.PositiveSmallIntegerField(_("minimum voter age"), default=18)
    min_voter_age_unconfirmed = models.BooleanField(_("voter age unconfirmed"), default=False)
    verification_working_days = models.PositiveSmallIntegerField(
        _("working days for the commission to verify signatures"), default=15
    )
    verification_unconfirmed = models.BooleanField(_("verification deadline unconfirmed"), default=True)
    sample_margin_percent = models.DecimalField(
        _("random sample: margin of error (%) at 95% confidence"), max_digits=4, decimal_places=2, default=3
    )
    sample_unconfirmed = models.BooleanField(_("sampling method unconfirmed"), default=True)
    turnout_min_numerator = models.PositiveSmallIntegerField(_("valid vote: turnout at least (numerator)"), default=1)
    turnout_min_denominator = models.PositiveSmallIntegerField(
        _("valid vote: turnout at least (denominator)"), default=3
    )
    turnout_unconfirmed = models.BooleanField(_("turnout rule unconfirmed"), default=False)
    recall_majority_percent = models.DecimalField(
        _("recalled when more than this percentage of those voting agree"), max_digits=5, decimal_places=2, default=50
    )
    majority_unconfirmed = models.BooleanField(_("majority rule unconfirmed"), default=False)
    retention_days = models.PositiveSmallIntegerField(
        _("days to keep IINs and addresses after the procedure ends"), default=90
    )
    retention_unconfirmed = models.BooleanField(_("retention period unconfirmed"), default=True)
    # Not law: how many IINs one account, and one network (/24, /48), may try per hour on recall
    # signatures and group joins, so that nobody can probe whose IIN signed (issue 13).
    iin_attempts_per_account_per_hour = models.PositiveSmallIntegerField(
        _("IIN attempts per account per hour"), default=10
    )
    iin_attempts_per_network_per_hour = models.PositiveIntegerField(_("IIN attempts per network per hour"), default=300)

    class Meta(RulesBase.Meta):
        db_table = "petitions_recallrules"  # the table was born in petitions; kept, not renamed
        verbose_name = _("recall rules")
        verbose_name_plural = _("recall rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(turnout_min_denominator__gt=0) & Q(turnout_min_numerator__lte=F("turnout_min_denominator")),
                name="recall_rules_turnout_fraction",
            ),
            models.CheckConstraint(
                condition=Q(signature_threshold_percent__gt=0, signature_threshold_percent__lte=100)
                & Q(recall_majority_percent__gte=0, recall_majority_percent__lt=100)
                & Q(sample_margin_percent__gt=0),
                name="recall_rules_percentages",
            ),
            models.CheckConstraint(
                condition=Q(min_group_size__gte=1, collection_working_days__gte=1, term_years__gte=1),
                name="recall_rules_positive",
            ),
        ]

    def __str__(self):
        return f"{self.legal_reference} ({self.effective_from:%Y-%m-%d})"


# Status values used by database constraints (the nested Meta cannot see the class's attributes).
TERMINAL_STATUSES = ["recalled", "not_recalled", "vote_invalid", "insufficient", "refused", "lapsed", "withdrawn"]


class RecallRequestQuerySet(models.QuerySet):
    def listed(self):
        """Recalls shown in lists: registered by the commission or beyond. Earlier stages are
        reachable by their link (the initiative group needs to share it)."""
        return self.filter(status__in=RecallRequest.LISTED)

    def open(self):
        return self.exclude(status__in=RecallRequest.TERMINAL)

    def with_related(self):
        return self.select_related("deputy", "district", "maslikhat", "rules")


class RecallRequest(models.Model):
    class Status(models.TextChoices):
        GROUP_FORMING = "group_forming", _("Initiative group forming")
        REGISTRATION_REVIEW = "registration_review", _("Registration review by the election commission")
        COLLECTING = "collecting", _("Collecting signatures")
        VERIFICATION = "verification", _("Signatures under verification")
        VOTE_PENDING = "vote_pending", _("Recall vote called")
        RECALLED = "recalled", _("Deputy recalled")
        NOT_RECALLED = "not_recalled", _("Deputy not recalled")
        VOTE_INVALID = "vote_invalid", _("Vote invalid: turnout too low")
        INSUFFICIENT = "insufficient", _("Not enough valid signatures")
        REFUSED = "refused", _("Registration refused")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the initiative group")

    class Ground(models.TextChoices):
        LOSS_OF_CONFIDENCE = "loss_of_confidence", _("Loss of voters' confidence")
        PROGRAMME_UNFULFILLED = "programme_unfulfilled", _("Election programme not fulfilled")

    class VerificationMode(models.TextChoices):
        FULL = "full", _("Every signature")
        SAMPLE = "sample", _("Random sample")

    S = Status
    # The state machine: every change of status is one of these, made by recall_services._transition.
    TRANSITIONS = {
        S.GROUP_FORMING: {S.REGISTRATION_REVIEW, S.WITHDRAWN, S.LAPSED},
        S.REGISTRATION_REVIEW: {S.COLLECTING, S.REFUSED, S.WITHDRAWN},
        S.COLLECTING: {S.VERIFICATION, S.LAPSED},
        S.VERIFICATION: {S.VOTE_PENDING, S.INSUFFICIENT},
        S.VOTE_PENDING: {S.RECALLED, S.NOT_RECALLED, S.VOTE_INVALID},
    }
    TERMINAL = frozenset({S.RECALLED, S.NOT_RECALLED, S.VOTE_INVALID, S.INSUFFICIENT, S.REFUSED, S.LAPSED, S.WITHDRAWN})
    LISTED = frozenset(
        {
            S.COLLECTING,
            S.VERIFICATION,
            S.VOTE_PENDING,
            S.RECALLED,
            S.NOT_RECALLED,
            S.VOTE_INVALID,
            S.INSUFFICIENT,
            S.LAPSED,
        }
    )
    del S
    assert {s.value for s in TERMINAL} == set(TERMINAL_STATUSES)

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="recall_requests")
    district = models.ForeignKey("deputies.ElectoralDistrict", on_delete=models.PROTECT, related_name="recall_requests")
    maslikhat = models.ForeignKey("deputies.Maslikhat", on_delete=models.PROTECT, related_name="recall_requests")
    rules = models.ForeignKey(RecallRules, on_delete=models.PROTECT, related_name="+")
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="recalls_initiated"
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.GROUP_FORMING)
    ground = models.CharField(_("ground"), max_length=30, choices=Ground.choices)
    grounds = models.TextField(_("statement of grounds"))
    created_at = models.DateTimeField(default=timezone.now)
    group_due_on = models.DateField(_("initiative group to be formed by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted for registration"), null=True, blank=True)
    registration_due_on = models.DateField(_("registration decision due"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    collection_ends_on = models.DateField(_("collection ends on"), null=True, blank=True)
    verification_due_on = models.DateField(_("verification due"), null=True, blank=True)
    registered_voters = models.PositiveIntegerField(_("registered voters of the district"), null=True, blank=True)
    signature_threshold = models.PositiveIntegerField(_("signatures needed"), null=True, blank=True)
    group_size = models.PositiveSmallIntegerField(_("initiative group size"), default=0)
    # Aggregates frozen when collection and verification end; they outlive the personal data.
    final_signatures_count = models.PositiveIntegerField(_("signatures collected"), null=True, blank=True)
    valid_signatures_count = models.PositiveIntegerField(_("valid signatures"), null=True, blank=True)
    invalid_signatures_count = models.PositiveIntegerField(_("invalid signatures"), null=True, blank=True)
    verification_mode = models.CharField(
        _("verification mode"), max_length=10, choices=VerificationMode.choices, default=VerificationMode.FULL
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    vote_held_on = models.DateField(_("vote held on"), null=True, blank=True)
    vote_voters = models.PositiveIntegerField(_("voters on the list"), null=True, blank=True)
    vote_turnout = models.PositiveIntegerField(_("voters who took part"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for the recall"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against the recall"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    deputy_reply = models.TextField(_("deputy's reply"), blank=True)
    deputy_reply_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(_("procedure ended on"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = RecallRequestQuerySet.as_manager()

    class Meta:
        db_table = "petitions_recallrequest"  # the table was born in petitions; kept, not renamed
        verbose_name = _("recall request")
        verbose_name_plural = _("recall requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One procedure at a time against a deputy.
            models.UniqueConstraint(
                fields=["deputy"], condition=~Q(status__in=TERMINAL_STATUSES), name="recall_one_open_per_deputy"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TERMINAL_STATUSES, ended_on__isnull=False)
                | (~Q(status__in=TERMINAL_STATUSES) & Q(ended_on__isnull=True)),
                name="recall_ended_iff_terminal",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""), name="recall_refusal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(vote_turnout__isnull=True) | Q(vote_turnout__lte=F("vote_voters")),
                name="recall_turnout_within_list",
            ),
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True) | Q(votes_for__lte=F("vote_turnout") - F("votes_against")),
                name="recall_votes_within_turnout",
            ),
            models.CheckConstraint(
                condition=Q(valid_signatures_count__isnull=True)
                | Q(valid_signatures_count__lte=F("final_signatures_count")),
                name="recall_valid_within_collected",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "collection_ends_on"]),
            models.Index(fields=["ended_on", "purged_at"]),
        ]

    def __str__(self):
        return f"{_('Recall')} · {self.deputy}"

    def get_absolute_url(self):
        return reverse("recalls:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in self.TERMINAL

    @property
    def by_election_due(self) -> bool:
        return self.status == self.Status.RECALLED


class RecallGroupMember(models.Model):
    """A member of the initiative group: a voter of the district who gave IIN and address."""

    recall = models.ForeignKey(RecallRequest, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    full_name = EncryptedTextField(_("full name"))  # personal data, encrypted like the IIN
    iin = EncryptedTextField(_("IIN"))
    iin_hash = models.CharField(max_length=64)
    address = EncryptedTextField(_("address"))
    is_initiator = models.BooleanField(_("initiator"), default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "petitions_recallgroupmember"  # the table was born in petitions; kept, not renamed
        verbose_name = _("initiative group member")
        verbose_name_plural = _("initiative group members")
        ordering = ["-is_initiator", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "iin_hash"], name="recall_member_one_per_iin"),
            models.UniqueConstraint(fields=["recall", "user"], name="recall_member_one_per_user"),
            models.UniqueConstraint(fields=["recall"], condition=Q(is_initiator=True), name="recall_one_initiator"),
        ]

    def __str__(self):
        return f"{self.full_name} · {self.recall_id}"

    @property
    def masked_iin(self) -> str:
        return mask(self.iin)


class RecallSignature(models.Model):
    """One voter's signature. Unique per recall by the keyed hash of the IIN (the ciphertext is
    randomised, so it cannot carry the constraint)."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Not checked")
        VALID = "valid", _("Valid")
        INVALID = "invalid", _("Invalid")

    class InvalidReason(models.TextChoices):
        NOT_A_VOTER = "not_a_voter", _("Not on the district's voter list")
        WRONG_ADDRESS = "wrong_address", _("Address outside the district")
        IDENTITY = "identity", _("IIN does not match the person")
        UNDERAGE = "underage", _("Under voting age")
        DECEASED = "deceased", _("Deceased or no longer registered")
        OTHER = "other", _("Other reason")

    class Method(models.TextChoices):
        EMAIL = "email", _("Online, by a confirmed account")
        EDS = "eds", _("Electronic digital signature (EDS)")
        PAPER = "paper", _("On paper")

    recall = models.ForeignKey(RecallRequest, on_delete=models.CASCADE, related_name="signatures")
    method = models.CharField(_("how it was signed"), max_length=5, choices=Method.choices, default=Method.EMAIL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    iin = EncryptedTextField(_("IIN"))
    iin_hash = models.CharField(max_length=64)
    address = EncryptedTextField(_("address"))
    signed_at = models.DateTimeField(default=timezone.now)
    result = models.CharField(_("verification"), max_length=10, choices=Result.choices, default=Result.PENDING)
    invalid_reason = models.CharField(_("reason"), max_length=20, choices=InvalidReason.choices, blank=True)
    in_sample = models.BooleanField(_("in the random sample"), default=False)
    # Another account tried to sign with this IIN (RecallIinCollision): the commission checks both.
    contested = models.BooleanField(_("IIN also given by another account"), default=False)

    class Meta:
        db_table = "petitions_recallsignature"  # the table was born in petitions; kept, not renamed
        verbose_name = _("recall signature")
        verbose_name_plural = _("recall signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "iin_hash"], name="recall_signature_one_per_iin"),
            models.UniqueConstraint(fields=["recall", "user"], name="recall_signature_one_per_user"),
            models.CheckConstraint(
                condition=Q(result="invalid", invalid_reason__gt="") | (~Q(result="invalid") & Q(invalid_reason="")),
                name="recall_signature_reason_iff_invalid",
            ),
        ]
        indexes = [models.Index(fields=["recall", "result"])]

    def __str__(self):
        return f"{self.recall_id} · {self.pk}"

    @property
    def masked_iin(self) -> str:
        return mask(self.iin)


class RecallEdsEvidence(EdsEvidence):
    """A recall signature's EDS evidence (portal.models.EdsEvidence), purged with the signature
    (CASCADE)."""

    signature = models.OneToOneField(RecallSignature, on_delete=models.CASCADE, related_name="eds")


class RecallSignatureCheck(AppendOnlyHistory):
    """Append-only: each verification decision on a signature, by whom and when."""

    signature = models.ForeignKey(RecallSignature, on_delete=models.CASCADE, related_name="checks")
    result = models.CharField(max_length=10, choices=RecallSignature.Result.choices)
    invalid_reason = models.CharField(max_length=20, choices=RecallSignature.InvalidReason.choices, blank=True)

    class Meta(AppendOnlyHistory.Meta):
        db_table = "petitions_recallsignaturecheck"  # the table was born in petitions; kept, not renamed

    def __str__(self):
        return f"{self.signature_id}: {self.result}"


class RecallHistory(AppendOnlyHistory):
    """Append-only history of the procedure: the public timeline. PostgreSQL refuses UPDATE and
    DELETE on this table (trigger created by petitions/0002_recall_rules_and_history, where the
    table was born)."""

    recall = models.ForeignKey(RecallRequest, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=24, choices=RecallRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=RecallRequest.Status.choices)
    note = models.TextField(blank=True)  # public: shown on the timeline

    class Meta(AppendOnlyHistory.Meta):
        db_table = "petitions_recalltransition"  # the table was born in petitions; kept, not renamed

    def __str__(self):
        return f"{self.recall_id}: {self.from_status} → {self.to_status}"


class RecallIinCollision(models.Model):
    """A signature or a group join with an IIN that another account had already given for this
    recall. The caller was answered as if accepted (no oracle of who signed); the attempt waits here,
    flagged beside the first one, for the commission to verify which is the voter's."""

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        MEMBER = "member", _("Initiative group member")

    recall = models.ForeignKey(RecallRequest, on_delete=models.CASCADE, related_name="iin_collisions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    earlier_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    iin = EncryptedTextField(_("IIN"))
    iin_hash = models.CharField(max_length=64)
    address = EncryptedTextField(_("address"), blank=True)
    full_name = EncryptedTextField(_("full name"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("IIN given by two accounts")
        verbose_name_plural = _("IINs given by two accounts")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "kind", "user"], name="recall_collision_one_per_account"),
        ]
        indexes = [models.Index(fields=["recall", "iin_hash"])]

    def __str__(self):
        return f"{self.recall_id} · {self.kind} · {self.pk}"

    @property
    def masked_iin(self) -> str:
        return mask(self.iin)
