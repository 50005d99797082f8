"""The administrative map, maslikhats, their electoral districts and deputies."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.i18n import LocalizedNameMixin, localized
from portal.textsafety import strip_bidi_fields
from portal.uploads import JPEG, PNG, GatedImageField


class AdministrativeUnit(LocalizedNameMixin, models.Model):
    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Oblast")
        CITY_REPUBLICAN = "city_republican", _("City of republican significance")
        CITY_DISTRICT = "city_district", _("District of a city")
        DISTRICT = "district", _("District of an oblast")
        CITY_OBLAST = "city_oblast", _("City of oblast significance")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=10, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    centre_kk = models.CharField(max_length=200, blank=True)
    centre_ru = models.CharField(max_length=200, blank=True)
    centre_en = models.CharField(max_length=200, blank=True)
    # A population figure is data with its source: the figure, the day it describes and where it comes
    # from (e.g. the Bureau of National Statistics' table). A figure without a source is shown as
    # unconfirmed; none at all as "not available". Loaded with `load_populations FILE.csv`.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_as_of = models.DateField(_("population as of"), null=True, blank=True)
    population_source = models.CharField(
        _("population source"),
        max_length=300,
        blank=True,
        help_text=_("The publication the figure comes from (title, table, address). Empty: unconfirmed."),
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def population_confirmed(self) -> bool:
        """A figure with the day it describes and its source; anything less is shown as unconfirmed."""
        return bool(self.population and self.population_as_of and self.population_source)


class Maslikhat(LocalizedNameMixin, models.Model):
    class Level(models.TextChoices):
        REGIONAL = "regional", _("Oblast or city of republican significance")
        DISTRICT = "district", _("District or city of oblast significance")

    class ElectoralSystem(models.TextChoices):
        MIXED = "mixed_50_50", _("Mixed: half party lists, half single-mandate districts")
        SMD = "smd", _("Single-mandate districts only")

    unit = models.OneToOneField(AdministrativeUnit, on_delete=models.PROTECT, related_name="maslikhat")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("maslikhat")
        verbose_name_plural = _("maslikhats")
        ordering = ["level", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("deputies:maslikhat", args=[self.code])

    @property
    def parent(self):
        """The maslikhat of the unit above (the oblast's, for a district), if any."""
        parent_unit = self.unit.parent
        return getattr(parent_unit, "maslikhat", None) if parent_unit else None

    @property
    def tier_electoral_system(self) -> str:
        """The system the law has given the tier since the 2023 reform (mixed 50/50 for tier 1,
        single-mandate only for tier 2). Only the default of a convocation being recorded: what is
        decided for a deputy or an import follows the convocation's own `electoral_system`."""
        return self.ElectoralSystem.MIXED if self.level == self.Level.REGIONAL else self.ElectoralSystem.SMD

    @property
    def current_system(self) -> str:
        """For display: the electoral system of the convocation in force today (selectors annotate it
        as `current_convocation_system`; read here otherwise), the tier's where none is recorded."""
        if not hasattr(self, "current_convocation_system"):
            self.current_convocation_system = (
                Convocation.objects.in_force(timezone.localdate())
                .filter(maslikhat=self)
                .values_list("electoral_system", flat=True)
                .first()
            )
        return self.current_convocation_system or self.tier_electoral_system

    def get_current_system_display(self) -> str:
        return self.ElectoralSystem(self.current_system).label


# The 8th convocation of every maslikhat was elected on 19 March 2023 (CEC, 223 maslikhats); the term is
# five years (Constitution Art. 86(2); Law on Local Government Art. 5(1)).
CURRENT_CONVOCATION = 8
CURRENT_CONVOCATION_ELECTED_ON = date(2023, 3, 19)
TERM_YEARS = 5


class ConvocationQuerySet(models.QuerySet):
    def in_force(self, on: date):
        """The convocation of each maslikhat in force on a day: the latest elected on or before it."""
        later = Convocation.objects.filter(
            maslikhat=models.OuterRef("maslikhat"), elected_on__gt=models.OuterRef("elected_on"), elected_on__lte=on
        )
        return self.filter(elected_on__lte=on).exclude(models.Exists(later))


class Convocation(models.Model):
    """One elected composition of a maslikhat, and the boundary generation its districts belong to."""

    maslikhat = models.ForeignKey(Maslikhat, on_delete=models.CASCADE, related_name="convocations")
    number = models.PositiveSmallIntegerField(_("number"))
    elected_on = models.DateField(_("elected on"))
    ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    electoral_system = models.CharField(_("electoral system"), max_length=12, choices=Maslikhat.ElectoralSystem.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)

    objects = ConvocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        ordering = ["maslikhat", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["maslikhat", "number"], name="convocation_unique_number"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("elected_on")), name="convocation_ends_after"
            ),
        ]

    def __str__(self):
        return f"{self.maslikhat} · {self.number}"

    @property
    def term_ends_on(self) -> date:
        """The recorded end of the term, or five years from the election."""
        if self.ends_on:
            return self.ends_on
        try:
            return self.elected_on.replace(year=self.elected_on.year + TERM_YEARS)
        except ValueError:  # 29 February
            return self.elected_on.replace(year=self.elected_on.year + TERM_YEARS, day=28)

    def single_mandate_seats_expected(self) -> int | None:
        """Single-mandate seats the electoral system gives: half of the seats (mixed, tier 1) or all
        of them (tier 2); None while the number of seats is not recorded."""
        seats = self.seats or self.maslikhat.seats
        if not seats:
            return None
        return seats // 2 if self.electoral_system == Maslikhat.ElectoralSystem.MIXED else seats


