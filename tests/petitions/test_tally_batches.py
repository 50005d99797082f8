"""The tally under a backlog (issue 20, section 2): bounded batches, oldest first, each committed on
its own; its own Celery queue; the follows and progress notices in tasks of their own."""

import pytest
from django.conf import settings

from notifications.models import Follow
from petitions import services, tally
from petitions.models import Petition, Signature
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Petition.Status


def test_a_backlog_is_tallied_oldest_first_in_bounded_batches(make_petition, districts, monkeypatch):
    petition = make_petition(S.OPEN)
    for _ in range(5):
        services.petition_sign(
            petition=petition, user=UserFactory(is_citizen=True), address="Алматы, Абая 1", is_citizen=True
        )
    monkeypatch.setattr(tally, "BATCH", 2)
    assert tally.petitions_tally(max_batches=1) == {"petitions": 1, "signatures": 2, "moved": 0}
    ids = list(Signature.objects.order_by("pk").values_list("pk", "pending"))
    assert [pending for _pk, pending in ids] == [False, False, True, True, True]
    petition.refresh_from_db()
    assert petition.signature_count == 2
    # The rest in two more batches (2 + 1), one call.
    assert tally.petitions_tally() == {"petitions": 1, "signatures": 3, "moved": 0}
    petition.refresh_from_db()
    assert petition.signature_count == 5
    assert not Signature.objects.filter(pending=True).exists()
    # The signers follow the petition: the follows task ran (eagerly here) after each batch.
    assert Follow.objects.filter(object_type="petitions.petition", object_id=str(petition.pk)).count() == 5


def test_the_tally_has_its_own_queue_and_its_followers_tasks_do_not():
    from portal.celery import app

    router = app.amqp.router
    assert router.route({}, "petitions.tasks.petition_tally_task")["queue"].name == settings.CELERY_TALLY_QUEUE
    for name in ("petitions.tasks.petition_follows_task", "petitions.tasks.petition_progress_task"):
        assert router.route({}, name)["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
    assert settings.CELERY_TALLY_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE
