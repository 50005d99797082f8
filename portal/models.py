"""Cross-cutting data: users, role grants scoped to a maslikhat, the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.append_only import AppendOnlyMixin
from portal.crypto import EncryptedTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; what they may do beyond citizenship comes from RoleGrant."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("surname"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="kk"
    )
    # Declared residence and citizenship, reused when signing (each signature still stores its own copy).
    address = models.CharField(_("home address"), max_length=200, blank=True)
    is_citizen = models.BooleanField(_("citizen of Kazakhstan"), default=False)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name or self.email

    def save(self, *args, **kwargs):
        from portal.textsafety import strip_bidi_fields

        strip_bidi_fields(self, "first_name", "last_name")
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """First name and surname initial, as the state petitions portal shows signers."""
        if not self.first_name:
            return ""
        initial = f" {self.last_name[0]}." if self.last_name else ""
        return f"{self.first_name}{initial}"


class Role(models.TextChoices):
    DEPUTY = "deputy", _("Deputy")
    STAFF = "staff", _("Maslikhat staff")
    COMMISSION = "commission", _("Election commission member")
    MODERATOR = "moderator", _("Moderator")


class RoleGrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role held in a scope. The scope is an administrative unit code (a maslikhat's code is its
    unit's code), so portal stays independent of the deputies app that owns the map."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope_code = models.CharField(_("maslikhat or territory code"), max_length=40)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_code"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_active_per_scope",
            ),
        ]
        indexes = [models.Index(fields=["scope_code", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_code}"


class AuditEntry(AppendOnlyMixin, models.Model):
    """Append-only record of an official action. Written by services (portal.audit.audit_record),
    never by signals; the database refuses UPDATE and DELETE on PostgreSQL (see migration)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    scope_code = models.CharField(max_length=40, blank=True, db_index=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class EdsEvidence(models.Model):
    """What proves an EDS signature (portal.eds), for each app's signature model to extend with its
    own one-to-one `signature` (related name `eds`): the signer certificate's serial and issuer and
    the CMS itself. The CMS carries the certificate, so the IIN: it is encrypted."""

    certificate_serial = models.CharField(_("certificate serial"), max_length=64)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=500)
    signer_name = EncryptedTextField(_("name in the certificate"), blank=True)
    cms = EncryptedTextField(_("CMS signature (base64)"))
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("EDS evidence")
        verbose_name_plural = _("EDS evidence")

    def __str__(self):
        return f"{self.signature_id} · {self.certificate_serial}"


class EdsChallenge(models.Model):
    """The exact text a citizen is asked to sign with their EDS key (portal.eds): it names what is
    signed, carries a digest of its text and a random nonce. Bound to the account and to one subject
    (`petition:12`, `recall:3`), single-use (`used_at`), and short-lived (`expires_at`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=40)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("EDS signing request")
        verbose_name_plural = _("EDS signing requests")
        indexes = [models.Index(fields=["user", "subject", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="eds_challenge_expires")
        ]

    def __str__(self):
        return f"{self.subject} · {self.created_at:%Y-%m-%d %H:%M}"
