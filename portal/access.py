"""Who holds which role where. App-level `access_*` functions build on these two questions.

Every page's header asks two things about the signed-in user: may they see the staff area (their
roles), and how many unread notifications they have. Both are answered by one query, kept on the user
object for the request. Portal imports no app, so the counts are registered: an app names a count
and gives a queryset of its rows filtered by `user=OuterRef("pk")` (notifications registers
"notifications.unread" in its AppConfig.ready()); `user_count(user, name)` reads it."""

from collections.abc import Callable

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from portal.models import Role, RoleGrant, User

_COUNT = "#"  # the role column of a count row in _load_user_facts starts with this (no role does)
_USER_COUNTS: dict[str, Callable[[], QuerySet]] = {}


def register_user_count(name: str, rows: Callable[[], QuerySet]) -> None:
    """A per-user count read with the user's roles. `rows()` returns a queryset of the counted rows,
    filtered by `user=OuterRef("pk")`, e.g. `Notification.objects.filter(user=OuterRef("pk"), read_at=None)`."""
    _USER_COUNTS[name] = rows


def _load_user_facts(user) -> dict[str, set[str]]:
    """All of a user's active grants and their registered counts, in one query, kept on the user
    object for the request: every page's header needs both (the staff link, the badge), and most
    views ask about roles before the header renders."""
    cache = user.__dict__.get("_dauys_scopes")
    if cache is None:
        cache = {r: set() for r in Role.values}
        rows = (
            RoleGrant.objects.active()
            .filter(user=user)
            .order_by()
            .values_list("role", "scope_code", Value(0, output_field=IntegerField()))
        )
        for name, counted in _USER_COUNTS.items():
            count = counted().order_by().values("user").annotate(n=Count("pk")).values("n")
            rows = rows.union(
                User.objects.filter(pk=user.pk)
                .order_by()
                .values_list(
                    Value(_COUNT + name), Value(""), Coalesce(Subquery(count, output_field=IntegerField()), 0)
                ),
                all=True,
            )
        counts = dict.fromkeys(_USER_COUNTS, 0)
        for role, scope, number in rows:
            if role.startswith(_COUNT):
                counts[role.removeprefix(_COUNT)] = number
            else:
                cache.setdefault(role, set()).add(scope)
        user.__dict__["_dauys_scopes"] = cache
        user.__dict__["_dauys_counts"] = counts
    return cache


def scopes_for(user, role: str) -> set[str]:
    """Scope codes in which the user holds the role. All of a user's grants are read in one query
    and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return _load_user_facts(user).get(role, set())


def user_count(user, name: str) -> int:
    """A registered count (e.g. "notifications.unread"), read with the user's roles (see _load_user_facts)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if "_dauys_counts" not in user.__dict__ or "_dauys_scopes" not in user.__dict__:
        user.__dict__.pop("_dauys_scopes", None)
        _load_user_facts(user)
    return user.__dict__["_dauys_counts"][name]


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
