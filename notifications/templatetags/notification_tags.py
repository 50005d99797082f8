"""{% follow_button obj %}: a follow/unfollow form for any followable object (works without JS)."""

from django import template
from django.template.loader import render_to_string

from notifications.follows import followable_model, is_following

register = template.Library()


def follow_context(request, obj) -> dict | None:
    if obj is None or followable_model(obj._meta.label_lower) is None:
        return None
    return {
        "object": obj,
        "object_type": obj._meta.label_lower,
        "object_id": obj.pk,
        "following": is_following(getattr(request, "user", None), obj),
        "next": request.get_full_path() if request is not None else "",
    }


def follow_panel(request, obj) -> str:
    context = follow_context(request, obj)
    return render_to_string("notifications/follow_button.html", context, request=request) if context else ""


@register.simple_tag(takes_context=True)
def follow_button(context, obj):
    return follow_panel(context.get("request"), obj)


def district_follow_panel(request, lookup=None, **_context) -> str:
    """ "Follow my district" under the answer to "who represents me?" (the representatives.after slot)."""
    districts, seen = [], set()
    for match in getattr(lookup, "matches", None) or []:
        for district in getattr(match, "districts", None) or []:
            if district.pk not in seen:
                seen.add(district.pk)
                districts.append(follow_context(request, district))
    districts = [d for d in districts if d]
    if not districts:
        return ""
    return render_to_string("notifications/district_follow.html", {"districts": districts}, request=request)
