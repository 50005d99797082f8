"""Counting signatures the way the UK petitions service learned to under a surge: signing only
inserts a row; this tally, under a lock, moves the rows changed since the last tally into the
stored counts per petition and per electoral district in set-based SQL, stamps threshold
crossings and moves the state machine. A nightly recount corrects any drift."""

import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.models import Follow
from petitions.common import tally_lock
from petitions.models import Petition, PetitionCountSample, PetitionDistrictCount, Signature

logger = logging.getLogger(__name__)
LOCK = "petitions.tally"
# A backlog is caught up oldest first in batches of at most BATCH rows, each its own transaction:
# watchers see the count move batch by batch, and no statement grows with the backlog.
BATCH = 10_000
# What watchers reload: the public count (petitions/api.py) and the page anonymous visitors share
# (petitions/views.py). Both are dropped whenever a tally moves the count or the petition changes
# state, so a watcher sees a new count within one tally, and neither costs a query when cached.
COUNT_CACHE_KEY = "petitions:count:{}"
PAGE_CACHE_KEY = "petitions:page:{}:{}"


def drop_watched(pks) -> None:
    from django.conf import settings

    pks = list(pks)
    cache.delete_many(
        [COUNT_CACHE_KEY.format(pk) for pk in pks]
        + [PAGE_CACHE_KEY.format(pk, code) for pk in pks for code, _name in settings.LANGUAGES]
    )


S = Petition.Status

_PG_TALLY = """
WITH picked AS (
    SELECT id, counted FROM petitions_signature WHERE pending ORDER BY id LIMIT %(batch)s FOR UPDATE
), flipped AS (
    UPDATE petitions_signature AS s SET pending = false, counted = (s.status = 'valid')
    FROM picked WHERE s.id = picked.id
    RETURNING s.petition_id, s.district_id, s.is_resident, s.signer_id,
        (CASE WHEN s.status = 'valid' THEN 1 ELSE 0 END) - (CASE WHEN picked.counted THEN 1 ELSE 0 END) AS delta
), per_petition AS (
    -- followers: who signed (delta > 0) and so follows the petition (petitions.tasks.petition_follows_task).
    SELECT petition_id, SUM(delta) AS total, SUM(CASE WHEN is_resident THEN delta ELSE 0 END) AS residents,
           COUNT(*) AS seen, ARRAY_AGG(signer_id) FILTER (WHERE delta > 0) AS followers
    FROM flipped GROUP BY petition_id
), per_district AS (
    SELECT petition_id, district_id, SUM(delta) AS delta FROM flipped WHERE district_id IS NOT NULL
    GROUP BY petition_id, district_id
), districts_updated AS (
    UPDATE petitions_petitiondistrictcount AS dc SET signatures = dc.signatures + g.delta
    FROM per_district AS g WHERE dc.petition_id = g.petition_id AND dc.district_id = g.district_id
    RETURNING 1
), districts_added AS (
    -- A district seen for the first time only gains: a row counted before has its count row.
    INSERT INTO petitions_petitiondistrictcount (petition_id, district_id, signatures)
    SELECT g.petition_id, g.district_id, g.delta FROM per_district AS g
    WHERE NOT EXISTS (SELECT 1 FROM petitions_petitiondistrictcount AS dc
                      WHERE dc.petition_id = g.petition_id AND dc.district_id = g.district_id)
    RETURNING 1
), petitions AS (
    UPDATE petitions_petition AS p
    SET signature_count = p.signature_count + d.total,
        resident_signature_count = p.resident_signature_count + d.residents,
        last_tallied_at = %(now)s
    FROM per_petition AS d WHERE p.id = d.petition_id
    RETURNING p.id, p.signature_count, p.resident_signature_count, d.seen, d.followers
)
SELECT id, signature_count, resident_signature_count, seen, COALESCE(followers, '{}') FROM petitions
"""


