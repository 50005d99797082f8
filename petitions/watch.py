"""What a surge reads from the cache, and every cache key of petitions in one place.

Watchers reload a viral petition's page and count far more often than anyone signs it (UK, March
2019), and every signer reads the petition it signs: those three come from the cache. The tally and
every state move drop them (`drop_watched`, `drop_petition`), so a watcher sees a new count within one
tally and nobody signs against a state that has changed; the timeouts bound an edit made elsewhere
(rules in the admin)."""

from django.conf import settings
from django.core.cache import cache

from petitions.access import access_petition_for_viewer
from petitions.models import Petition
from petitions.sheet import signature_sheet_pdf
from petitions.templatetags.petition_tags import petition_route

# ------------------------------------------------------------------------------
# Cache keys
# ------------------------------------------------------------------------------
COUNT_CACHE_KEY = "petitions:count:{}"  # the public count (petitions/api.py)
PAGE_CACHE_KEY = "petitions:page:{}:{}"  # the page anonymous visitors share, per language (petitions/views.py)
SIGNING_CACHE_KEY = "petitions:signing:{}"  # the petition a signature is for
PLACEMENT_CACHE_KEY = "petitions:place:{}:{}"  # a declared address placed for a maslikhat (signing)
ACCOUNT_RATE_KEY = "petitions:rl:user:{}:{}"  # signatures of one account in one hour (signing)
NETWORK_RATE_KEY = "petitions:rl:net:{}:{}"  # signatures from one network in one minute (signing)
TALLY_NUDGE_KEY = "petitions:tally-nudge"  # the first signer of a couple of seconds queues the tally
SHEET_CACHE_KEY = "petitions:sheet:{}:{}"  # the printable signature sheet, per state (petitions/sheet.py)

COUNT_CACHE_SECONDS = 10
SHARED_PAGE_SECONDS = 60
SIGNING_CACHE_SECONDS = 30
SHEET_CACHE_SECONDS = 600


# ------------------------------------------------------------------------------
# Reads
# ------------------------------------------------------------------------------
def access_petition_for_signing(user, pk, link: str = "") -> Petition:
    """The petition a signature is for. A listed petition collecting signatures is the same for
    everyone, so in a surge it comes from the cache: one round trip instead of a three-table query
    on the row the tally updates."""
    key = SIGNING_CACHE_KEY.format(pk)
    petition = cache.get(key)
    if petition is not None:
        return petition
    petition = access_petition_for_viewer(
        user, pk, link, queryset=Petition.objects.select_related("maslikhat", "rules")
    )
    if petition.is_listed and petition.is_signable:
        cache.set(key, petition, SIGNING_CACHE_SECONDS)
    return petition


def petition_count(pk) -> dict | None:
    """The public count of a listed petition (None: no such listed petition)."""
    key = COUNT_CACHE_KEY.format(pk)
    payload = cache.get(key)
    if payload is not None:
        return payload
    petition = (
        Petition.objects.listed()
        .filter(pk=pk)
        .values(
            "id",
            "status",
            "signature_count",
            "resident_signature_count",
            "paper_signature_count",
            "eds_signature_count",
            "threshold",
            "last_tallied_at",
        )
        .first()
    )
    if petition is None:
        return None
    payload = {
        **petition,
        "online_signature_count": petition["signature_count"] - petition["paper_signature_count"],
        "last_tallied_at": petition["last_tallied_at"].isoformat() if petition["last_tallied_at"] else None,
    }
    cache.set(key, payload, COUNT_CACHE_SECONDS)
    return payload


def signature_sheet(petition: Petition) -> bytes:
    """The sheet's PDF. Building one takes a CPU for a noticeable moment and the link is public, so
    it is built once per petition and state for a few minutes (the route, edited in the admin, is
    bounded by the timeout)."""
    key = SHEET_CACHE_KEY.format(petition.pk, petition.status)
    pdf = cache.get(key)
    if pdf is None:
        pdf = signature_sheet_pdf(petition, petition_route(petition=petition))
        cache.set(key, pdf, SHEET_CACHE_SECONDS)
    return pdf


def shared_page(pk, language: str) -> bytes | None:
    return cache.get(PAGE_CACHE_KEY.format(pk, language))


def shared_page_store(pk, language: str, content: bytes) -> None:
    cache.set(PAGE_CACHE_KEY.format(pk, language), content, SHARED_PAGE_SECONDS)


# ------------------------------------------------------------------------------
# Invalidation
# ------------------------------------------------------------------------------
def drop_watched(pks) -> None:
    """Drop the cached counts and pages of these petitions (the tally moved their counts)."""
    pks = list(pks)
    cache.delete_many(
        [COUNT_CACHE_KEY.format(pk) for pk in pks]
        + [PAGE_CACHE_KEY.format(pk, code) for pk in pks for code, _name in settings.LANGUAGES]
    )


def drop_petition(pk) -> None:
    """Drop everything cached of one petition (it changed state): its signing copy, count and pages."""
    cache.delete(SIGNING_CACHE_KEY.format(pk))
    cache.delete_many([SHEET_CACHE_KEY.format(pk, status) for status in Petition.SIGNABLE_STATUSES])
    drop_watched([pk])
