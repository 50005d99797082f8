"""Request context for the audit log, and the MFA requirement for officials."""

import contextvars
import ipaddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext as _

_current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("dauys_ip", default=None)


def current_ip() -> str | None:
    return _current_ip.get()


def client_ip(request) -> str | None:
    """The client's address, as every rate limit and signature source sees it (DRF's throttles too,
    portal.api): REMOTE_ADDR when settings.NUM_PROXIES is 0, so a forged X-Forwarded-For changes
    nothing; behind NUM_PROXIES trusted reverse proxies, each appending its peer's address, the hop
    NUM_PROXIES from the right of X-Forwarded-For (what the outermost proxy saw). A header with
    fewer hops than that, or a hop that is not an address, falls back to REMOTE_ADDR."""
    proxies = settings.NUM_PROXIES
    if proxies:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= proxies:
            hop = hops[-proxies].strip()
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                pass
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


def _strip_language(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    if parts and parts[0] in {code for code, _name in settings.LANGUAGES}:
        parts = parts[1:]
    return parts


# What an official may reach before passing MFA in this session: sign-in, sign-out, enrolment and the
# second-factor step (all under accounts/), and files that carry no data.
_MFA_EXEMPT_FIRST_SEGMENTS = {"accounts", "static", "healthz", "favicon.ico"}


def _mfa_exempt(path: str) -> bool:
    parts = _strip_language(path)
    return bool(parts) and parts[0] in _MFA_EXEMPT_FIRST_SEGMENTS


class OfficialsNeedMFAMiddleware:
    """Deputies, staff, commission members, moderators and superusers hold powers that show on many
    pages (non-public petitions, officials' notes, the API), not only under /staff/ and /admin/. So the
    requirement follows the role, not the path: an official whose *session* has not passed the second
    factor reaches nothing but the account pages until it does. Without an authenticator they are
    sent to enrol one; with one, to confirm with it (allauth's re-authentication by TOTP). The API
    answers 403 with a translated reason. Checked before the view (process_view), when the URL has
    resolved to one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A view marked `checks_officials_mfa` calls officials_mfa_refusal() itself: the sign
        # endpoint, whose common request never reads the user row (portal.signer_card).
        if any(
            getattr(v, "checks_officials_mfa", False)
            for v in (view_func, getattr(view_func, "cls", None), getattr(view_func, "view_class", None))
        ):
            return None
        return officials_mfa_refusal(request)


def officials_mfa_refusal(request):
    """The answer to an official whose session has not passed MFA, or None (everyone else)."""
    if not (
        getattr(settings, "DAUYS_REQUIRE_MFA_FOR_OFFICIALS", True)
        and request.user.is_authenticated
        and not _mfa_exempt(request.path_info)
    ):
        return None
    from portal.access import is_official
    from portal.mfa import has_authenticator, session_passed_mfa

    if session_passed_mfa(request) or not is_official(request.user):
        return None
    enrolled = has_authenticator(request.user)
    if enrolled:
        message = _("Officials must confirm this sign-in with their authenticator before continuing.")
    else:
        message = _("Officials must turn on two-factor authentication before continuing.")
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message}, status=403)
    from urllib.parse import urlencode

    from django.urls import reverse

    messages.warning(request, message)
    if not enrolled:
        return redirect("mfa_activate_totp")
    next_url = request.get_full_path() if request.method == "GET" else "/"
    return redirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": next_url}))


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
            from portal.error_views import bad_request

            return bad_request(request)
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse a request body over the limit before anything reads it (CSRF, forms, uploads): 413 with a
    translated message. Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds form fields but not file parts,
    so without this a 300 MB anonymous POST to the sign-in page was parsed in full. Anonymous requests
    get the small limit (they never carry files), signed-in ones the large one. Place it after the
    authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_ANONYMOUS_REQUEST_BYTES
        if length > limit:
            # Who is asking matters only above the anonymous limit: below it, the user is not read.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            from django.http import JsonResponse
            from django.shortcuts import render

            message = _("The request is too large.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return render(request, "413.html", {"message": message}, status=413)
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
        remember_language(request, response, language)
        return response


def remember_language(request, response, language: str) -> None:
    """Set the language cookie to `language` unless the request carries it already."""
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


def url_language(path: str) -> str | None:
    """The language prefix of an i18n path ("/ru/petitions/" -> "ru"), or None."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in {code for code, _name in settings.LANGUAGES} else None
