from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from deputies.models import StandingCommission
from portal.models import Role
from tests.factories import UserFactory, grant, maslikhat


def local(day, hour=10, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days_ahead(days, hour=10):
    return local(timezone.localdate() + timedelta(days=days), hour)


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English; pages choose their language from the URL."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests see the reference data too: post_migrate reloads it after each flush."""


@pytest.fixture
def almaty(db):
    return maslikhat("kz-75")


@pytest.fixture
def astana(db):
    return maslikhat("kz-71")


@pytest.fixture
def commission(almaty):
    return StandingCommission.objects.create(
        maslikhat=almaty, name_kk="Бюджет комиссиясы", name_ru="Бюджетная комиссия"
    )


@pytest.fixture
def staff(almaty):
    user = UserFactory(mfa=True, first_name="Сара", last_name="Хатшы")
    grant(user, Role.STAFF, "kz-75")
    return user


@pytest.fixture
def schedule(staff, almaty, commission):
    """Schedule a hearing through the service with sensible defaults."""
    from hearings.services import hearing_schedule

    def make(**overrides):
        starts_at = overrides.pop("starts_at", days_ahead(30))
        kwargs = {
            "actor": staff,
            "maslikhat": almaty,
            "commission": commission,
            "hearing_type": "budget",
            "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", starts_at + timedelta(hours=2)),
            "topic_kk": "Бюджет жобасы",
            "topic_ru": "Проект бюджета",
            "venue_address": "Алматы, пр. Абылай хана 91",
            "capacity": 10,
            "languages": ["kk", "ru"],
        }
        kwargs.update(overrides)
        return hearing_schedule(**kwargs)

    return make
