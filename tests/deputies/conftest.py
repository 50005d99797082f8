import pytest

from tests.deputies.factories import DeputyFactory, ElectoralDistrictFactory, cover


@pytest.fixture(autouse=True)
def _english(english):
    """Selector and service messages are asserted in English; pages and API choose their language themselves."""


@pytest.fixture
def almaty_deputies(almaty):
    """Almaty city maslikhat (tier 1, mixed): two districts splitting Abylai Khan avenue, single-mandate
    and party-list deputies."""
    d1 = ElectoralDistrictFactory(maslikhat=almaty, number=1)
    d2 = ElectoralDistrictFactory(maslikhat=almaty, number=2)
    cover(d1, "Алматы", "пр. Абылай хана", "нечет 1-99")
    cover(d1, "Алматы", "ул. Толе би", "1-120")
    cover(d2, "Алматы", "пр. Абылай хана", "чет 2-100")
    cover(d2, "Алматы", "мкр. Самал-2", "все")
    cover(d2, "Алматы", "ул. Абая", "1-57, 58А, 60/1, 62-140")
    cover(d1, "Алматы", "пр. Достык", "all")
    cover(d1, "Алматы", "пр. Республики", "тақ 1-37, жұп 2-40")
    cover(d2, "Алматы", "ул. Қосшы", "odd 1-37, even 2-40")
    return {
        "maslikhat": almaty,
        "d1": d1,
        "d2": d2,
        "smd1": DeputyFactory(maslikhat=almaty, district=d1, full_name="Бірінші Депутат"),
        "smd2": DeputyFactory(maslikhat=almaty, district=d2, full_name="Екінші Депутат"),
        "list": [
            DeputyFactory(maslikhat=almaty, party_list=True, full_name=f"Тізім Депутат {i}", party="Amanat")
            for i in range(3)
        ],
    }
