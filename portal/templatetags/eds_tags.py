"""`{% eds_sign %}`: the "Sign with EDS" section of a signing page (static/js/eds.js drives it).

Any signing page adopts EDS by markup alone: it names its challenge and signing API URLs and the ids
of its address field and declaration checkbox. The section is hidden until the script shows it, so
without JavaScript the page's other ways to sign are all there is; when EDS is off (portal.eds.enabled)
the page says so instead."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from portal import eds

register = template.Library()


@register.inclusion_tag("includes/eds_sign.html", takes_context=True)
def eds_sign(context, *, challenge_url: str, sign_url: str, address: str = "", confirm: str = ""):
    return {
        "enabled": eds.enabled(),
        "challenge_url": challenge_url,
        "sign_url": sign_url,
        "address_id": address,
        "confirm_id": confirm,
        "ncalayer_url": settings.EDS_NCALAYER_URL,
        "csrf_token": context.get("csrf_token", ""),
        # NCALayer's dialog: NCA documents kk (its default) and ru; an English page gets Russian.
        "locale": "kk" if (get_language() or "kk") == "kk" else "ru",
    }
