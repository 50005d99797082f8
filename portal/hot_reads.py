"""Anonymous reads a surge repeats, answered at the door.

During a viral petition most requests are anonymous reloads of one page and one count (UK, March
2019), and each went through every middleware (sessions, locale, CSRF, authentication, messages,
allauth, MFA) only to be answered from the cache. An app registers such a read here
(`register_hot_read`, in its AppConfig.ready()); `HotReadMiddleware`, right after WhiteNoise, answers a
GET or HEAD without a query string, session or messages cookie from the registered function, and adds
what the middleware it skipped would have added (language headers and cookie, X-Frame-Options,
Vary, Content-Length). A function returns None when it has nothing cached: the request then takes the usual
path, which renders and caches. tests/portal/test_hot_reads.py checks that both paths give the same
bytes and headers."""

import re
from collections.abc import Callable

from django.conf import settings
from django.db import Error as DatabaseError
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

from portal.middleware import remember_language, url_language

_routes: list[tuple[re.Pattern, Callable[..., HttpResponse | None]]] = []


def register_hot_read(pattern: str, answer: Callable[..., HttpResponse | None]) -> None:
    """`pattern` (a regular expression over the whole path; `{language}` stands for the language
    prefixes) with named groups passed to `answer(request, **groups)`."""
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    compiled = re.compile(pattern.replace("{language}", f"(?P<language>{languages})"))
    if all(existing.pattern != compiled.pattern for existing, _answer in _routes):
        _routes.append((compiled, answer))


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


class HotReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"} and not request.META.get("QUERY_STRING") and _is_anonymous(request):
            for pattern, answer in _routes:
                match = pattern.fullmatch(request.path_info)
                if match is None:
                    continue
                try:
                    response = answer(request, **match.groupdict())
                except DatabaseError:  # the usual path answers a database outage (503, translated)
                    response = None
                if response is not None:
                    return self._as_the_full_stack_would(request, response)
                break
        return self.get_response(request)

    @staticmethod
    def _as_the_full_stack_would(request, response):
        language = url_language(request.path_info)
        if language is None:
            # LocaleMiddleware on a path without a language prefix: the cookie's, Accept-Language's
            # or the default language, which the answer depends on.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language_from_request(request))
        # SessionMiddleware: the view asked whether the visitor is signed in.
        patch_vary_headers(response, ("Cookie",))
        if language is not None:
            # LocaleMiddleware (a prefixed path: no Vary on Accept-Language) ...
            response.headers.setdefault("Content-Language", language)
            # ... and RememberLanguageMiddleware.
            remember_language(request, response, language)
        # XFrameOptionsMiddleware and CommonMiddleware (a length, not chunks).
        response.headers.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper())
        response.headers.setdefault("Content-Length", str(len(response.content)))
        return response
