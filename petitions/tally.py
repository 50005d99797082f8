"""Counting signatures the way the UK petitions service learned to under a surge: signing only
inserts a row; this tally, under a lock, moves the rows changed since the last tally into the
stored counts per petition and per electoral district in set-based SQL, stamps threshold
crossings and moves the state machine. A nightly recount corrects any drift."""

import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.follows import followers_of
from notifications.models import Follow
from notifications.services import notify
from petitions.common import tally_lock
from petitions.models import Petition, PetitionCountSample, PetitionDistrictCount, Signature
from petitions.transitions import petition_transition
from petitions.watch import refresh_watched
from portal import transitions as engine

logger = logging.getLogger(__name__)
LOCK = "petitions.tally"
BATCH = 50_000
S = Petition.Status

# Each row is added to the counts as it is now (`valid`: its status, method, district, residence)
# and taken out as the tally last counted it (`was`: `counted` and the `counted_*` columns), so a
# row that changed status, method (a paper signature upgraded to EDS), district or residence since
# moves between the counts exactly; `counted_*` then remember what is counted now.
_PG_TALLY = """
WITH picked AS (
    SELECT id, counted, counted_method, counted_district_id, counted_resident
    FROM petitions_signature WHERE pending ORDER BY id LIMIT %(batch)s FOR UPDATE
), flipped AS (
    UPDATE petitions_signature AS s SET pending = false, counted = (s.status = 'valid'),
        counted_method = (CASE WHEN s.status = 'valid' THEN s.method ELSE '' END),
        counted_district_id = (CASE WHEN s.status = 'valid' THEN s.district_id END),
        counted_resident = (s.status = 'valid' AND s.is_resident)
    FROM picked WHERE s.id = picked.id
    RETURNING s.petition_id, s.district_id, s.is_resident, s.method, s.signer_id,
        picked.counted_district_id AS was_district_id, picked.counted_resident AS was_resident,
        picked.counted_method AS was_method,
        (CASE WHEN s.status = 'valid' THEN 1 ELSE 0 END) AS valid,
        (CASE WHEN picked.counted THEN 1 ELSE 0 END) AS was
), follows_added AS (
    -- Signing follows the petition (portal's Follow, undone by unfollowing); done here, in bulk,
    -- so the signing request stays one INSERT. A paper signature has no account to follow with.
    INSERT INTO portal_follow (user_id, object_type, object_id, created_at)
    SELECT DISTINCT signer_id, 'petitions.petition', petition_id::text, %(now)s FROM flipped
    WHERE valid > was AND signer_id IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING 1
), per_petition AS (
    SELECT petition_id, SUM(valid - was) AS total,
           SUM((CASE WHEN is_resident THEN valid ELSE 0 END) - (CASE WHEN was_resident THEN was ELSE 0 END))
               AS residents,
           SUM((CASE WHEN method = 'paper' THEN valid ELSE 0 END)
               - (CASE WHEN was_method = 'paper' THEN was ELSE 0 END)) AS paper,
           SUM((CASE WHEN method = 'eds' THEN valid ELSE 0 END)
               - (CASE WHEN was_method = 'eds' THEN was ELSE 0 END)) AS eds,
           COUNT(*) AS seen
    FROM flipped GROUP BY petition_id
), per_district AS (
    SELECT petition_id, district_id, SUM(delta) AS delta FROM (
        SELECT petition_id, district_id, valid AS delta FROM flipped WHERE district_id IS NOT NULL
        UNION ALL
        SELECT petition_id, was_district_id, -was FROM flipped WHERE was_district_id IS NOT NULL
    ) AS moves
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
        paper_signature_count = p.paper_signature_count + d.paper,
        eds_signature_count = p.eds_signature_count + d.eds,
        last_tallied_at = %(now)s
    FROM per_petition AS d WHERE p.id = d.petition_id
    RETURNING p.id, p.signature_count, p.resident_signature_count, d.seen
)
SELECT id, signature_count, resident_signature_count, seen FROM petitions
"""


