"""Who holds which role where. App-level `access_*` functions build on these two questions."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from portal.models import Notification, Role, RoleGrant, User

_UNREAD = "#unread"  # not a role: the row of the unread count in _load_user_facts


def _load_user_facts(user) -> dict[str, set[str]]:
    """All of a user's active grants and their unread notification count, in one query, kept on the
    user object for the request: every page's header needs both (the staff link, the badge), and
    most views ask about roles before the header renders."""
    cache = user.__dict__.get("_dauys_scopes")
    if cache is None:
        cache = {r: set() for r in Role.values}
        grants = (
            RoleGrant.objects.active()
            .filter(user=user)
            .order_by()
            .values_list("role", "scope_code", Value(0, output_field=IntegerField()))
        )
        count_unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        unread = (
            User.objects.filter(pk=user.pk)
            .order_by()
            .values_list(Value(_UNREAD), Value(""), Coalesce(Subquery(count_unread, output_field=IntegerField()), 0))
        )
        count = 0
        for grant_role, scope, number in grants.union(unread, all=True):
            if grant_role == _UNREAD:
                count = number
            else:
                cache.setdefault(grant_role, set()).add(scope)
        user.__dict__["_dauys_scopes"] = cache
        user.__dict__["_dauys_unread"] = count
    return cache


def scopes_for(user, role: str) -> set[str]:
    """Scope codes in which the user holds the role. All of a user's grants are read in one query
    and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return _load_user_facts(user).get(role, set())


def unread_notifications(user) -> int:
    """The header's unread count, read with the user's roles (see _load_user_facts)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if "_dauys_unread" not in user.__dict__ or "_dauys_scopes" not in user.__dict__:
        user.__dict__.pop("_dauys_scopes", None)
        _load_user_facts(user)
    return user.__dict__["_dauys_unread"]


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


# Roles only a superuser grants or revokes. The election commission is independent of the maslikhat:
# its staff never make or unmake commission members (issue 13, separation of duties).
SUPERUSER_ONLY_ROLES = frozenset({Role.COMMISSION, Role.MODERATOR})


def may_grant_role(actor, role: str, scope_code: str, *, user=None) -> bool:
    """Roles are granted by a superuser, or by staff of the same maslikhat (never commission or
    moderator); no one grants or takes a role for themselves."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if user is not None and getattr(user, "pk", None) == actor.pk:
        return False
    if actor.is_superuser:
        return True
    return role not in SUPERUSER_ONLY_ROLES and has_role(actor, Role.STAFF, scope_code)
