"""The tally has its own Celery queue (issue 20, section 2); an email fan-out does not share it."""

import pytest
from django.conf import settings

from petitions.models import Petition

pytestmark = pytest.mark.django_db
S = Petition.Status


def test_the_tally_has_its_own_queue_and_its_followers_tasks_do_not():
    from portal.celery import app

    router = app.amqp.router
    assert router.route({}, "petitions.tasks.petition_tally_task")["queue"].name == settings.CELERY_TALLY_QUEUE
    assert router.route({}, "notifications.tasks.email_chunk_send_task")["queue"].name != settings.CELERY_TALLY_QUEUE
    assert settings.CELERY_TALLY_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE
