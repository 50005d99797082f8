"""Write use cases of the portal kernel: role grants."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import may_grant_role
from portal.audit import audit_record
from portal.models import Role, RoleGrant, User


def role_grant(*, actor: User, user: User, role: str, scope_code: str) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if not may_grant_role(actor, role, scope_code):
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
    return grant
