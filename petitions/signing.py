"""Signing: one INSERT, nothing else on the petition row. The signing request checks the petition and
the signer, counts the signature against the account's and the network's limits and reads the cached
placement of the address in one Redis round trip, places the address in a district, and inserts the
row; the tally (petitions.tally) moves it into the counts. Also: withdrawing one's signature, and the
moderators' invalidation of a source's signatures."""

import hashlib
import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.selectors import address_lookup
from petitions import access
from petitions.common import email_domain, ip_prefix
from petitions.models import Petition, PetitionHistory, Signature
from petitions.selectors import consent_refused_message, invalidation_candidates
from petitions.tasks import petition_tally_task
from petitions.watch import (
    ACCOUNT_RATE_KEY,
    NETWORK_RATE_KEY,
    PLACEMENT_CACHE_KEY,
    SIGNING_TOKEN_KEY,
    TALLY_NUDGE_KEY,
)
from portal.access import require_verified_email
from portal.audit import audit_record
from portal.cache import OUTAGE as REDIS_OUTAGE
from portal.cache import ResilientRedisCache
from portal.signer_card import CardSigner

TALLY_NUDGE_SECONDS = 2
PLACEMENT_CACHE_SECONDS = 300


class SigningRateLimited(Exception):
    """Too many signatures from one account or network; answered 429."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SignResult:
    signature: Signature
    created: bool
    district_number: int | None = None
    # The method of the row an EDS signature upgraded ("paper", "email"), else "".
    previous_method: str = ""


class StaleSigningCopy(Exception):
    """The process's copy of the petition is no longer the cached one (petitions.watch.signing_copy):
    nothing was counted; sign again on the petition read afresh."""


class SignerCardRefused(Exception):
    """Nothing was written for a signer known by their session's card (portal.signer_card): the card
    no longer matches the account, or the signature needs the ordinary path's answer (already
    signed, email not verified). The limits were counted: sign again with the user and
    limits_counted=True."""


# Both signing limits in one Redis round trip. The network's counter moves only when the account's
# limit lets the signature through, as when the two are counted one after the other. The same round
# trip reads the cached placement of the signer's address (KEYS[2]), needed next when both pass, and,
# for a process's own copy of the petition, first checks that the copy is still the cached one
# (KEYS[4] holds its token, ARGV[5]); a stale copy counts nothing.
_LIMITS_LUA = """
if ARGV[5] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[5] then return {3, false} end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return {1, false} end
if ARGV[3] ~= '' then
  n = redis.call('INCR', KEYS[3])
  if n == 1 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
  if n > tonumber(ARGV[3]) then return {2, false} end
end
return {0, redis.call('GET', KEYS[2])}
"""
_limits_script = None
_MISSING = object()


def _rate_hit(key: str, limit: int, window: int) -> bool:
    """Count one hit in a fixed window; False when over the limit (caches other than Redis)."""
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window's first hit
        if cache.add(key, 1, timeout=window):
            return limit >= 1
        return cache.incr(key) <= limit


def _signing_limits(
    account: tuple[str, int, int],
    network: tuple[str, int, int] | None,
    placement_key: str,
    copy_token: tuple[str, int] | None = None,
) -> tuple[str | None, object]:
    """Count a signature against (key, limit, window) of the account and of the network: the one
    refusing it ("account" or "network") or None, and, when none refuses and the cache is Redis,
    the cached placement under `placement_key` (None: not cached; _MISSING: not read). With
    `copy_token` (key, token), "stale" and nothing counted when the cache holds another token."""
    global _limits_script
    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        if copy_token and backend.get(copy_token[0]) != copy_token[1]:
            return "stale", _MISSING
        if not _rate_hit(*account):
            return "account", _MISSING
        return ("network" if network and not _rate_hit(*network) else None), _MISSING
    placement = backend.make_and_validate_key(placement_key)
    keys = [
        backend.make_and_validate_key(account[0]),
        placement,
        backend.make_and_validate_key(network[0]) if network else placement,
        backend.make_and_validate_key(copy_token[0]) if copy_token else placement,
    ]
    args = [account[1], account[2], *(network[1:] if network else ("", "")), copy_token[1] if copy_token else ""]
    try:
        client = backend.redis_client(keys[0], write=True)
        if _limits_script is None:
            _limits_script = client.register_script(_LIMITS_LUA)
        code, placement = _limits_script(keys=keys, args=args, client=client)
    except REDIS_OUTAGE:
        # Redis unreachable: fail open rather than refuse everyone; one signature per person
        # still holds in PostgreSQL (tests/faults/test_redis_outage.py).
        return None, _MISSING
    if code:
        return {1: "account", 2: "network", 3: "stale"}[code], _MISSING
    return None, (None if placement is None else backend.decode(placement))


def _placement_key(petition: Petition, text: str) -> str:
    digest = hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]
    return PLACEMENT_CACHE_KEY.format(petition.maslikhat_id, digest)


def place_signer(petition: Petition, text: str, cached=_MISSING) -> tuple[int | None, int | None, bool]:
    """(district id, district number, resident?) of a declared address for the petition's
    addressee. Placements are cached for a few minutes: in a surge, neighbours type the same
    streets, and coverage changes rarely. `cached`: the cache's answer when already read."""
    key = _placement_key(petition, text)
    if cached is _MISSING:
        cached = cache.get(key)
    if cached is not None:
        return tuple(cached)
    lookup = address_lookup(text)  # raises AddressInputError (a ValidationError) on malformed input
    if not lookup.matches:
        raise ValidationError({"address": lookup.hint or _("We could not find this address.")})
    districts = {d.pk: d for match in lookup.matches for d in match.districts}
    own = {pk: d for pk, d in districts.items() if d.maslikhat_id == petition.maslikhat_id}
    if len(own) > 1:
        raise ValidationError(
            {
                "address": _(
                    "This address lies in several districts; add the house number or choose a more precise address."
                )
            }
        )
    if own:
        district = next(iter(own.values()))
        placement = (district.pk, district.number, True)
    else:
        addressee_unit = petition.maslikhat.unit_id
        inside = any(
            d.maslikhat.unit_id == addressee_unit or d.maslikhat.unit.parent_id == addressee_unit
            for d in districts.values()
        )
        placement = (None, None, inside)
    cache.set(key, list(placement), timeout=PLACEMENT_CACHE_SECONDS)
    return placement


def _signature_insert(values: dict, signer_check: tuple[str, list] | None = None) -> int | None:
    """INSERT ... SELECT ... WHERE the signer has a verified email ON CONFLICT DO NOTHING RETURNING
    id: one statement, no savepoint; a repeat is answered by the unique constraint and an unverified
    signer by the condition, rather than by reads before the write. `signer_check`: a further
    condition (SQL, params), the signer card's (portal.signer_card). None: nothing was written."""
    table = Signature._meta.db_table
    emails = EmailAddress._meta.db_table
    columns = list(values)
    extra_sql, extra_params = signer_check or ("TRUE", [])
    # Table and column names are our models' own, never input.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(['%s'] * len(columns))} "  # noqa: S608
        f"WHERE EXISTS (SELECT 1 FROM {emails} WHERE user_id = %s AND verified) AND {extra_sql} "
        "ON CONFLICT (petition_id, signer_id) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values.values(), values["signer_id"], *extra_params])
        row = cursor.fetchone()
    return row[0] if row else None


_covered_until = float("-inf")


def nudge_tally() -> None:
    """Queue a tally for a signature that has committed. One tally per couple of seconds however
    many people sign, and none left out at the end of a burst: the first signer of a window queues
    the tally to start when the window ends, and the key saying so expires just before that start, so
    a signer who finds the key knows a tally still to come will count them. Each process remembers
    that start and skips even the cache round trip until then."""
    if not getattr(settings, "PETITIONS_TALLY_NUDGE", True):
        return
    global _covered_until
    now = time.time()
    if now < _covered_until:
        return
    starts = now + TALLY_NUDGE_SECONDS + 0.05  # the key (whole seconds) is gone before the tally starts
    for _attempt in range(2):  # a second time when the key expired between add and get
        if cache.add(TALLY_NUDGE_KEY, starts, timeout=TALLY_NUDGE_SECONDS):
            # best effort: beat tallies every 10 s whatever happens to this message
            petition_tally_task.apply_async(countdown=starts - time.time(), retry=False)
            _covered_until = starts
            return
        queued = cache.get(TALLY_NUDGE_KEY)
        if isinstance(queued, float) and queued > now:
            _covered_until = queued
            return


