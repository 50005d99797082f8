"""Letters on the deputies app's pages (portal.panels): a "write" link on each deputy card, the
deputy's responsiveness, published exchanges and reception slots, a maslikhat's table, and "write
to all my deputies" under the representatives answer."""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from letters import selectors


def _write_url(deputy, address: str = "") -> str:
    url = reverse("letters:write", args=[deputy.pk])
    return f"{url}?{urlencode({'address': address})}" if address else url


def deputy_card(request, deputy=None, **context) -> str:
    """No query: a card is repeated on the representatives answer."""
    if deputy is None or not deputy.is_active:
        return ""
    address = request.GET.get("address", "")[:200] if request is not None else ""
    return render_to_string(
        "letters/panels/card.html", {"deputy": deputy, "write_url": _write_url(deputy, address)}, request=request
    )


def deputy_record_annotations(request, model) -> dict:
    """The responsiveness figures ride on the deputy page's query for the deputy (portal.panels)."""
    return selectors.figures_annotations("deputy")


def deputy_record(request, deputy=None, **context) -> str:
    if deputy is None:
        return ""
    slots = list(selectors.slot_list_upcoming(deputy, getattr(request, "user", None))[:12])
    return render_to_string(
        "letters/panels/deputy.html",
        {
            "deputy": deputy,
            "figures": selectors.deputy_responsiveness(deputy),
            "published": selectors.message_list_published(deputy),
            "slots": slots,
            "write_url": _write_url(deputy),
        },
        request=request,
    )


def maslikhat_record(request, maslikhat=None, **context) -> str:
    if maslikhat is None:
        return ""
    table = selectors.maslikhat_table(maslikhat)
    if not table:
        return ""
    return render_to_string("letters/panels/maslikhat.html", {"table": table, "figures": table[0][1]}, request=request)


def representatives_after(request, lookup=None, **context) -> str:
    address = request.GET.get("address", "")[:200] if request is not None else ""
    if lookup is None or not address or len(getattr(lookup, "matches", [])) != 1:
        return ""
    url = f"{reverse('letters:write_all')}?{urlencode({'address': address})}"
    return render_to_string("letters/panels/write_all.html", {"write_all_url": url}, request=request)
