import pytest

from deputies.models import AddressCoverage, Maslikhat
from tests.factories import DeputyFactory, ElectoralDistrictFactory


@pytest.fixture(autouse=True)
def _admin_map(request):
    """A transactional test elsewhere in the session flushes the map that migration 0003 loaded."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    if not Maslikhat.objects.filter(code="kz-75").exists():
        from django.apps import apps

        from deputies.admin_map import load_admin_map

        load_admin_map(apps)


@pytest.fixture(autouse=True)
def _english():
    """Selector and service messages are asserted in English; pages and API choose their language themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield


def cover(district, settlement, street, houses="all"):
    # Keys passed as the other apps' tests do; the model derives the real ones.
    return AddressCoverage.objects.create(
        district=district,
        settlement=settlement,
        settlement_key=settlement.lower(),
        street=street,
        street_key=street.lower(),
        houses=houses,
    )


@pytest.fixture
def almaty(db):
    """Almaty city maslikhat (tier 1, mixed): two districts splitting Abylai Khan avenue, party-list deputies."""
    kz75 = Maslikhat.objects.get(code="kz-75")
    d1 = ElectoralDistrictFactory(maslikhat=kz75, number=1)
    d2 = ElectoralDistrictFactory(maslikhat=kz75, number=2)
    cover(d1, "Алматы", "пр. Абылай хана", "нечет 1-99")
    cover(d1, "Алматы", "ул. Толе би", "1-120")
    cover(d2, "Алматы", "пр. Абылай хана", "чет 2-100")
    cover(d2, "Алматы", "мкр. Самал-2", "все")
    cover(d2, "Алматы", "ул. Абая", "1-57, 58А, 60/1, 62-140")
    cover(d1, "Алматы", "пр. Достык", "all")
    cover(d1, "Алматы", "пр. Республики", "тақ 1-37, жұп 2-40")
    cover(d2, "Алматы", "ул. Қосшы", "odd 1-37, even 2-40")
    return {
        "maslikhat": kz75,
        "d1": d1,
        "d2": d2,
        "smd1": DeputyFactory(maslikhat=kz75, district=d1, full_name="Бірінші Депутат"),
        "smd2": DeputyFactory(maslikhat=kz75, district=d2, full_name="Екінші Депутат"),
        "list": [
            DeputyFactory(maslikhat=kz75, party_list=True, full_name=f"Тізім Депутат {i}", party="Amanat")
            for i in range(3)
        ],
    }
