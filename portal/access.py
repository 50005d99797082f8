"""Who holds which role where. App-level `access_*` functions build on these two questions."""

from portal.models import Role, RoleGrant


def scopes_for(user, role: str) -> set[str]:
    """Scope codes in which the user holds the role. All of a user's grants are read in one query
    and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = user.__dict__.get("_dauys_scopes")
    if cache is None:
        cache = {r: set() for r in Role.values}
        for grant_role, scope in RoleGrant.objects.active().filter(user=user).values_list("role", "scope_code"):
            cache.setdefault(grant_role, set()).add(scope)
        user.__dict__["_dauys_scopes"] = cache
    return cache.get(role, set())


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
