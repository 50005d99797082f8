"""Follows: a user follows a deputy, a maslikhat, their district, a petition, a recall, a hearing.

Objects are named by model label and primary key, so notifications imports none of the apps. Apps
register what may be followed (`notifications.registry.register_followable`) in AppConfig.ready(),
call `follow_add(user=, obj=)` when a user signs or registers (idempotent, one INSERT), and
`followers_of(obj, ...)` to address a notification."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from notifications.models import Follow
from notifications.registry import followable_labels, followable_visible_to


def followable_model(object_type: str):
    """The model class for a registered followable label, or None."""
    if object_type not in followable_labels():
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _ref(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def follow_add(*, user, obj) -> bool:
    """Follow obj; True when a new follow was made. Cheap and idempotent: one INSERT that a repeat
    finds and leaves alone (the unique constraint settles races), so a signature service can call it inline."""
    object_type, object_id = _ref(obj)
    _follow, created = Follow.objects.get_or_create(user_id=user.pk, object_type=object_type, object_id=object_id)
    return created


def follow_remove(*, user, obj=None, object_type: str = "", object_id: str = "") -> bool:
    """Stop following; True when a follow was removed. Accepts the object or its label and id."""
    if obj is not None:
        object_type, object_id = _ref(obj)
    deleted, _rows = Follow.objects.filter(user_id=user.pk, object_type=object_type, object_id=str(object_id)).delete()
    return bool(deleted)


def follow_add_by_ref(*, user, object_type: str, object_id: str) -> object:
    """The follow form's use case: validates that the object exists and may be followed."""
    model = followable_model(object_type)
    obj = model.objects.filter(pk=object_id).first() if model is not None and str(object_id).isdigit() else None
    # An object the user may not see answers exactly like one that does not exist (issue 13, finding 6).
    if obj is None or not followable_visible_to(user, obj):
        raise ValidationError(_("This cannot be followed."))
    follow_add(user=user, obj=obj)
    return obj


def _known_key(user) -> str:
    return f"followed_by_{user.pk}"


def following_annotation(user, model) -> dict:
    """`{name: Exists(...)}` to annotate a query of `model`'s rows with whether `user` follows
    each: a page adds it to the query that loads its subject (portal.panels), and is_following then
    answers from the row with no query of its own."""
    if not getattr(user, "is_authenticated", False):
        return {}
    follows = Follow.objects.filter(
        user_id=user.pk, object_type=model._meta.label_lower, object_id=Cast(OuterRef("pk"), CharField())
    )
    return {_known_key(user): Exists(follows)}


def is_following(user, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    known = obj.__dict__.get(_known_key(user))
    if known is not None:
        return known
    object_type, object_id = _ref(obj)
    return Follow.objects.filter(user_id=user.pk, object_type=object_type, object_id=object_id).exists()


def followers_of(*objs) -> QuerySet:
    """Distinct ids of the users following any of objs (a queryset; stream it with .iterator())."""
    condition = Q(pk__in=[])
    for obj in objs:
        if obj is None:
            continue
        object_type, object_id = _ref(obj)
        condition |= Q(object_type=object_type, object_id=object_id)
    return Follow.objects.filter(condition).values_list("user_id", flat=True).distinct().order_by("user_id")


def follows_of_user(user) -> list[dict]:
    """The user's follows with their objects, one query per followed model (not per follow)."""
    follows = list(Follow.objects.filter(user=user))
    by_type: dict[str, list[str]] = {}
    for follow in follows:
        by_type.setdefault(follow.object_type, []).append(follow.object_id)
    objects: dict[tuple[str, str], object] = {}
    for object_type, ids in by_type.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        for obj in model.objects.filter(pk__in=ids):
            objects[(object_type, str(obj.pk))] = obj
    rows = []
    for follow in follows:
        obj = objects.get((follow.object_type, follow.object_id))
        if obj is None or not followable_visible_to(user, obj):
            continue
        rows.append(
            {
                "follow": follow,
                "object": obj,
                "kind": obj._meta.verbose_name,
                "url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
            }
        )
    return rows
