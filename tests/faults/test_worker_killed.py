"""A Celery worker killed with SIGKILL in the middle of the petition tally, then restarted.

The tally runs in one transaction (rows flipped from pending to counted, counts moved); a kill
before COMMIT leaves the database as it was, and the next tally (beat runs one every 10 s) counts
every signature exactly once. Tasks are acks_late with reject_on_worker_lost (portal/settings), so a
redelivered tally is harmless: it finds nothing pending.

For email the same guarantee is proven in tests/notifications/test_notifications_delivery.py::
test_a_worker_killed_mid_batch_and_restarted_leaves_exactly_one_email_each."""

import os
import signal
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from petitions import services
from petitions.models import Petition, PetitionDistrictCount, Signature
from tests.conftest import CeleryWorker
from tests.factories import UserFactory
from tests.faults.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found += [child, *_children(child)]
    return found


def kill_worker_and_its_pool(worker: CeleryWorker) -> None:
    """SIGKILL the pool processes (one of them runs the task) and the main process: nothing may
    finish the task, acknowledge it or clean up."""
    for child in _children(worker.process.pid):
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker.kill(signal.SIGKILL)


def _admin():
    return psycopg.connect(**_params())


def _waiting_on_a_lock(admin) -> bool:
    row = admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ).fetchone()
    return row[0] > 0


def test_a_tally_killed_mid_transaction_is_redone_exactly_once(celery_worker, make_petition, districts, settings):
    from petitions.tally import petitions_recount
    from petitions.tasks import petition_tally_task

    settings.PETITIONS_TALLY_NUDGE = False  # only the tallies this test sends
    petition = make_petition(Petition.Status.OPEN)
    for person in [UserFactory(is_citizen=True) for _ in range(20)]:
        services.petition_sign(
            petition=petition, user=person, address="Алматы, Абая 10", is_citizen=True, ip="10.1.2.3"
        )
    assert Signature.objects.filter(petition=petition, pending=True).count() == 20

    # Hold the petition row so that the tally stops inside its transaction, after it has flipped
    # the signature rows and before it can move the count.
    blocker = _admin()
    watcher = psycopg.connect(**_params(), autocommit=True)
    try:
        blocker.execute("SELECT id FROM petitions_petition WHERE id = %s FOR UPDATE", [petition.pk])
        petition_tally_task.delay()
        wait_until(lambda: _waiting_on_a_lock(watcher), timeout=30, what="the tally to block mid-transaction")
        kill_worker_and_its_pool(celery_worker)
        blocker.rollback()
        # The killed tally's backend goes away without a COMMIT: everything it did is undone.
        wait_until(lambda: not _waiting_on_a_lock(watcher), timeout=30, what="the killed tally's backend to end")
    finally:
        blocker.close()
        watcher.close()
    wait_until(
        lambda: Signature.objects.filter(petition=petition, pending=True).count() == 20,
        timeout=30,
        what="the killed tally to be rolled back",
    )
    assert Petition.objects.get(pk=petition.pk).signature_count == 0

    restarted = CeleryWorker(celery_worker.env).start()
    try:
        petition_tally_task.delay()  # what beat does every 10 seconds
        wait_until(
            lambda: Petition.objects.get(pk=petition.pk).signature_count == 20,
            timeout=60,
            what="the restarted worker's tally",
        )
        petition_tally_task.delay()  # a redelivered or repeated tally finds nothing to add
        wait_until(lambda: not Signature.objects.filter(pending=True).exists(), timeout=30, what="nothing pending")
    finally:
        restarted.stop()
    petition.refresh_from_db()
    assert petition.signature_count == 20 and petition.resident_signature_count == 20
    assert sum(PetitionDistrictCount.objects.filter(petition=petition).values_list("signatures", flat=True)) == 20
    petitions_recount()  # the nightly recount finds no drift to correct
    petition.refresh_from_db()
    assert petition.signature_count == 20


def _params() -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": db["NAME"], "connect_timeout": 5}