def _tally_postgresql(now) -> list[tuple[int, int, int, int]]:
    rows: list[tuple[int, int, int, int]] = []
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_PG_TALLY, {"batch": BATCH, "now": now})
            batch = cursor.fetchall()
        rows.extend(batch)
        if sum(r[3] for r in batch) < BATCH:
            return rows


_IS_VALID = Q(status=Signature.Status.VALID)


def _counted_now() -> dict:
    """The bookkeeping UPDATE of the SQL tally, as ORM expressions: what the counts hold now."""
    return {
        "pending": False,
        "counted": ExpressionWrapper(_IS_VALID, output_field=BooleanField()),
        "counted_method": Case(When(_IS_VALID, then=F("method")), default=Value("")),
        "counted_district": Case(When(_IS_VALID, then=F("district")), default=None),
        "counted_resident": ExpressionWrapper(_IS_VALID & Q(is_resident=True), output_field=BooleanField()),
    }


def _tally_portable(now) -> list[tuple[int, int, int, int]]:
    """The same arithmetic in several statements, for SQLite (which serialises writers)."""
    ids = list(Signature.objects.filter(pending=True).values_list("pk", flat=True)[:BATCH])
    if not ids:
        return []
    newly_valid = Signature.objects.filter(pk__in=ids, status=Signature.Status.VALID, counted=False)
    Follow.objects.bulk_create(
        [
            Follow(user_id=signer, object_type="petitions.petition", object_id=str(petition), created_at=now)
            for signer, petition in newly_valid.filter(signer__isnull=False).values_list("signer_id", "petition_id")
        ],
        ignore_conflicts=True,
    )
    # Count(filter=...), not SUM of a boolean: PostgreSQL has no SUM(boolean), and the equivalence
    # test (tests/petitions/test_tally_equivalence.py) runs this on PostgreSQL beside the SQL one.
    groups = list(
        Signature.objects.filter(pk__in=ids)
        .values(
            "petition_id",
            "district_id",
            "is_resident",
            "method",
            "counted",
            "counted_district_id",
            "counted_resident",
            "counted_method",
        )
        .annotate(valid=Count("pk", filter=_IS_VALID), seen=Count("pk"))
        .order_by()
    )
    Signature.objects.filter(pk__in=ids).update(**_counted_now())
    per_petition: dict[int, list[int]] = {}
    per_district: dict[tuple[int, int], int] = {}
    for group in groups:
        valid = group["valid"]
        was = group["seen"] if group["counted"] else 0
        totals = per_petition.setdefault(group["petition_id"], [0, 0, 0, 0, 0])
        totals[0] += valid - was
        totals[1] += (valid if group["is_resident"] else 0) - (was if group["counted_resident"] else 0)
        totals[2] += (valid if group["method"] == "paper" else 0) - (was if group["counted_method"] == "paper" else 0)
        totals[3] += (valid if group["method"] == "eds" else 0) - (was if group["counted_method"] == "eds" else 0)
        totals[4] += group["seen"]
        for district, delta in ((group["district_id"], valid), (group["counted_district_id"], -was)):
            if district is not None:
                key = (group["petition_id"], district)
                per_district[key] = per_district.get(key, 0) + delta
    for (petition_id, district_id), delta in per_district.items():
        row, _created = PetitionDistrictCount.objects.get_or_create(petition_id=petition_id, district_id=district_id)
        PetitionDistrictCount.objects.filter(pk=row.pk).update(signatures=F("signatures") + delta)
    rows = []
    for petition_id, (total, residents, paper, eds, seen) in per_petition.items():
        Petition.objects.filter(pk=petition_id).update(
            signature_count=F("signature_count") + total,
            resident_signature_count=F("resident_signature_count") + residents,
            paper_signature_count=F("paper_signature_count") + paper,
            eds_signature_count=F("eds_signature_count") + eds,
            last_tallied_at=now,
        )
        counts = (
            Petition.objects.filter(pk=petition_id).values_list("signature_count", "resident_signature_count").first()
        )
        rows.append((petition_id, counts[0], counts[1], seen))
    return rows


def _sample(rows, now) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    PetitionCountSample.objects.bulk_create(
        [
            PetitionCountSample(petition_id=pk, hour=hour, signature_count=total, resident_signature_count=residents)
            for pk, total, residents, _seen in rows
        ],
        update_conflicts=True,
        unique_fields=["petition", "hour"],
        update_fields=["signature_count", "resident_signature_count"],
    )


