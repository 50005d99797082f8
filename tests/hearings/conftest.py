from datetime import timedelta

import pytest

from tests.hearings.factories import HEARING, budget_commission, days_ahead


@pytest.fixture(autouse=True)
def _english(english):
    """Service messages are asserted in English; pages choose their language from the URL."""


@pytest.fixture
def commission(almaty):
    """The Almaty maslikhat's budget commission (a standing commission of deputies)."""
    return budget_commission(almaty)


@pytest.fixture
def schedule(staff, almaty, commission):
    """Schedule a hearing through the service with sensible defaults."""
    from hearings.services import hearing_schedule

    def make(**overrides):
        starts_at = overrides.pop("starts_at", days_ahead(30))
        kwargs = {
            **HEARING,
            "actor": staff,
            "maslikhat": almaty,
            "commission": commission,
            "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", starts_at + timedelta(hours=2)),
        }
        kwargs.update(overrides)
        return hearing_schedule(**kwargs)

    return make
