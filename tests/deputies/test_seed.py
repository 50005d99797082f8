import pytest
from django.db import transaction

from deputies.models import AddressCoverage, CommissionMembership, Deputy, ElectoralDistrict, StandingCommission
from deputies.selectors import representatives_for_address, representatives_for_point

pytestmark = pytest.mark.django_db


def snapshot():
    return [
        sorted(Deputy.objects.values_list("full_name", "status", "district_id", "is_demo", "convocation_id")),
        sorted(ElectoralDistrict.objects.values_list("maslikhat__code", "number", "is_demo")),
        AddressCoverage.objects.count(),
        StandingCommission.objects.count(),
        CommissionMembership.objects.count(),
    ]


def seed_demo():
    # As `manage.py seed_demo` does (its settings check needs SETTINGS_MODULE, which pytest-django leaves unset).
    from portal.seeding import seeders

    for _name, seeder in seeders():
        with transaction.atomic():
            seeder()


def test_seed_demo_is_believable_and_idempotent():
    seed_demo()
    first = snapshot()
    seed_demo()
    assert snapshot() == first
    assert all(is_demo for *_rest, is_demo, _c in first[0])
    (astana,) = representatives_for_address("Астана, Республика даңғылы 5").matches
    assert astana.groups[0].seat.deputy.is_demo and astana.groups[0].party_list
    (shymkent,) = representatives_for_address("Shymkent, Tauke khan 12A").matches
    assert shymkent.groups[0].seat.district.number == 2
    (talgar,) = representatives_for_address("Талгар, Абая 3").matches
    assert [g.maslikhat.code for g in talgar.groups] == ["kz-19-talgar", "kz-19"]
    assert talgar.groups[1].party_list
    vacant = representatives_for_address("Алматы, Тимирязева 5").matches[0]
    assert vacant.vacant_seats
    (point,) = representatives_for_point(43.30, 77.23).matches
    assert len(point.groups) == 2
    assert CommissionMembership.objects.filter(is_chair=True).count() == StandingCommission.objects.count()
