from django.conf import settings
from django.urls import translate_url


def site(request):
    path = request.get_full_path()
    return {
        "site_name": settings.DAUYS_SITE_NAME,
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES
        ],
    }


def notifications(request):
    """The unread count for the header, counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from portal.notification_selectors import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
