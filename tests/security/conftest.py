"""Security tests reuse the petition and hearing fixtures (Almaty's maslikhat, an author, staff)."""

import pytest  # noqa: E402
from django.utils import translation  # noqa: E402

from tests.petitions.conftest import (  # noqa: F401 - fixtures
    _reference_data,
    almaty,
    author,
    districts,
    make_petition,
    staff,
)


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English; pages choose their language from the URL."""
    with translation.override("en"):
        yield


def make_hearing(actor, maslikhat, *, days: int = 30, capacity: int = 10):
    """A hearing scheduled through the service, with a standing commission of the maslikhat."""
    from datetime import timedelta

    from django.utils import timezone

    from deputies.models import StandingCommission
    from hearings.services import hearing_schedule

    commission, _created = StandingCommission.objects.get_or_create(
        maslikhat=maslikhat, name_ru="Бюджетная комиссия", defaults={"name_kk": "Бюджет комиссиясы"}
    )
    starts = timezone.now() + timedelta(days=days)
    return hearing_schedule(
        actor=actor,
        maslikhat=maslikhat,
        commission=commission,
        hearing_type="budget",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        topic_kk="Бюджет жобасы",
        topic_ru="Проект бюджета",
        venue_address="Алматы, пр. Абылай хана 91",
        capacity=capacity,
        languages=["kk", "ru"],
    )
