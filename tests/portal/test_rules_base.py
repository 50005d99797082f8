"""One rules base for every app: `in_force(on, **filters)` is the newest row whose date has come."""

from datetime import date

import pytest

from hearings.models import HearingRules
from petitions.models import PetitionRules
from portal.rules import RulesBase, RulesQuerySet
from recalls.models import RecallRules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [PetitionRules, RecallRules, HearingRules])
def test_every_rules_model_builds_on_the_portal_base(model):
    assert issubclass(model, RulesBase)
    assert isinstance(model.objects.all(), RulesQuerySet)


def test_the_row_in_force_is_the_newest_whose_date_has_come_and_filters_narrow_it():
    def rules(hearing_type, effective_from, minutes):
        return HearingRules.objects.create(
            hearing_type=hearing_type,
            notice_days=10,
            minutes_working_days=minutes,
            legal_reference="Test",
            effective_from=effective_from,
        )

    HearingRules.objects.all().delete()
    old = rules("budget", date(2020, 1, 1), 5)
    new = rules("budget", date(2030, 1, 1), 7)
    social = rules("social", date(2021, 1, 1), 3)

    assert HearingRules.objects.in_force(date(2029, 12, 31), hearing_type="budget") == old
    assert HearingRules.objects.in_force(date(2030, 1, 1), hearing_type="budget") == new
    assert HearingRules.objects.in_force(date(2025, 1, 1), hearing_type="social") == social
    assert HearingRules.objects.in_force(date(2019, 12, 31), hearing_type="budget") is None
    assert list(HearingRules.objects.versions_in_force(date(2031, 1, 1), hearing_type="budget")) == [new, old]
