"""What a surge reads from the cache, and every cache key of petitions in one place.

Watchers reload a viral petition's page and count far more often than anyone signs it (UK, March
2019), and every signer reads the petition it signs: those three come from the cache. After each
tally the new counts are written into the cache (`refresh_watched`), never merely deleted: a reader
that read the row just before the tally committed would otherwise put the old count back for the
cache's lifetime. The shared page carries the tally it shows; a reader who finds it older than the
cached count re-renders it while everyone else is served the page as it is until the new one is
stored (one render per tally, not one per reader who arrives during it). Every state move drops
everything (`drop_petition`), so nobody signs against a state that has changed; the timeouts bound an
edit made elsewhere (rules in the admin)."""

import secrets

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
PAGE_RENDER_KEY = "petitions:page-render:{}:{}"  # one reader re-renders a page older than the count
SIGNING_CACHE_KEY = "petitions:signing:{}"  # the petition a signature is for
SIGNING_TOKEN_KEY = "petitions:signing-token:{}"  # noqa: S105 - the cached copy's token (a name, not a secret)
PLACEMENT_CACHE_KEY = "petitions:place:{}:{}"  # a declared address placed for a maslikhat (signing)
ACCOUNT_RATE_KEY = "petitions:rl:user:{}:{}"  # signatures of one account in one hour (signing)
NETWORK_RATE_KEY = "petitions:rl:net:{}:{}"  # signatures from one network in one minute (signing)
TALLY_NUDGE_KEY = "petitions:tally-nudge"  # the first signer of a couple of seconds queues the tally
SHEET_CACHE_KEY = "petitions:sheet:{}:{}"  # the printable signature sheet, per state (petitions/sheet.py)

COUNT_CACHE_SECONDS = 10
SHARED_PAGE_SECONDS = 60
PAGE_RENDER_SECONDS = 5  # bounds a renderer that never stores (it failed, or its page was personal)
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
        # The token names this copy: a process that keeps it (signing_copy) signs on it only while
        # the token in the cache is still this one, which drop_petition deletes.
        petition.signing_token = secrets.randbits(62)
        cache.set_many({key: petition, SIGNING_TOKEN_KEY.format(pk): petition.signing_token}, SIGNING_CACHE_SECONDS)
    return petition


_copies: dict[int, Petition] = {}


def signing_copy(pk: int) -> Petition | None:
    """This process's copy of a listed petition collecting signatures (taken from the cache the first
    time), or None when the cache has none. Signing on it costs no round trip of its own: the
    rate-limit script checks, in the round trip it makes anyway, that the copy's `signing_token` is
    still the cached one (petitions.signing); when it is not, the copy is forgotten and the
    petition read afresh."""
    petition = _copies.get(pk)
    if petition is None:
        petition = cache.get(SIGNING_CACHE_KEY.format(pk))
        if petition is None or getattr(petition, "signing_token", None) is None:
            return None
        if len(_copies) >= 1000:  # bounded: a few petitions collect at a time
            _copies.clear()
        _copies[pk] = petition
    return petition


def forget_signing_copy(pk: int) -> None:
    _copies.pop(pk, None)


_COUNT_FIELDS = (
    "id",
    "status",
    "signature_count",
    "resident_signature_count",
    "paper_signature_count",
    "eds_signature_count",
    "threshold",
    "last_tallied_at",
)


def _stamp(last_tallied_at) -> str | None:
    """The tally a count or a shared page shows, as the count endpoint writes it."""
    return last_tallied_at.isoformat() if last_tallied_at else None


def _count_payloads(pks) -> dict[int, dict]:
    """The public counts of these listed petitions, read from their rows (one query)."""
    return {
        row["id"]: {
            **row,
            "online_signature_count": row["signature_count"] - row["paper_signature_count"],
            "last_tallied_at": _stamp(row["last_tallied_at"]),
        }
        for row in Petition.objects.listed().filter(pk__in=list(pks)).values(*_COUNT_FIELDS)
    }


def petition_count(pk) -> dict | None:
    """The public count of a listed petition (None: no such listed petition)."""
    key = COUNT_CACHE_KEY.format(pk)
    payload = cache.get(key)
    if payload is not None:
        return payload
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:  # no such row, and beyond what a database integer holds
        return None
    payload = _count_payloads([pk]).get(pk)
    if payload is None:
        return None
    # add, not set: a tally that committed since this read has written a newer count.
    cache.add(key, payload, COUNT_CACHE_SECONDS)
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
    """The page every anonymous visitor shares, or None when this reader is to render it: none is
    cached, or the cached one shows an older tally than the count and no other reader is already
    rendering it (the others are served the cached page meanwhile: stale while revalidating)."""
    page_key = PAGE_CACHE_KEY.format(pk, language)
    found = cache.get_many([page_key, COUNT_CACHE_KEY.format(pk)])
    page = found.get(page_key)
    if not isinstance(page, tuple):  # none, or one cached by a release that kept the bare bytes
        return None
    stamp, html = page
    count = found.get(COUNT_CACHE_KEY.format(pk)) or petition_count(pk)
    if count is None:  # no longer listed
        return None
    if count["last_tallied_at"] == stamp:
        return html
    if cache.add(PAGE_RENDER_KEY.format(pk, language), 1, PAGE_RENDER_SECONDS):
        return None
    return html


def shared_page_store(pk, language: str, content: bytes, last_tallied_at) -> None:
    """Store the page rendered for everyone, with the tally it shows."""
    cache.set(PAGE_CACHE_KEY.format(pk, language), (_stamp(last_tallied_at), content), SHARED_PAGE_SECONDS)
    cache.delete(PAGE_RENDER_KEY.format(pk, language))


# ------------------------------------------------------------------------------
# Invalidation
# ------------------------------------------------------------------------------
def refresh_watched(pks) -> None:
    """Write the new counts of these petitions into the cache (the tally moved them and has
    committed). The shared pages see the new tally stamp and are re-rendered by one reader each."""
    payloads = _count_payloads(pks)
    if payloads:
        cache.set_many({COUNT_CACHE_KEY.format(pk): payload for pk, payload in payloads.items()}, COUNT_CACHE_SECONDS)


def drop_watched(pks) -> None:
    """Drop the cached counts and pages of these petitions (they changed beyond their counts)."""
    pks = list(pks)
    cache.delete_many(
        [COUNT_CACHE_KEY.format(pk) for pk in pks]
        + [PAGE_CACHE_KEY.format(pk, code) for pk in pks for code, _name in settings.LANGUAGES]
    )


def drop_petition(pk) -> None:
    """Drop everything cached of one petition (it changed state): its signing copy (and with its
    token every process's copy of it), public sheets, count and pages."""
    cache.delete_many(
        [SIGNING_CACHE_KEY.format(pk), SIGNING_TOKEN_KEY.format(pk)]
        + [SHEET_CACHE_KEY.format(pk, status) for status in Petition.SIGNABLE_STATUSES]
    )
    drop_watched([pk])
