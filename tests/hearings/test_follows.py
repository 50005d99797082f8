"""Hearings and follows: registering follows the hearing; followers of a maslikhat hear of new
hearings; followers of a hearing hear of its postponement, and unfollowing stops that."""

from datetime import timedelta

import pytest

from hearings.services import hearing_postpone, registration_create
from notifications.follows import follow_add, follow_remove, is_following
from notifications.models import Notification
from tests.factories import UserFactory
from tests.hearings.conftest import days_ahead

pytestmark = pytest.mark.django_db


def test_registering_follows_the_hearing_and_followers_hear_of_a_postponement(schedule, staff):
    hearing = schedule()
    registrant, follower, former = UserFactory.create_batch(3)
    registration_create(user=registrant, hearing=hearing)
    assert is_following(registrant, hearing)
    follow_add(user=follower, obj=hearing)
    follow_add(user=former, obj=hearing)
    follow_remove(user=former, obj=hearing)
    start = days_ahead(40)
    hearing_postpone(
        actor=staff, hearing=hearing, starts_at=start, ends_at=start + timedelta(hours=2), reason="Зал занят"
    )
    told = set(Notification.objects.filter(event="hearing.postponed").values_list("user_id", flat=True))
    assert told == {registrant.pk, follower.pk}


def test_followers_of_the_maslikhat_hear_of_a_new_hearing(schedule, almaty):
    follower, other = UserFactory.create_batch(2)
    follow_add(user=follower, obj=almaty)
    hearing = schedule()
    told = set(
        Notification.objects.filter(event="hearing.scheduled", object_id=str(hearing.pk)).values_list(
            "user_id", flat=True
        )
    )
    assert follower.pk in told and other.pk not in told
