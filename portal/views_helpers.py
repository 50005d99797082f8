"""What every app's views repeat around a service call. A view parses input, calls one service and
renders (STYLE.md); when the service refuses (ValidationError, PermissionDenied), the view shows the
refusal: on the form it re-renders, or as a flashed message on the page it redirects to."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

REFUSALS = (ValidationError, PermissionDenied)


def refusal_messages(error: Exception) -> list[str]:
    """The texts of a service's refusal; a bare PermissionDenied says the user may not."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("You do not have permission to do this.")]


def form_errors(form, error: Exception) -> None:
    """Put a service's refusal on the form: a ValidationError's messages under their fields where
    the form has them, the rest (and a PermissionDenied) on the form as a whole."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
    else:
        form.add_error(None, refusal_messages(error))


def flash_refusal(request, error: Exception) -> None:
    messages.error(request, " ".join(refusal_messages(error)))


def flash_call(request, call: Callable[[], Any], success: str | Callable[[Any], str] = "") -> Any:
    """Run a service call for a button that redirects back: on a refusal flash it and return None;
    otherwise flash `success` (a text, or a function of the call's result) and return the result."""
    try:
        result = call()
    except REFUSALS as error:
        flash_refusal(request, error)
        return None
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, str(text))
    return result
