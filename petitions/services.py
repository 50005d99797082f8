"""Write use cases of petitions. One transition service moves a petition between states: it
checks the actor against the allowed-transitions table, writes the history row and the audit entry,
and queues notifications for after the commit."""

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain

from allauth.account.models import EmailAddress
from django.core.cache import cache, caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.selectors import address_lookup
from notifications.follows import followers_of
from notifications.services import notify
from petitions import access
from petitions.common import email_domain, ip_prefix
from petitions.models import AnswerAttachment, Petition, PetitionEvent, Signature
from petitions.selectors import invalidation_candidates, rules_for_maslikhat
from petitions.text import render_markdown
from portal import uploads
from portal.audit import audit_record
from portal.cache import OUTAGE as REDIS_OUTAGE
from portal.cache import ResilientRedisCache
from portal.models import Role, RoleGrant
from portal.uploads import CheckedUpload, check_upload
from portal.workdays import add_months, add_working_days

S = Petition.Status
AUTHOR, MODERATOR, ANSWERER, SYSTEM = "author", "moderator", "answerer", "system"

# (from, to) -> who may make the move. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({AUTHOR}),
    (S.DRAFT, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.SUBMITTED, S.IN_MODERATION): frozenset({MODERATOR}),
    (S.SUBMITTED, S.REJECTED): frozenset({MODERATOR}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.IN_MODERATION, S.GATHERING_SUPPORT): frozenset({MODERATOR}),
    (S.IN_MODERATION, S.REJECTED): frozenset({MODERATOR}),
    (S.IN_MODERATION, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.GATHERING_SUPPORT, S.OPEN): frozenset({SYSTEM}),
    (S.GATHERING_SUPPORT, S.LAPSED): frozenset({SYSTEM}),
    (S.GATHERING_SUPPORT, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.OPEN, S.THRESHOLD_REACHED): frozenset({SYSTEM}),
    (S.OPEN, S.CLOSED): frozenset({SYSTEM}),
    (S.OPEN, S.WITHDRAWN): frozenset({AUTHOR}),
    (S.THRESHOLD_REACHED, S.AWAITING_ANSWER): frozenset({SYSTEM, AUTHOR}),
    (S.AWAITING_ANSWER, S.ANSWERED): frozenset({ANSWERER}),
}

# The notification sent when a petition enters a state, and who receives it.
EVENTS = {
    S.SUBMITTED: ("petition.submitted", ("author", "moderators")),
    S.GATHERING_SUPPORT: ("petition.moderated", ("author",)),
    S.REJECTED: ("petition.rejected", ("author",)),
    S.OPEN: ("petition.published", ("author",)),
    S.THRESHOLD_REACHED: ("petition.threshold_reached", ("author", "answerers")),
    S.ANSWERED: ("petition.answered", ("author", "signers")),
    S.LAPSED: ("petition.lapsed", ("author",)),
    S.CLOSED: ("petition.closed", ("author",)),
}

ATTACHMENT_KINDS = (uploads.PDF, uploads.DOCX, uploads.PNG, uploads.JPEG)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 5
TALLY_NUDGE_KEY = "petitions:tally-nudge"
TALLY_NUDGE_SECONDS = 2
PLACEMENT_CACHE_SECONDS = 300


class SigningRateLimited(Exception):
    """Too many signatures from one account or network; answered 429."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ------------------------------------------------------------------------------
# The transition service
# ------------------------------------------------------------------------------
def _roles_of(actor, petition: Petition) -> set[str]:
    if actor is None:
        return {SYSTEM}
    roles = set()
    if petition.author_id == actor.pk:
        roles.add(AUTHOR)
    if access.may_moderate(actor, petition):
        roles.add(MODERATOR)
    if access.may_answer(actor, petition):
        roles.add(ANSWERER)
    return roles


def allowed_transitions(petition: Petition, actor) -> list[str]:
    roles = _roles_of(actor, petition)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == petition.status and roles & who]


def _enter(petition: Petition, to: str, actor, data: dict) -> None:
    """What entering a state sets on the petition; raises ValidationError for missing input."""
    now = timezone.now()
    today = timezone.localdate()
    if to == S.SUBMITTED:
        rules = rules_for_maslikhat(petition.maslikhat)
        petition.rules = rules
        petition.submitted_at = now
        petition.moderation_due = add_working_days(today, rules.moderation_working_days)
    elif to == S.GATHERING_SUPPORT:
        rules = rules_for_maslikhat(petition.maslikhat)
        threshold = rules.threshold_for(petition.maslikhat.unit.population)
        if threshold is None:
            raise ValidationError(
                _(
                    "The population of this maslikhat's territory is unknown, so its threshold cannot be set. Enter it in the administration first."  # noqa: E501
                )
            )
        petition.rules, petition.threshold, petition.support_gate = rules, threshold, rules.support_gate_signatures
        petition.published_at = now
        petition.support_due = add_working_days(today, rules.support_gate_working_days)
        petition.moderation_note = data.get("note", "")
    elif to == S.REJECTED:
        rules = petition.rules or rules_for_maslikhat(petition.maslikhat)
        category, reason = data.get("category", ""), (data.get("reason") or "").strip()
        errors = {}
        if category not in {code for code, _label in rules.category_choices()}:
            errors["category"] = _("Choose the excluded category that applies.")
        if not reason:
            errors["reason"] = _("Write the reason that will be published.")
        if errors:
            raise ValidationError(errors)
        petition.rules, petition.rejection_category, petition.rejection_reason = rules, category, reason
        petition.moderation_note = data.get("note", "")
        petition.ended_at = now
    elif to == S.OPEN:
        petition.opened_at = now
        petition.collection_ends = add_months(today, petition.rules.collection_months)
    elif to == S.THRESHOLD_REACHED:
        petition.threshold_reached_at = petition.threshold_reached_at or now
    elif to == S.AWAITING_ANSWER:
        rules = petition.rules
        petition.sent_at = now
        petition.answer_due = (
            add_working_days(today, rules.answer_days)
            if rules.answer_days_working
            else today + timedelta(days=rules.answer_days)
        )
    elif to == S.ANSWERED:
        text = (data.get("text") or "").strip()
        if not text:
            raise ValidationError({"text": _("Write the answer.")})
        petition.answer_text, petition.answer_html = text, render_markdown(text)
        petition.answered_by, petition.answered_at, petition.ended_at = actor, now, now
        deputy = access.sitting_deputy(actor)
        petition.answer_deputy = deputy if deputy and deputy.maslikhat_id == petition.maslikhat_id else None
    elif to in (S.LAPSED, S.CLOSED, S.WITHDRAWN):
        petition.ended_at = now


def _recipients(kind: str, petition: Petition):
    if kind == "author":
        return [petition.author_id]
    code = petition.maslikhat.code
    if kind == "moderators":
        roles = [Role.STAFF, Role.MODERATOR]
    elif kind == "answerers":
        roles = [Role.STAFF, Role.DEPUTY]
        deputies = list(
            petition.maslikhat.deputies.filter(status="active", user__isnull=False).values_list("user_id", flat=True)
        )
        granted = RoleGrant.objects.active().filter(scope_code=code, role__in=roles).values_list("user_id", flat=True)
        return sorted(set(granted) | set(deputies))
    elif kind == "signers":
        # Signers follow the petition once their signature is tallied (petitions.tally), and may
        # unfollow; other followers of the petition hear the news too.
        return followers_of(petition).iterator(chunk_size=2000)
    else:
        raise LookupError(kind)
    return sorted(
        set(RoleGrant.objects.active().filter(scope_code=code, role__in=roles).values_list("user_id", flat=True))
    )


def _progress_percents(rules) -> list[int]:
    values = []
    for part in (rules.progress_notice_percents or "").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) < 100:
            values.append(int(part))
    return sorted(set(values))


def petition_progress_notices() -> int:
    """Tell the author and the followers when residents' signatures reach a share of the threshold
    named by the rules (33% and 66% by default), once per share: the conditional UPDATE decides who
    notifies, so a second tally never repeats a notice."""
    sent = 0
    candidates = (
        Petition.objects.filter(status=S.OPEN, threshold__gt=0, resident_signature_count__gt=0)
        .select_related("rules")
        .only("pk", "threshold", "resident_signature_count", "progress_noticed_percent", "author_id", "rules")
    )
    for petition in candidates:
        reached = petition.resident_signature_count * 100 // petition.threshold
        due = [p for p in _progress_percents(petition.rules) if petition.progress_noticed_percent < p <= reached]
        if not due:
            continue
        percent = due[-1]
        with transaction.atomic():
            updated = Petition.objects.filter(pk=petition.pk, progress_noticed_percent__lt=percent).update(
                progress_noticed_percent=percent
            )
            if updated:
                recipients = chain([petition.author_id], followers_of(petition).iterator(chunk_size=2000))
                notify(
                    event="petition.progress",
                    obj=petition,
                    recipients=recipients,
                    key=f"petition:{petition.pk}:progress:{percent}",
                )
                sent += 1
    return sent


def petition_transition(*, petition: Petition, to: str, actor=None, **data) -> Petition:
    """Move a petition to `to` if the table allows it from its current state and the actor holds
    a role that may; everything else is refused and changes nothing."""
    with transaction.atomic():
        locked = (
            Petition.objects.select_for_update(of=("self",))
            .select_related("maslikhat__unit", "rules", "author")
            .get(pk=petition.pk)
        )
        from_status = locked.status
        who = TRANSITIONS.get((from_status, to))
        if who is None:
            raise ValidationError(
                _("A petition that is “%(current)s” cannot become “%(target)s”.")
                % {"current": S(from_status).label, "target": S(to).label}
            )
        if not _roles_of(actor, locked) & who:
            raise PermissionDenied(_("You may not do this with this petition."))
        _enter(locked, to, actor, data)
        locked.status = to
        locked.save()
        public_note = {S.REJECTED: locked.rejection_reason}.get(to, "")
        PetitionEvent.objects.create(
            petition=locked,
            actor=actor,
            from_status=from_status,
            to_status=to,
            public_note=public_note,
            private_note=data.get("note", ""),
            is_public=locked.published_at is not None or to == S.REJECTED,
        )
        audit_record(
            actor=actor,
            action=f"petition.{to}",
            obj=locked,
            before={"status": from_status},
            after={"status": to, **({"category": locked.rejection_category} if to == S.REJECTED else {})},
            scope_code=locked.maslikhat.code,
        )
        if to in EVENTS:
            event, kinds = EVENTS[to]
            for kind in kinds:
                notify(event=event, obj=locked, recipients=_recipients(kind, locked), key=f"petition:{locked.pk}:{to}")
        # Signing reads the petition from the cache (access.access_petition_for_signing), watchers
        # its page and count: drop them now and again after the commit, so no request re-caches the
        # state this move replaces.
        from petitions.tally import drop_watched

        def drop(pk=locked.pk):
            cache.delete(access.SIGNING_CACHE_KEY.format(pk))
            drop_watched([pk])

        drop()
        transaction.on_commit(drop)
    return locked


# ------------------------------------------------------------------------------
# Use cases around the transitions
# ------------------------------------------------------------------------------
def _require_verified(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    # One indexed query, no cache: in a surge nearly every signer is new, so a cache in front
    # would miss and cost two round trips more (measured with bench/bench_surge.py).
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise PermissionDenied(_("Confirm your email address first: we sent you a link when you signed up."))


def _clean_fields(*, title: str, text: str, maslikhat, topic: str) -> dict:
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if len(title) < 10:
        errors["title"] = _("Write a title of at least 10 characters.")
    if len(text) < 50:
        errors["text"] = _("Describe the request in at least 50 characters.")
    if maslikhat is None:
        errors["maslikhat"] = _("Choose the maslikhat the petition is addressed to.")
    if topic not in Petition.Topic.values:
        errors["topic"] = _("Choose a topic.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "text": text, "text_html": render_markdown(text), "maslikhat": maslikhat, "topic": topic}


def petition_create(*, author, title: str, text: str, maslikhat, topic: str = Petition.Topic.OTHER) -> Petition:
    _require_verified(author)
    fields = _clean_fields(title=title, text=text, maslikhat=maslikhat, topic=topic)
    with transaction.atomic():
        petition = Petition.objects.create(author=author, **fields)
        PetitionEvent.objects.create(petition=petition, actor=author, to_status=S.DRAFT, is_public=False)
    return petition


def petition_update_draft(*, petition: Petition, actor, title: str, text: str, maslikhat, topic: str) -> Petition:
    if petition.author_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You may not do this with this petition."))
    fields = _clean_fields(title=title, text=text, maslikhat=maslikhat, topic=topic)
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        if locked.status != S.DRAFT:
            raise ValidationError(_("Only a draft can be edited."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
    return locked


def petition_submit(*, petition: Petition, actor) -> Petition:
    _require_verified(actor)
    return petition_transition(petition=petition, to=S.SUBMITTED, actor=actor)


def petition_take_for_moderation(*, petition: Petition, actor) -> Petition:
    return petition_transition(petition=petition, to=S.IN_MODERATION, actor=actor)


def petition_approve(*, petition: Petition, actor, note: str = "") -> Petition:
    """Publish by link: the petition starts gathering its first supporters."""
    with transaction.atomic():
        if Petition.objects.filter(pk=petition.pk, status=S.SUBMITTED).exists():
            petition = petition_transition(petition=petition, to=S.IN_MODERATION, actor=actor)
        return petition_transition(petition=petition, to=S.GATHERING_SUPPORT, actor=actor, note=note)


def petition_reject(*, petition: Petition, actor, category: str, reason: str, note: str = "") -> Petition:
    return petition_transition(
        petition=petition, to=S.REJECTED, actor=actor, category=category, reason=reason, note=note
    )


def petition_withdraw(*, petition: Petition, actor) -> Petition:
    return petition_transition(petition=petition, to=S.WITHDRAWN, actor=actor)


def petition_send_for_answer(*, petition: Petition, actor=None) -> Petition:
    return petition_transition(petition=petition, to=S.AWAITING_ANSWER, actor=actor)


def _check_attachment(upload) -> CheckedUpload:
    try:
        return check_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"attachments": error.messages}) from None


def petition_answer(*, petition: Petition, actor, text: str, attachments=()) -> Petition:
    attachments = list(attachments)
    if len(attachments) > ATTACHMENT_MAX_COUNT:
        raise ValidationError({"attachments": _("Attach at most 5 files.")})
    checked = [_check_attachment(upload) for upload in attachments]
    with transaction.atomic():
        petition = petition_transition(petition=petition, to=S.ANSWERED, actor=actor, text=text)
        for upload in checked:
            attachment = AnswerAttachment(
                petition=petition, original_name=upload.name, content_type=upload.content_type, size=upload.size
            )
            attachment.file.save(upload.name, upload.file, save=False)
            attachment.save()
    return petition


# ------------------------------------------------------------------------------
# Signing: one INSERT, nothing else on the petition row
# ------------------------------------------------------------------------------
@dataclass
class SignResult:
    signature: Signature
    created: bool
    district_number: int | None = None


# Both signing limits in one Redis round trip. The network's counter moves only when the account's
# limit lets the signature through, as when the two are counted one after the other. The same round
# trip reads the cached placement of the signer's address (KEYS[2]), needed next when both pass.
_LIMITS_LUA = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return {1, false} end
if #KEYS > 2 then
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
    account: tuple[str, int, int], network: tuple[str, int, int] | None, placement_key: str
) -> tuple[str | None, object]:
    """Count a signature against (key, limit, window) of the account and of the network: the one
    refusing it ("account" or "network") or None, and, when none refuses and the cache is Redis,
    the cached placement under `placement_key` (None: not cached; _MISSING: not read)."""
    global _limits_script
    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        if not _rate_hit(*account):
            return "account", _MISSING
        return ("network" if network and not _rate_hit(*network) else None), _MISSING
    keys = [backend.make_and_validate_key(account[0]), backend.make_and_validate_key(placement_key)]
    args = [account[1], account[2]]
    if network:
        keys.append(backend.make_and_validate_key(network[0]))
        args += [network[1], network[2]]
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
        return {1: "account", 2: "network"}[code], _MISSING
    return None, (None if placement is None else backend.decode(placement))


def _placement_key(petition: Petition, text: str) -> str:
    digest = hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]
    return f"petitions:place:{petition.maslikhat_id}:{digest}"


def _place_signer(petition: Petition, text: str, cached=_MISSING) -> tuple[int | None, int | None, bool]:
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


def _signature_insert(values: dict) -> int | None:
    """INSERT ... SELECT ... WHERE the signer has a verified email ON CONFLICT DO NOTHING RETURNING
    id: one statement, no savepoint; a repeat is answered by the unique constraint and an unverified
    signer by the condition, rather than by reads before the write. None: nothing was written."""
    table = Signature._meta.db_table
    emails = EmailAddress._meta.db_table
    columns = list(values)
    # Table and column names are our models' own, never input.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(['%s'] * len(columns))} "  # noqa: S608
        f"WHERE EXISTS (SELECT 1 FROM {emails} WHERE user_id = %s AND verified) "
        "ON CONFLICT (petition_id, signer_id) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values.values(), values["signer_id"]])
        row = cursor.fetchone()
    return row[0] if row else None


_nudged_at = float("-inf")


def _nudge_tally() -> None:
    from django.conf import settings

    if not getattr(settings, "PETITIONS_TALLY_NUDGE", True):
        return
    # One tally per couple of seconds however many people sign: the first signer queues it. Each
    # process also remembers its own last nudge, so most signatures skip even the cache round trip.
    global _nudged_at
    now = time.monotonic()
    if now - _nudged_at < TALLY_NUDGE_SECONDS:
        return
    _nudged_at = now
    if cache.add(TALLY_NUDGE_KEY, 1, timeout=TALLY_NUDGE_SECONDS):
        from petitions.tasks import petition_tally_task

        petition_tally_task.apply_async(countdown=1, retry=False)  # best effort: beat tallies every 10 s


def petition_sign(
    *,
    petition: Petition,
    user,
    address: str | None = None,
    is_citizen: bool | None = None,
    ip: str | None = None,
    honeypot: str = "",
) -> SignResult:
    """Sign once. A repeat answers "already signed" and changes nothing; a signature withdrawn
    earlier is restored. The counts follow at the next tally."""
    if honeypot:
        raise ValidationError(_("Your signature could not be accepted. Please try again."))
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    # The verified email is checked by the INSERT itself (one round trip less for every signer);
    # when nothing was written, _require_verified below says why.
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
    refused, placement = _signing_limits(
        (f"petitions:rl:user:{user.pk}:{hour}", rules.account_signatures_per_hour, 3600),
        (f"petitions:rl:net:{network}:{minute}", rules.ip_signatures_per_minute, 60) if network else None,
        _placement_key(petition, address),
    )
    if refused == "account":
        raise SigningRateLimited(_("You have signed many petitions in the last hour. Please try again later."))
    if refused == "network":
        raise SigningRateLimited(
            _("Too many signatures are arriving from your network right now. Please try again in a minute.")
        )
    district_id, district_number, resident = _place_signer(petition, address, placement)
    now = timezone.now()
    values = {
        "petition_id": petition.pk,
        "signer_id": user.pk,
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
    }
    new_id = _signature_insert(values)
    if new_id is None:
        _require_verified(user)
        existing = Signature.objects.select_related("district").get(petition=petition, signer=user)
        if existing.status == Signature.Status.INVALIDATED:
            raise PermissionDenied(_("Your signature on this petition was invalidated by the moderators."))
        if existing.status == Signature.Status.VALID:
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
            signer=user,
            created_at=now,
            district_id=district_id,
            is_resident=resident,
            address=address[:200],
        )
    transaction.on_commit(_nudge_tally, robust=True)
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
        transaction.on_commit(_nudge_tally, robust=True)
    return bool(changed)


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
        count = Signature.objects.filter(pk__in=rows.values("pk")).update(
            status=Signature.Status.INVALIDATED,
            status_changed_at=timezone.now(),
            pending=True,
            invalidation_reason=reason[:300],
        )
        if count:
            PetitionEvent.objects.create(
                petition=petition,
                actor=actor,
                kind=PetitionEvent.Kind.INVALIDATION,
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


# ------------------------------------------------------------------------------
# Deadlines (the beat task calls this; running it twice changes nothing the second time)
# ------------------------------------------------------------------------------
def petition_deadlines(*, today=None) -> dict[str, int]:
    from petitions.tally import petitions_tally

    petitions_tally()  # decide on fresh counts
    today = today or timezone.localdate()
    done = {"lapsed": 0, "closed": 0, "sent": 0, "overdue": 0}
    moves = (
        ("lapsed", S.GATHERING_SUPPORT, S.LAPSED, "support_due__lt"),
        ("closed", S.OPEN, S.CLOSED, "collection_ends__lt"),
        ("sent", S.THRESHOLD_REACHED, S.AWAITING_ANSWER, "collection_ends__lt"),
    )
    for name, current, target, field in moves:
        for pk in Petition.objects.filter(status=current, **{field: today}).values_list("pk", flat=True):
            try:
                petition_transition(petition=Petition(pk=pk), to=target, actor=None)
            except ValidationError:
                continue  # moved meanwhile (signed past the gate, withdrawn...): nothing to do
            done[name] += 1
    # The extended term when the maslikhat extended it (petitions.appeal_record).
    overdue = Petition.objects.filter(
        Q(answer_extended_to__lt=today) | Q(answer_extended_to__isnull=True, answer_due__lt=today),
        status=S.AWAITING_ANSWER,
        answer_overdue_at__isnull=True,
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            petition = Petition.objects.select_for_update(of=("self",)).select_related("maslikhat").get(pk=pk)
            if petition.status != S.AWAITING_ANSWER or petition.answer_overdue_at is not None:
                continue
            petition.answer_overdue_at = timezone.now()
            petition.save(update_fields=["answer_overdue_at"])
            PetitionEvent.objects.create(
                petition=petition,
                kind=PetitionEvent.Kind.ANSWER_OVERDUE,
                from_status=petition.status,
                to_status=petition.status,
            )
            audit_record(
                actor=None,
                action="petition.answer_overdue",
                obj=petition,
                after={"answer_due": str(petition.answer_due)},
                scope_code=petition.maslikhat.code,
            )
        done["overdue"] += 1
    return done