class ElectoralDistrict(LocalizedNameMixin, models.Model):
    """A single-mandate electoral district of one maslikhat (for one convocation)."""

    maslikhat = models.ForeignKey(Maslikhat, on_delete=models.PROTECT, related_name="districts")
    # The boundary generation, always recorded (migration 0010 attached the districts made before
    # generations were); `deputies.convocations.convocation_current` gives the one in force today.
    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="districts")
    number = models.PositiveSmallIntegerField(_("number"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    registered_voters = models.PositiveIntegerField(_("registered voters"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("electoral district")
        verbose_name_plural = _("electoral districts")
        ordering = ["maslikhat", "number"]
        constraints = [
            # The old and the new district No. 5 coexist in two generations.
            models.UniqueConstraint(fields=["convocation", "number"], name="district_unique_number_per_convocation"),
        ]

    def __str__(self):
        return f"{self.maslikhat} · № {self.number}"

    def get_absolute_url(self):
        return reverse("deputies:district", args=[self.pk])


class Deputy(models.Model):
    class Mandate(models.TextChoices):
        SINGLE_MANDATE = "single_mandate", _("Single-mandate district")
        PARTY_LIST = "party_list", _("Party list")

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chairperson")
        COMMISSION_CHAIR = "commission_chair", _("Chair of a standing commission")
        MEMBER = "member", _("Deputy")

    class Status(models.TextChoices):
        """How a mandate ended early (Law on Local Government Art. 10): every value but ACTIVE ends it."""

        ACTIVE = "active", _("Active")
        RECALLED = "recalled", _("Recalled by voters")
        RESIGNED = "resigned", _("Resigned")
        DECEASED = "deceased", _("Deceased")
        COURT = "court_decision", _("Ended by a court decision")
        PARTY_RECALLED = "party_recalled", _("Recalled by the party (party list)")
        ENDED_OTHER = "ended_other", _("Mandate ended early (other grounds)")

    maslikhat = models.ForeignKey(Maslikhat, on_delete=models.PROTECT, related_name="deputies")
    convocation = models.ForeignKey(
        Convocation, on_delete=models.PROTECT, null=True, blank=True, related_name="deputies"
    )
    full_name = models.CharField(_("full name"), max_length=200)  # shown as written, never translated
    name_key = models.CharField(max_length=200, blank=True, editable=False)  # Latin skeleton for name search
    # Through the upload gate: re-encoded from pixels (no EXIF/GPS, nothing appended), type by content.
    photo = GatedImageField(
        _("photo"), upload_to="deputies/", blank=True, upload_kinds=(PNG, JPEG), upload_max_bytes=5 * 1024 * 1024
    )
    party = models.CharField(_("party"), max_length=100, blank=True, help_text=_("Empty for self-nominated."))
    mandate = models.CharField(_("mandate"), max_length=20, choices=Mandate.choices)
    district = models.ForeignKey(
        ElectoralDistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="deputies"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("web page"), blank=True)
    reception_hours = models.CharField(_("reception hours"), max_length=300, blank=True)
    biography_kk = models.TextField(_("biography (Kazakh)"), blank=True)
    biography_ru = models.TextField(_("biography (Russian)"), blank=True)
    biography_en = models.TextField(_("biography (English)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    elected_on = models.DateField(_("elected on"), null=True, blank=True)
    by_election = models.BooleanField(
        _("elected at a by-election"), default=False, help_text=_("The term ends with the convocation's.")
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="deputy"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["maslikhat", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(mandate="single_mandate", district__isnull=False) | Q(mandate="party_list", district__isnull=True)
                ),
                name="deputy_district_matches_mandate",
            ),
            # Only a party can recall a deputy elected on its list.
            models.CheckConstraint(
                condition=~Q(status="party_recalled") | Q(mandate="party_list"), name="deputy_party_recall_list_only"
            ),
            # One sitting deputy per single-mandate district.
            models.UniqueConstraint(
                fields=["district"], condition=Q(status="active"), name="deputy_one_active_per_district"
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        from deputies.addresses import fold

        strip_bidi_fields(self, "full_name")
        self.name_key = " ".join(fold(word) for word in self.full_name.split())[:200]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("deputies:deputy", args=[self.pk])

    @property
    def reception_hours_display(self) -> str:
        """Reception hours in the page's language (weekday names translated)."""
        from deputies.addresses import describe_reception

        return describe_reception(self.reception_hours)

    @property
    def biography(self) -> str:
        return localized(self, "biography")

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class StandingCommission(LocalizedNameMixin, models.Model):
    maslikhat = models.ForeignKey(Maslikhat, on_delete=models.CASCADE, related_name="commissions")
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    members = models.ManyToManyField(Deputy, through="CommissionMembership", related_name="commissions")

    class Meta:
        verbose_name = _("standing commission")
        verbose_name_plural = _("standing commissions")
        ordering = ["maslikhat", "name_ru"]

    def __str__(self):
        return self.name


class CommissionMembership(models.Model):
    commission = models.ForeignKey(StandingCommission, on_delete=models.CASCADE, related_name="memberships")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="commission_memberships")
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commission", "deputy"], name="commission_membership_unique"),
            models.UniqueConstraint(fields=["commission"], condition=Q(is_chair=True), name="commission_one_chair"),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.commission}"


class AddressCoverage(models.Model):
    """One line of a commission's district description: a street (or microdistrict) of a settlement
    and the house numbers on it that belong to the district (rule grammar in deputies/addresses.py)."""

    district = models.ForeignKey(ElectoralDistrict, on_delete=models.CASCADE, related_name="coverage")
    settlement = models.CharField(_("settlement"), max_length=120)
    settlement_key = models.CharField(max_length=120, db_index=True)
    street = models.CharField(_("street"), max_length=200)
    street_key = models.CharField(max_length=200, db_index=True)
    houses = models.CharField(_("houses"), max_length=500, default="all")

    class Meta:
        verbose_name = _("address coverage")
        verbose_name_plural = _("address coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "settlement_key", "street_key", "houses"], name="coverage_unique_row"
            ),
        ]
        indexes = [
            models.Index(fields=["settlement_key", "street_key"]),
            # Prefix search for autocomplete (LIKE 'abil%') under any database collation.
            models.Index(fields=["street_key"], name="coverage_street_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["settlement_key"], name="coverage_settlement_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return f"{self.settlement}, {self.street}: {self.houses}"

    def save(self, *args, **kwargs):
        # The keys are derived columns: whatever a caller passes, they are what the lookup computes.
        from deputies.addresses import settlement_key, street_key

        self.settlement_key = settlement_key(self.settlement)
        self.street_key = street_key(self.street)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "settlement_key", "street_key"}
        super().save(*args, **kwargs)

    def clean(self):
        from deputies.addresses import RuleError, parse_rule

        try:
            parse_rule(self.houses)
        except RuleError as error:
            raise ValidationError({"houses": str(error)}) from None

    @property
    def houses_display(self) -> str:
        """The houses rule in the page's language."""
        from deputies.addresses import describe_rule

        return describe_rule(self.houses)
