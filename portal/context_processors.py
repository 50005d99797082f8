from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from portal.access import is_official


def site(request):
    path = request.get_full_path()
    return {
        "site_name": settings.DAUYS_SITE_NAME,
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES
        ],
    }


def roles(request):
    """Whether the header links the staff area, read only when a template shows it, in the one query
    that also answers the request's role questions and the registered counts (portal.access)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_area_link": SimpleLazyObject(lambda: is_official(user))}
