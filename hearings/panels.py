"""Hearings on other apps' pages (portal.panels): a deputy's and a maslikhat's record, and the
hearings coming up where an address is represented."""

from django.template.loader import render_to_string

from hearings import selectors


def deputy_record(request, deputy=None, **context) -> str:
    if deputy is None:
        return ""
    record = selectors.deputy_hearing_record(deputy)
    return render_to_string("hearings/panels/record.html", {"record": record, "subject": "deputy"}, request=request)


def maslikhat_record(request, maslikhat=None, **context) -> str:
    if maslikhat is None:
        return ""
    record = selectors.maslikhat_hearing_record(maslikhat)
    return render_to_string(
        "hearings/panels/record.html",
        {"record": record, "subject": "maslikhat", "maslikhat": maslikhat},
        request=request,
    )


def representatives_after(request, lookup=None, **context) -> str:
    if lookup is None:
        return ""
    maslikhat_ids = {
        district.maslikhat_id
        for match in getattr(lookup, "matches", [])
        for district in getattr(match, "districts", [])
    }
    if not maslikhat_ids:
        return ""
    hearings = selectors.hearing_list_upcoming_for_maslikhats(maslikhat_ids)
    return render_to_string("hearings/panels/upcoming.html", {"hearings": hearings}, request=request)
