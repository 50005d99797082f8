"""The IIN never appears in plain text: not in the database, not in logs, not in API answers for
anyone but the verifying commission (which sees it only on its queue pages)."""

import logging

import pytest
from django.db import connection

from portal.logging import PersonalDataFilter
from recalls import services
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

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    # a reused test database may have been flushed by a transactional test
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)


def _text_of_recall_tables() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND (table_name LIKE 'petitions_recall%%' "
            "OR table_name IN ('portal_auditentry', 'portal_notification', 'portal_emaildelivery')) "
            "AND data_type IN ('text', 'character varying', 'jsonb', 'json')"
        )
        columns = cursor.fetchall()
        assert any(t == "petitions_recallsignature" and c == "iin" for t, c in columns)
        chunks = []
        for table, column in columns:
            cursor.execute(f'SELECT "{column}"::text FROM "{table}"')  # noqa: S608 - names from the catalogue
            chunks.extend(row[0] or "" for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="scans PostgreSQL's catalogue")
def test_iin_is_never_stored_in_plain_text(client):
    deputy = smd_deputy()
    commission = commission_member()
    recall = collecting_recall(deputy, commission)
    member_iins = [m.iin for m in recall.members.all()]
    signer_iin = iins(1, start=4321)[0]
    client.force_login(UserFactory())
    client.post(
        f"/api/v1/recalls/{recall.pk}/signatures/",
        {"iin": signer_iin, "address": address_for(deputy)},
        content_type="application/json",
    )
    stored = _text_of_recall_tables()
    assert recall.signatures.get().iin == signer_iin  # readable through the model
    for iin in [signer_iin, *member_iins]:
        assert iin not in stored
    assert address_for(deputy) not in stored  # addresses are encrypted too


def test_iin_never_reaches_a_log_line(client, caplog):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    iin = iins(1, start=4400)[0]
    caplog.set_level(logging.DEBUG)
    client.force_login(UserFactory())
    for body in (
        {"iin": "900101300018", "address": "x"},
        {"iin": iin, "address": address_for(deputy)},
        {"iin": iin, "address": address_for(deputy)},
    ):
        client.post(f"/api/v1/recalls/{recall.pk}/signatures/", body, content_type="application/json")
    client.post(f"/kk/recalls/{recall.pk}/sign/", {"iin": iin, "address": "Алматы, Жандосова 1", "confirm": "on"})
    assert iin not in caplog.text
    # and if some code did log one, the configured filter masks it
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "signed by %s", (iin,), None)
    PersonalDataFilter().filter(record)
    assert iin not in record.getMessage() and iin[-4:] in record.getMessage()


def test_iin_is_not_in_api_answers_or_public_pages_for_anyone_but_the_commission_queue(client):
    deputy = smd_deputy(user=UserFactory())
    commission = commission_member()
    recall = collecting_recall(deputy, commission)
    iin = iins(1, start=4500)[0]
    signer = UserFactory()
    services.recall_sign(user=signer, recall=recall, iin=iin, address=address_for(deputy), today=TODAY)
    member_iin = recall.members.first().iin
    viewers = [None, signer, deputy.user, recall.initiator, commission]
    for viewer in viewers:
        if viewer:
            client.force_login(viewer)
        else:
            client.logout()
        for url in [
            "/api/v1/recalls/",
            f"/api/v1/recalls/{recall.pk}/",
            "/api/docs/",
            f"/kk/recalls/{recall.pk}/",
            "/kk/recalls/",
        ]:
            body = client.get(url).content.decode()
            assert iin not in body and member_iin not in body, (viewer, url)
    client.force_login(signer)
    again = client.post(
        f"/api/v1/recalls/{recall.pk}/signatures/",
        {"iin": iin, "address": address_for(deputy)},
        content_type="application/json",
    )
    assert again.status_code == 200 and iin not in again.content.decode()
    client.force_login(commission)
    # the commission's queue is the one place the full IIN is shown
    queue = client.get(f"/kk/staff/recalls/{recall.pk}/signatures/").content.decode()
    assert iin in queue
    client.force_login(deputy.user)
    assert client.get(f"/kk/staff/recalls/{recall.pk}/signatures/").status_code == 404
