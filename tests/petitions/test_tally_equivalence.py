"""The tally has two implementations: set-based SQL on PostgreSQL (production and CI) and a portable
one for SQLite (`make run` without services). Both must move the same signatures into the same counts:
per petition (all and residents), per electoral district, the signers' follows and each row's
bookkeeping. Run on PostgreSQL, where both can run on the same rows."""

import random

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Follow
from petitions.models import Petition, PetitionDistrictCount, Signature
from petitions.tally import _tally_portable, _tally_postgresql
from portal.crypto import keyed_hash
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based tally is PostgreSQL's"),
]
S = Petition.Status
V = Signature.Status
M = Signature.Method


def _outcome(petitions) -> dict:
    pks = [p.pk for p in petitions]
    return {
        "petitions": sorted(
            Petition.objects.filter(pk__in=pks).values_list(
                "pk", "signature_count", "resident_signature_count", "paper_signature_count", "eds_signature_count"
            )
        ),
        "districts": sorted(
            PetitionDistrictCount.objects.filter(petition__in=pks).values_list(
                "petition_id", "district_id", "signatures"
            )
        ),
        "rows": sorted(
            Signature.objects.filter(petition__in=pks).values_list(
                "pk", "pending", "counted", "counted_method", "counted_district", "counted_resident"
            )
        ),
        "follows": sorted(
            Follow.objects.filter(object_type="petitions.petition", object_id__in=[str(pk) for pk in pks]).values_list(
                "user_id", "object_id"
            )
        ),
    }


def _both(petitions) -> tuple[dict, dict]:
    """Each implementation from the same state; the database is left as it was."""
    outcomes = []
    for tally in (_tally_postgresql, _tally_portable):
        try:
            with transaction.atomic():
                tally(timezone.now())
                outcomes.append(_outcome(petitions))
                raise _Undo
        except _Undo:
            pass
    return outcomes[0], outcomes[1]


class _Undo(Exception):
    """Rolls back the tally's savepoint."""


def test_both_tallies_give_the_same_counts_on_the_same_signatures(make_petition, districts):
    d1, d2, _astana = districts
    petitions = [make_petition(S.OPEN), make_petition(S.OPEN, title="Осветить пешеходные переходы")]
    rng = random.Random(12)  # noqa: S311 - a fixed mix of rows, not a secret
    places = [(d1, True), (d2, True), (None, True), (None, False)]
    people = [UserFactory(is_citizen=True) for _ in range(40)]
    for person in people:
        for petition in rng.sample(petitions, rng.choice([1, 2])):
            district, resident = rng.choice(places)
            Signature.objects.create(
                petition=petition,
                signer=person,
                district=district,
                is_resident=resident,
                address="Алматы",
                is_citizen=True,
                status=rng.choice([V.VALID, V.VALID, V.VALID, V.WITHDRAWN]),
            )
    # Paper signatures (no account) and EDS ones, each with its IIN.
    for number in range(30):
        district, resident = rng.choice(places)
        method = rng.choice([M.PAPER, M.EDS])
        Signature.objects.create(
            petition=rng.choice(petitions),
            signer=UserFactory(is_citizen=True) if method == M.EDS else None,
            method=method,
            iin_hash=keyed_hash(f"iin-{number}"),
            signed_on=timezone.localdate() if method == M.PAPER else None,
            district=district,
            is_resident=resident,
            address="Алматы",
            status=rng.choice([V.VALID, V.VALID, V.WITHDRAWN]),
        )

    first_sql, first_portable = _both(petitions)
    assert first_sql == first_portable
    assert any(count for _pk, count, _residents, _paper, _eds in first_sql["petitions"])
    assert any(paper and eds for _pk, _count, _residents, paper, eds in first_sql["petitions"])
    assert {district for _p, district, _n in first_sql["districts"]} == {d1.pk, d2.pk}

    # Count the first round, then change rows the counts already hold: withdrawn, invalidated,
    # restored, and new signatures; both must move the counts by the same deltas.
    _tally_postgresql(timezone.now())
    rows = list(Signature.objects.filter(petition__in=petitions).order_by("pk"))
    for row in rows[::3]:
        row.status, row.pending = rng.choice([V.WITHDRAWN, V.INVALIDATED, V.VALID]), True
        row.save(update_fields=["status", "pending"])
    # Rows the counts hold change method (paper -> EDS, online -> EDS) and place (a new address).
    for row in rows[1::4]:
        district, resident = rng.choice(places)
        if row.method == M.PAPER:
            row.signer = UserFactory(is_citizen=True)
        row.iin_hash = row.iin_hash or keyed_hash(f"upgraded-{row.pk}")
        row.method, row.district, row.is_resident, row.pending = M.EDS, district, resident, True
        row.save(update_fields=["signer", "iin_hash", "method", "district", "is_resident", "pending"])
    for person in [UserFactory(is_citizen=True) for _ in range(10)]:
        district, resident = rng.choice(places)
        Signature.objects.create(
            petition=petitions[0], signer=person, district=district, is_resident=resident, address="Алматы"
        )

    second_sql, second_portable = _both(petitions)
    assert second_sql == second_portable
    assert second_sql != first_sql

    # After both rounds the stored counts are the truth: what a recount from the rows gives.
    _tally_postgresql(timezone.now())
    for petition in petitions:
        valid = Signature.objects.filter(petition=petition, status=V.VALID)
        petition.refresh_from_db()
        assert (
            petition.signature_count,
            petition.resident_signature_count,
            petition.paper_signature_count,
            petition.eds_signature_count,
        ) == (
            valid.count(),
            valid.filter(is_resident=True).count(),
            valid.filter(method=M.PAPER).count(),
            valid.filter(method=M.EDS).count(),
        )
        for row in PetitionDistrictCount.objects.filter(petition=petition):
            assert row.signatures == valid.filter(district=row.district).count()