def petition_sign(
    *,
    petition: Petition,
    user,
    address: str | None = None,
    is_citizen: bool | None = None,
    ip: str | None = None,
    honeypot: str = "",
    consent: bool | None = None,
    copy_token: int | None = None,
    limits_counted: bool = False,
) -> SignResult:
    """Sign once. A repeat answers "already signed" and changes nothing (but records a consent
    given now); a signature withdrawn earlier is restored. The counts follow at the next tally.

    `consent`: the signer agreed that their full name and district go to the maslikhat with the
    appeal (selectors.delivery_notice says it). False is refused under `consent`; None (a v1 API
    client that does not know the field) signs without a recorded consent, and the appeal then
    carries the signature without the name (docs/api.md).

    `user` may be a CardSigner (the sign endpoint's fast path, petitions.api); `copy_token`: the
    petition is a process's copy with this token (watch.signing_copy); `limits_counted`: a retry
    whose signature was counted already."""
    if honeypot:
        raise ValidationError(_("Your signature could not be accepted. Please try again."))
    if consent is False:
        raise ValidationError({"consent": consent_refused_message(petition)})
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    # The verified email is checked by the INSERT itself (one round trip less for every signer);
    # when nothing was written, require_verified_email below says why.
    if not petition.is_signable or (petition.collection_ends and timezone.localdate() > petition.collection_ends):
        raise ValidationError(_("This petition is not collecting signatures."))
    address = (address if address is not None else user.address or "").strip()
    citizen = is_citizen if is_citizen is not None else user.is_citizen
    if not address:
        raise ValidationError(
            {"address": _("Enter your home address: it decides whether your signature counts towards the threshold.")}
        )
    if citizen is not True:
        raise ValidationError(
            {"is_citizen": _("Only citizens of Kazakhstan may sign petitions. Confirm that you are one.")}
        )
    rules = petition.rules
    hour, minute = int(time.time() // 3600), int(time.time() // 60)
    network = ip_prefix(ip)
    refused, placement = (
        (None, _MISSING)
        if limits_counted
        else _signing_limits(
            (ACCOUNT_RATE_KEY.format(user.pk, hour), rules.account_signatures_per_hour, 3600),
            (NETWORK_RATE_KEY.format(network, minute), rules.ip_signatures_per_minute, 60) if network else None,
            _placement_key(petition, address),
            (SIGNING_TOKEN_KEY.format(petition.pk), copy_token) if copy_token else None,
        )
    )
    if refused == "stale":
        raise StaleSigningCopy
    if refused == "account":
        raise SigningRateLimited(_("You have signed many petitions in the last hour. Please try again later."))
    if refused == "network":
        raise SigningRateLimited(
            _("Too many signatures are arriving from your network right now. Please try again in a minute.")
        )
    district_id, district_number, resident = place_signer(petition, address, placement)
    now = timezone.now()
    consent_at = now if consent else None
    values = {
        "petition_id": petition.pk,
        "signer_id": user.pk,
        "method": Signature.Method.EMAIL,
        "created_at": connection.ops.adapt_datetimefield_value(now),
        "status": Signature.Status.VALID,
        "status_changed_at": None,
        "invalidation_reason": "",
        "pending": True,
        "counted": False,
        "district_id": district_id,
        "is_resident": resident,
        "address": address[:200],
        "is_citizen": True,
        "ip_prefix": network,
        "email_domain": email_domain(user.email),
        # The raw INSERT names every column: Django keeps no defaults in the database.
        "counted_method": "",
        "counted_district_id": None,
        "counted_resident": False,
        "iin": "",
        "iin_hash": None,
        "full_name": "",
        "signed_on": None,
        "delivery_consent_at": connection.ops.adapt_datetimefield_value(consent_at) if consent_at else None,
    }
    card = isinstance(user, CardSigner)
    new_id = _signature_insert(values, user.condition() if card else None)
    if new_id is None:
        if card:
            raise SignerCardRefused
        require_verified_email(user)
        existing = Signature.objects.select_related("district").get(petition=petition, signer=user)
        if existing.status == Signature.Status.INVALIDATED:
            raise PermissionDenied(_("Your signature on this petition was invalidated by the moderators."))
        if existing.status == Signature.Status.VALID:
            if consent_at and existing.delivery_consent_at is None:
                Signature.objects.filter(pk=existing.pk, delivery_consent_at__isnull=True).update(
                    delivery_consent_at=consent_at
                )
                existing.delivery_consent_at = consent_at
            return SignResult(
                existing, created=False, district_number=existing.district.number if existing.district else None
            )
        restored = Signature.objects.filter(pk=existing.pk, status=Signature.Status.WITHDRAWN).update(
            status=Signature.Status.VALID,
            status_changed_at=now,
            pending=True,
            district_id=district_id,
            is_resident=resident,
            address=address[:200],
            ip_prefix=network,
            created_at=now,
            delivery_consent_at=consent_at,
        )
        existing.refresh_from_db()
        if not restored:
            return SignResult(
                existing, created=False, district_number=existing.district.number if existing.district else None
            )
        signature = existing
    else:
        signature = Signature(
            pk=new_id,
            petition=petition,
            signer_id=user.pk,
            created_at=now,
            district_id=district_id,
            is_resident=resident,
            address=address[:200],
            delivery_consent_at=consent_at,
        )
    transaction.on_commit(nudge_tally, robust=True)
    return SignResult(signature, created=True, district_number=district_number)


def petition_unsign(*, petition: Petition, user) -> bool:
    """Withdraw one's own signature while the petition collects; the count drops at the next tally."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    if not petition.is_signable:
        raise ValidationError(_("Signatures can be withdrawn only while the petition collects them."))
    changed = Signature.objects.filter(petition=petition, signer=user, status=Signature.Status.VALID).update(
        status=Signature.Status.WITHDRAWN, status_changed_at=timezone.now(), pending=True
    )
    if changed:
        transaction.on_commit(nudge_tally, robust=True)
    return bool(changed)


def invalidate_rows(rows, reason: str, **also) -> int:
    """Mark these signatures (ids, or a query of them) invalid for `reason`; the tally takes them
    out of the counts (`pending`). Returns how many rows changed."""
    return Signature.objects.filter(pk__in=rows).update(
        status=Signature.Status.INVALIDATED,
        status_changed_at=timezone.now(),
        pending=True,
        invalidation_reason=reason[:300],
        **also,
    )


def signatures_invalidate(
    *, petition: Petition, actor, ip_prefix: str = "", email_domain: str = "", since=None, until=None, reason: str = ""
) -> int:
    """Invalidate the valid signatures of one source on one petition (after a preview); they
    leave the counts at the next tally."""
    if not access.may_moderate(actor, petition):
        raise PermissionDenied(_("You may not do this with this petition."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why these signatures are invalid.")})
    if not ip_prefix and not email_domain:
        raise ValidationError(_("Choose a network or an email domain."))
    with transaction.atomic():
        rows = invalidation_candidates(
            petition=petition, ip_prefix=ip_prefix, email_domain=email_domain, since=since, until=until
        )
        count = invalidate_rows(rows.values("pk"), reason)
        if count:
            PetitionHistory.objects.create(
                petition=petition,
                actor=actor,
                kind=PetitionHistory.Kind.INVALIDATION,
                from_status=petition.status,
                to_status=petition.status,
                public_note=_("%(count)s signatures were invalidated by the moderators.") % {"count": count},
                private_note=f"{ip_prefix or email_domain}: {reason}",
            )
            audit_record(
                actor=actor,
                action="petition.signatures_invalidate",
                obj=petition,
                after={"count": count, "ip_prefix": ip_prefix, "email_domain": email_domain, "reason": reason},
                scope_code=petition.maslikhat.code,
            )
    return count
