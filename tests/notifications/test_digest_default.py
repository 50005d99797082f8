"""Fewer emails by default (issue 19), end to end: a real Celery worker, Redis, PostgreSQL and an
aiosmtpd server. Someone who follows a petition and never chose anything gets its news in one daily
digest, not one email per event; someone who chose "at once" before keeps that; the author, whom
the news concerns, gets it at once."""

import pytest

from notifications.follows import follow_add
from notifications.models import EmailDelivery
from notifications.registry import listed_event_types
from notifications.services import preferences_save
from notifications.tasks import digest_send_task
from petitions import services, transitions
from petitions.models import Petition
from petitions.tally import petition_progress_notices
from tests.factories import UserFactory
from tests.notifications.test_notifications_delivery import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
S = Petition.Status
NEWS = 3  # what a follower hears of below: progress at 33% and at 66%, then the answer


def emails_to(sink, user) -> list:
    return [m["message"] for m in sink.messages if m["to"] == [user.email]]


def test_a_new_follower_gets_one_digest_with_every_event_and_an_explicit_choice_is_kept(
    make_petition, author, staff, smtp_server, celery_worker
):
    petition = make_petition(S.OPEN)
    newcomer = UserFactory(preferred_language="ru")  # no preference rows: the defaults
    keeper = UserFactory(preferred_language="ru")
    preferences_save(
        user=keeper,
        choices={e.key: (True, "immediate") for e in listed_event_types() if e.key.startswith("petition.")},
    )
    for person in (newcomer, keeper):
        follow_add(user=person, obj=petition)

    for share in (34, 67):  # the rules' progress notices at 33% and 66%
        count = petition.threshold * share // 100
        Petition.objects.filter(pk=petition.pk).update(signature_count=count, resident_signature_count=count)
        assert petition_progress_notices() == 1
    petition = transitions.petition_transition(petition=petition, to=S.THRESHOLD_REACHED, actor=None)
    petition = services.petition_send_for_answer(petition=petition, actor=None)
    services.petition_answer(petition=petition, actor=staff, text="Ответ маслихата.")

    wait_until(lambda: len(emails_to(smtp_server, keeper)) == NEWS, message="the keeper's emails at once")
    held = EmailDelivery.objects.filter(user=newcomer, status=EmailDelivery.Status.HELD, digest="daily")
    wait_until(lambda: held.count() == NEWS, message="the newcomer's news held for the digest")
    assert emails_to(smtp_server, newcomer) == []
    # The author hears of their own petition at once, never in a digest.
    assert not EmailDelivery.objects.filter(user=author, status__in=["held", "digested"]).exists()
    assert EmailDelivery.objects.filter(user=author, event="petition.answered").exists()

    digest_send_task.delay("daily")  # what beat runs at 08:00, on the worker
    wait_until(lambda: len(emails_to(smtp_server, newcomer)) == 1, message="the newcomer's digest")
    (message,) = emails_to(smtp_server, newcomer)
    assert "ежедневн" in message["Subject"].lower()
    text = message.get_body(("plain",)).get_content()
    assert text.count(petition.title) == NEWS
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    digest = EmailDelivery.objects.get(user=newcomer, event="digest.daily")
    assert digest.status == "sent" and digest.digest_items.count() == NEWS
    assert len(emails_to(smtp_server, keeper)) == NEWS  # no digest for the one who chose "at once"
    assert not EmailDelivery.objects.filter(user=keeper, event="digest.daily").exists()
