"""The error pages (handler400/403/404/500): JSON under /api/ and /healthz, HTML elsewhere. Kept apart
from portal.views so middleware can answer with them without importing the views that read the audit log."""

from django.shortcuts import render


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _error(request, status: int, template: str, message: str):
    from django.http import JsonResponse

    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, template, {"message": message}, status=status)


def bad_request(request, exception=None):
    from django.utils.translation import gettext as _

    return _error(request, 400, "400.html", _("The request could not be understood."))


def permission_denied(request, exception=None):
    from django.utils.translation import gettext as _

    return _error(request, 403, "403.html", _("You do not have permission to do this."))


def page_not_found(request, exception=None):
    from django.utils.translation import gettext as _

    return _error(request, 404, "404.html", _("Not found."))


def server_error(request):
    from django.utils.translation import gettext as _

    return _error(request, 500, "500.html", _("Something went wrong on our side. Please try again in a minute."))