def _batch_postgresql(now) -> list[tuple]:
    """One batch: (petition id, total, residents, rows seen, signer ids that now follow)."""
    with connection.cursor() as cursor:
        cursor.execute(_PG_TALLY, {"batch": BATCH, "now": now})
        return cursor.fetchall()


def _batch_portable(now) -> list[tuple]:
    """The same arithmetic in several statements, for SQLite (which serialises writers)."""
    ids = list(Signature.objects.filter(pending=True).order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return []
    followers: dict[int, list[int]] = {}
    newly_valid = Signature.objects.filter(pk__in=ids, status=Signature.Status.VALID, counted=False)
    for signer, petition in newly_valid.values_list("signer_id", "petition_id"):
        followers.setdefault(petition, []).append(signer)
    valid = Sum(ExpressionWrapper(Q(status=Signature.Status.VALID), output_field=IntegerField()))
    counted = Sum(ExpressionWrapper(Q(counted=True), output_field=IntegerField()))
    groups = list(
        Signature.objects.filter(pk__in=ids)
        .values("petition_id", "district_id", "is_resident")
        .annotate(delta=valid - counted, seen=Count("pk"))
        .order_by()
    )
    Signature.objects.filter(pk__in=ids).update(
        pending=False, counted=ExpressionWrapper(Q(status=Signature.Status.VALID), output_field=BooleanField())
    )
    per_petition: dict[int, list[int]] = {}
    for group in groups:
        totals = per_petition.setdefault(group["petition_id"], [0, 0, 0])
        totals[0] += group["delta"]
        totals[1] += group["delta"] if group["is_resident"] else 0
        totals[2] += group["seen"]
        if group["district_id"] is not None:
            row, _created = PetitionDistrictCount.objects.get_or_create(
                petition_id=group["petition_id"], district_id=group["district_id"]
            )
            PetitionDistrictCount.objects.filter(pk=row.pk).update(signatures=F("signatures") + group["delta"])
    rows = []
    for petition_id, (total, residents, seen) in per_petition.items():
        Petition.objects.filter(pk=petition_id).update(
            signature_count=F("signature_count") + total,
            resident_signature_count=F("resident_signature_count") + residents,
            last_tallied_at=now,
        )
        counts = (
            Petition.objects.filter(pk=petition_id).values_list("signature_count", "resident_signature_count").first()
        )
        rows.append((petition_id, counts[0], counts[1], seen, followers.get(petition_id, [])))
    return rows


def petitions_follow(*, petition_id: int, signer_ids: list[int]) -> int:
    """Signing follows the petition (notifications.Follow, undone by unfollowing): in bulk, in a task of
    its own after the tally that counted the signatures, so signing stays one INSERT and a tally
    never waits for it."""
    now = timezone.now()
    created = Follow.objects.bulk_create(
        [
            Follow(user_id=signer, object_type="petitions.petition", object_id=str(petition_id), created_at=now)
            for signer in signer_ids
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(created)


def _sample(rows, now) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    PetitionCountSample.objects.bulk_create(
        [
            PetitionCountSample(petition_id=pk, hour=hour, signature_count=total, resident_signature_count=residents)
            for pk, total, residents, _seen, _followers in rows
        ],
        update_conflicts=True,
        unique_fields=["petition", "hour"],
        update_fields=["signature_count", "resident_signature_count"],
    )


def _crossings() -> int:
    """Move petitions whose stored counts crossed the support gate or the threshold."""
    from petitions.services import petition_transition

    moved = 0
    for current, target, condition in (
        (S.GATHERING_SUPPORT, S.OPEN, Q(signature_count__gte=F("support_gate"))),
        (S.OPEN, S.THRESHOLD_REACHED, Q(resident_signature_count__gte=F("threshold"))),
    ):
        for pk in Petition.objects.filter(condition, status=current).values_list("pk", flat=True):
            try:
                petition_transition(petition=Petition(pk=pk), to=target, actor=None)
            except ValidationError:
                continue
            moved += 1
    return moved


def _after_batch(rows) -> None:
    """Outside the tally's transaction: the new counts to watchers at once; the follows of the
    batch's signers, then the progress notices (which go to followers), as tasks of their own on
    the default queue, so the next batch and the next tally never wait for them."""
    from celery import chain

    from petitions.tasks import petition_follows_task, petition_progress_task

    drop_watched(row[0] for row in rows)
    follows = [petition_follows_task.si(petition_id=row[0], signer_ids=list(row[4])) for row in rows if row[4]]
    chain(*follows, petition_progress_task.si()).apply_async()


def petitions_tally(*, max_batches: int = 1000) -> dict | None:
    """Tally the pending signatures oldest first, BATCH rows per transaction, until none is left
    (or max_batches). None when another tally holds the lock (running twice at once is a no-op)."""
    petitions: set[int] = set()
    signatures = moved = batches = 0
    while batches < max_batches:
        with tally_lock(LOCK) as acquired:
            if not acquired:
                return None if batches == 0 else {"petitions": len(petitions), "signatures": signatures, "moved": moved}
            now = timezone.now()
            rows = _batch_postgresql(now) if connection.vendor == "postgresql" else _batch_portable(now)
            if rows:
                _sample(rows, now)
            moved += _crossings()
        batches += 1
        seen = sum(row[3] for row in rows)
        if rows:
            petitions.update(row[0] for row in rows)
            signatures += seen
            _after_batch(rows)
        if seen < BATCH:
            break
    return {"petitions": len(petitions), "signatures": signatures, "moved": moved}


def petitions_recount() -> dict | None:
    """Recount everything from the signature rows and correct the stored counts."""
    with tally_lock(LOCK) as acquired:
        if not acquired:
            return None
        now = timezone.now()
        is_valid = ExpressionWrapper(Q(status=Signature.Status.VALID), output_field=BooleanField())
        Signature.objects.filter(
            Q(pending=True)
            | Q(counted=True) & ~Q(status=Signature.Status.VALID)
            | Q(counted=False, status=Signature.Status.VALID)
        ).update(pending=False, counted=is_valid)
        valid = (
            Signature.objects.filter(petition=OuterRef("pk"), status=Signature.Status.VALID)
            .order_by()
            .values("petition")
        )
        truth = Petition.objects.annotate(
            true_total=Coalesce(Subquery(valid.annotate(n=Count("pk")).values("n")), Value(0)),
            true_residents=Coalesce(
                Subquery(valid.filter(is_resident=True).annotate(n=Count("pk")).values("n")), Value(0)
            ),
        )
        drifted = list(
            truth.exclude(signature_count=F("true_total"), resident_signature_count=F("true_residents")).values_list(
                "pk", "signature_count", "true_total", "true_residents"
            )
        )
        for pk, stored, total, residents in drifted:
            logger.warning("petition %s count drift: stored %s, true %s", pk, stored, total)
            Petition.objects.filter(pk=pk).update(
                signature_count=total, resident_signature_count=residents, last_tallied_at=now
            )
        true_districts = {
            (r["petition_id"], r["district_id"]): r["n"]
            for r in Signature.objects.filter(status=Signature.Status.VALID, district__isnull=False)
            .values("petition_id", "district_id")
            .annotate(n=Count("pk"))
            .order_by()
        }
        stored = {(r.petition_id, r.district_id): r for r in PetitionDistrictCount.objects.all()}
        fixed = 0
        for key, row in stored.items():
            if row.signatures != true_districts.get(key, 0):
                PetitionDistrictCount.objects.filter(pk=row.pk).update(signatures=true_districts.get(key, 0))
                fixed += 1
        missing = [
            PetitionDistrictCount(petition_id=p, district_id=d, signatures=n)
            for (p, d), n in true_districts.items()
            if (p, d) not in stored
        ]
        PetitionDistrictCount.objects.bulk_create(missing)
        moved = _crossings()
    return {"drifted": len(drifted), "districts_fixed": fixed + len(missing), "moved": moved}
