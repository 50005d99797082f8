"""One signature per IIN per recall, under concurrency, on the real PostgreSQL."""

import threading

import pytest
from django.db import connection

from recalls import services
from recalls.models import RecallSignature
from tests.factories import UserFactory
from tests.recalls.support import (
    TODAY,
    address_for,
    collecting_recall,
    commission_member,
    ensure_reference_data,
    iins,
    smd_deputy,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_after_the_flush(django_db_setup, django_db_blocker):
    # transactional tests end by flushing the database; a reused test database would then lack the
    # rows that migrations load, so they are put back once this module is done
    yield
    with django_db_blocker.unblock():
        ensure_reference_data()


THREADS = 8


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    ensure_reference_data()


def _race(target, args_list):
    barrier = threading.Barrier(len(args_list))
    outcomes, lock = [], threading.Lock()

    def run(args):
        try:
            barrier.wait(timeout=10)
            result = target(*args)
            with lock:
                outcomes.append(("ok", result))
        except Exception as error:  # noqa: BLE001 - every outcome is collected and asserted
            with lock:
                outcomes.append(("error", error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(args,)) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_the_same_iin_from_many_accounts_at_once_gives_one_signature():
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    iin = iins(1, start=900)[0]
    users = [UserFactory() for _ in range(THREADS)]

    def sign(user):
        return services.recall_sign(user=user, recall=recall, iin=iin, address=address_for(deputy), today=TODAY)

    outcomes = _race(sign, [(u,) for u in users])
    created = [r for kind, r in outcomes if kind == "ok" and r[1]]
    refused = [e for kind, e in outcomes if kind == "error"]
    assert len(created) == 1
    assert len(refused) == THREADS - 1
    assert all(isinstance(e, services.AlreadySigned) for e in refused)
    assert RecallSignature.objects.filter(recall=recall).count() == 1


def test_a_retry_storm_from_one_account_gives_one_signature_and_no_error():
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    iin = iins(1, start=950)[0]
    voter = UserFactory()

    def sign():
        return services.recall_sign(user=voter, recall=recall, iin=iin, address=address_for(deputy), today=TODAY)

    outcomes = _race(sign, [() for _ in range(THREADS)])
    assert all(kind == "ok" for kind, _r in outcomes), outcomes
    assert sum(1 for _k, (_sig, created) in outcomes if created) == 1
    assert len({sig.pk for _k, (sig, _c) in outcomes}) == 1
    assert RecallSignature.objects.filter(recall=recall).count() == 1


def test_history_table_refuses_update_and_delete_in_the_database():
    from django.db import DatabaseError, transaction

    recall = collecting_recall(smd_deputy(), commission_member())
    pk = recall.transitions.first().pk
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_recalltransition SET note = 'x' WHERE id = %s", [pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM petitions_recalltransition WHERE id = %s", [pk])
