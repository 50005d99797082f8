"""Who holds which role where. App-level `access_*` functions build on these two questions."""

from portal.models import Role, RoleGrant


def scopes_for(user, role: str) -> set[str]:
    """Scope codes in which the user holds the role (cached on the user object per request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = user.__dict__.setdefault("_dauys_scopes", {})
    if role not in cache:
        cache[role] = set(RoleGrant.objects.active().filter(user=user, role=role).values_list("scope_code", flat=True))
    return cache[role]


def has_role(user, role: str, scope_code: str | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scopes = scopes_for(user, role)
    return bool(scopes) if scope_code is None else scope_code in scopes


def is_official(user) -> bool:
    """Officials (deputies, staff, commission members, moderators, superusers) must use MFA."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(scopes_for(user, role) for role in Role.values)


def may_grant_role(actor, role: str, scope_code: str) -> bool:
    """Roles are granted by a superuser, or by staff of the same maslikhat (never moderator)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    return role != Role.MODERATOR and has_role(actor, Role.STAFF, scope_code)
