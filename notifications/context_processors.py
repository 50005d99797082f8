from django.utils.functional import SimpleLazyObject

from notifications.selectors import UNREAD_COUNT
from portal.access import user_count


def unread(request):
    """The header's unread count, read only when a template shows it, in the one query that also
    answers the request's role questions (portal.access; registered in NotificationsConfig.ready())."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: user_count(user, UNREAD_COUNT))}
