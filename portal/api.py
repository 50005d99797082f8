"""API conventions: JSON errors with a translated `detail`, service errors mapped to HTTP."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_payload(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        payload = {
            field: [str(m) for m in errs[0].messages] if len(errs) == 1 else [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
        non_field = payload.pop("__all__", None)
        payload["detail"] = non_field[0] if non_field else _("Please correct the errors below.")
        return payload
    return {"detail": " ".join(str(m) for m in error.messages)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    elif response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data["detail"] = _("Please correct the errors below.")
    return response
