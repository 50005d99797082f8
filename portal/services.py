"""Write use cases of the portal kernel: role grants.

Separation of duties (issue 13): commission and moderator roles only by a superuser; staff grant the
other roles in their own maslikhat; no one grants a role to themselves. Every grant and revoke is
audited and told to the person concerned by email; a commission grant alerts every superuser
(docs/security.md says why an alert and not a second superuser's confirmation)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import may_grant_role
from portal.audit import audit_record
from portal.models import Role, RoleGrant, User
from portal.security_mail import security_mail


def _tell(*, grant: RoleGrant, actor: User, granted: bool) -> None:
    context = {"role": Role(grant.role).label, "scope_code": grant.scope_code, "actor": actor}
    security_mail(users=[grant.user], template="role_granted" if granted else "role_revoked", context=context)
    if grant.role == Role.COMMISSION:
        others = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=actor.pk)
        security_mail(
            users=list(others),
            template="role_commission_alert",
            context={**context, "person": grant.user, "granted": granted},
        )


def role_grant(*, actor: User, user: User, role: str, scope_code: str) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if user.pk == actor.pk:
        raise PermissionDenied(_("No one may grant a role to themselves."))
    if not may_grant_role(actor, role, scope_code, user=user):
        raise PermissionDenied(_("You may not grant this role here."))
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role, scope_code=scope_code, granted_by=actor)
            audit_record(
                actor=actor,
                action="role.grant",
                obj=grant,
                scope_code=scope_code,
                after={"user": user.email, "role": role, "scope": scope_code},
            )
            _tell(grant=grant, actor=actor, granted=True)
    except IntegrityError:
        raise ValidationError(_("This person already holds this role here.")) from None
    return grant


def role_revoke(*, actor: User, grant: RoleGrant) -> RoleGrant:
    if not may_grant_role(actor, grant.role, grant.scope_code):
        raise PermissionDenied(_("You may not revoke this role."))
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is None:
            grant.revoked_at = timezone.now()
            grant.revoked_by = actor
            grant.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                actor=actor,
                action="role.revoke",
                obj=grant,
                scope_code=grant.scope_code,
                before={"user": grant.user.email, "role": grant.role, "scope": grant.scope_code},
            )
            _tell(grant=grant, actor=actor, granted=False)
    return grant
