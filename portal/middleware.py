"""Request context for the audit log, and the MFA requirement for officials."""

import contextvars

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext as _

_current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("dauys_ip", default=None)


def current_ip() -> str | None:
    return _current_ip.get()


def client_ip(request) -> str | None:
    # Behind a proxy, set NUM_PROXIES so the right hop of X-Forwarded-For is trusted.
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)


def _official_area(path: str) -> bool:
    parts = path.strip("/").split("/")
    if parts and parts[0] in {code for code, _name in settings.LANGUAGES}:
        parts = parts[1:]
    return bool(parts) and parts[0] in {"staff", "admin"}


class OfficialsNeedMFAMiddleware:
    """Deputies, staff, commission members, moderators and superusers must enrol an authenticator
    before they reach the staff area or the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            getattr(settings, "DAUYS_REQUIRE_MFA_FOR_OFFICIALS", True)
            and _official_area(request.path_info)
            and request.user.is_authenticated
        ):
            from allauth.mfa.models import Authenticator

            from portal.access import is_official

            if is_official(request.user) and not Authenticator.objects.filter(user=request.user).exists():
                messages.warning(request, _("Officials must turn on two-factor authentication before continuing."))
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost database connection (the server restarted, a failover, a killed backend) answers 503
    with a translated "try again" and Retry-After, instead of a 500. The write in flight is either
    committed or rolled back as a whole; the next request gets a fresh connection through
    CONN_HEALTH_CHECKS, without restarting the app. Test: tests/faults/test_database_outage.py.
    Input the database refuses (DataError) answers 400 (tests/security/test_hardening.py)."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError, InterfaceError, OperationalError

        if isinstance(exception, DataError):
            # Input the database cannot hold (a NUL byte in a body, a number out of range) is bad
            # input: 400, whichever view let it through (found by tests/test_api_fuzz.py).
            return self._answer(
                request, 400, _("The request contains characters or values that cannot be accepted."), retry=False
            )
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        import logging

        logging.getLogger("dauys.db").warning(
            "Database unavailable during %s %s: %s", request.method, request.path, type(exception).__name__
        )
        response = self._answer(
            request, 503, _("The service is briefly unavailable. Please try again in a moment."), retry=True
        )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response

    @staticmethod
    def _answer(request, status: int, message: str, *, retry: bool):
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(
            render_to_string("503.html", {"message": message, "request": request, "retry": retry}), status=status
        )


class RejectNullCharactersMiddleware:
    """PostgreSQL text cannot hold NUL; a query string carrying one would reach a filter and end in a
    500. No legitimate request carries it, so answer 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
            from portal.views import bad_request

            return bad_request(request)
        return self.get_response(request)


class RememberLanguageMiddleware:
    """The language a person uses sticks: a page under /kk/, /ru/ or /en/ sets the language cookie
    (so "/" and redirects without a prefix follow it, not the browser's Accept-Language) and, for a
    signed-in person, the account's preferred_language, which their emails use. One UPDATE when the
    language changes, none otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = url_language(request.path_info)
        if language is None or request.method not in {"GET", "HEAD", "POST"}:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language != language:
            get_user_model().objects.filter(pk=user.pk).update(preferred_language=language)
            user.preferred_language = language
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def url_language(path: str) -> str | None:
    """The language prefix of an i18n path ("/ru/petitions/" -> "ru"), or None."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in {code for code, _name in settings.LANGUAGES} else None
