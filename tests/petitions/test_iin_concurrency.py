"""One IIN, many hands at once, on PostgreSQL: staff enter the same person's paper signature twice
while several accounts attach an EDS signature with that IIN, all from parallel threads. The
partial unique index on (petition, iin_hash) and the row locks leave exactly one signature with the
IIN, counted once; every other attempt is refused with IinTaken (409 under `iin` in the API)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone

from petitions.eds_signing import EdsEvidence, petition_signature_attach_eds
from petitions.models import Petition, Signature
from petitions.paper import PaperSignature, paper_signature_add
from petitions.signer_identity import IinTaken
from petitions.tally import petitions_tally
from portal.crypto import keyed_hash
from portal.iin import make_iin
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_same_iin_from_paper_and_eds_at_once_makes_one_counted_signature(make_petition, districts, staff, settings):
    assert connection.vendor == "postgresql"
    settings.PETITIONS_TALLY_NUDGE = False
    petition = make_petition(Petition.Status.OPEN)
    iin = make_iin(date(1985, 5, 15), serial=77)
    accounts = [UserFactory(is_citizen=True) for _ in range(6)]
    entry = PaperSignature(full_name="Қасымова Әлия", iin=iin, address="Алматы, Абая 5", signed_on=timezone.localdate())
    evidence = EdsEvidence(certificate_serial="01", certificate_issuer="CN=Test", cms=b"cms")
    jobs = [lambda: paper_signature_add(petition=petition, actor=staff, entry=entry)] * 3 + [
        (
            lambda account=account: petition_signature_attach_eds(
                petition=petition,
                user=account,
                iin=iin,
                full_name="Қасымова Әлия",
                address="Алматы, Абая 5",
                evidence=evidence,
                consent=True,
            )
        )
        for account in accounts
    ]
    barrier = threading.Barrier(len(jobs))
    outcomes, lock = [], threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=10)
            try:
                job()
                outcome = "done"
            except IinTaken:
                outcome = "taken"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == len(jobs)  # no thread died of anything but a refusal
    rows = Signature.objects.filter(petition=petition, iin_hash=keyed_hash(iin))
    assert rows.count() == 1
    row = rows.get()
    # At most one paper entry and one EDS account got through (the EDS one upgrading the paper row).
    assert 1 <= outcomes.count("done") <= 2
    assert row.method == (Signature.Method.EDS if row.signer_id else Signature.Method.PAPER)
    assert Signature.objects.filter(petition=petition, status=Signature.Status.VALID).count() == 1
    petitions_tally()
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert petition.paper_signature_count + petition.eds_signature_count == 1
