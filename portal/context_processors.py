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
