"""Sessions on the deputies app's pages (portal.panels): a deputy's record and a maslikhat's sessions."""

from django.template.loader import render_to_string

from sittings import selectors


def deputy_record_annotations(request, model) -> dict:
    """The record's counts and the programmes ride on the deputy page's query for the deputy."""
    return {**selectors.record_annotations(), **selectors.programme_annotations()}


def deputy_record(request, deputy=None, **context) -> str:
    if deputy is None:
        return ""
    return render_to_string(
        "sittings/panels/deputy_record.html",
        {
            "deputy": deputy,
            "record": selectors.deputy_record(deputy),
            "dissents": selectors.deputy_dissents(deputy),
            **selectors.deputy_accountability(deputy),
        },
        request=request,
    )


def maslikhat_record(request, maslikhat=None, **context) -> str:
    if maslikhat is None:
        return ""
    return render_to_string(
        "sittings/panels/maslikhat_record.html",
        {"maslikhat": maslikhat, "sessions": selectors.maslikhat_recent_sessions(maslikhat)},
        request=request,
    )