def _crossings() -> int:
    """Move petitions whose stored counts crossed the support gate or the threshold."""
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


def _progress_percents(rules) -> list[int]:
    values = []
    for part in (rules.progress_notice_percents or "").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) < 100:
            values.append(int(part))
    return sorted(set(values))


def petition_progress_notices() -> int:
    """Tell the author and the followers when residents' signatures reach a share of the threshold
    named by the rules (33% and 66% by default), once per share. Run after the tally's transaction:
    the fan-out to followers takes seconds and holds no lock. The notice is written first, then the
    conditional UPDATE records it; notify() writes once per (recipient, event, key), so a run that
    stops in between repeats nothing when the next one sends the same notice."""
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
            notify(
                event="petition.progress",
                obj=petition,
                recipients=[petition.author_id],
                followers=followers_of(petition).iterator(chunk_size=2000),
                key=f"petition:{petition.pk}:progress:{percent}",
            )
            sent += Petition.objects.filter(pk=petition.pk, progress_noticed_percent__lt=percent).update(
                progress_noticed_percent=percent
            )
    return sent


def petitions_tally() -> dict | None:
    """One tally. None when another tally holds the lock (running twice at once is a no-op). The
    crossings' notifications and the progress notices are sent after the tally's transaction."""
    with engine.atomic(), tally_lock(LOCK) as acquired:
        if not acquired:
            return None
        now = timezone.now()
        rows = _tally_postgresql(now) if connection.vendor == "postgresql" else _tally_portable(now)
        if rows:
            _sample(rows, now)
        moved = _crossings()
    if rows:
        refresh_watched(pk for pk, _total, _residents, _seen in rows)
        petition_progress_notices()
    return {"petitions": len(rows), "signatures": sum(r[3] for r in rows), "moved": moved}


def petitions_recount() -> dict | None:
    """Recount everything from the signature rows and correct the stored counts."""
    with engine.atomic(), tally_lock(LOCK) as acquired:
        if not acquired:
            return None
        now = timezone.now()
        # Rows whose bookkeeping disagrees with what they are now take what they are now. Only
        # those are written: the nightly recount must not rewrite every row of the table.
        moved = (
            Q(district__isnull=True, counted_district__isnull=False)
            | Q(district__isnull=False, counted_district__isnull=True)
            | Q(district__isnull=False, counted_district__isnull=False) & ~Q(counted_district=F("district"))
        )
        Signature.objects.filter(
            Q(pending=True)
            | _IS_VALID
            & (Q(counted=False) | ~Q(counted_method=F("method")) | ~Q(counted_resident=F("is_resident")) | moved)
            | ~_IS_VALID
            & (Q(counted=True) | ~Q(counted_method="") | Q(counted_district__isnull=False) | Q(counted_resident=True))
        ).update(**_counted_now())
        valid_rows = (
            Signature.objects.filter(petition=OuterRef("pk"), status=Signature.Status.VALID)
            .order_by()
            .values("petition")
        )

        def true_count(**filters):
            rows = valid_rows.filter(**filters) if filters else valid_rows
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), Value(0))

        truth = Petition.objects.annotate(
            true_total=true_count(),
            true_residents=true_count(is_resident=True),
            true_paper=true_count(method=Signature.Method.PAPER),
            true_eds=true_count(method=Signature.Method.EDS),
        )
        drifted = list(
            truth.exclude(
                signature_count=F("true_total"),
                resident_signature_count=F("true_residents"),
                paper_signature_count=F("true_paper"),
                eds_signature_count=F("true_eds"),
            ).values_list("pk", "signature_count", "true_total", "true_residents", "true_paper", "true_eds")
        )
        for pk, stored, total, residents, paper, eds in drifted:
            logger.warning("petition %s count drift: stored %s, true %s", pk, stored, total)
            Petition.objects.filter(pk=pk).update(
                signature_count=total,
                resident_signature_count=residents,
                paper_signature_count=paper,
                eds_signature_count=eds,
                last_tallied_at=now,
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
