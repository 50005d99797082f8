import pytest
from django.utils import translation

from deputies.models import Maslikhat
from portal.models import Role
from tests.deputies.conftest import cover
from tests.factories import DeputyFactory, ElectoralDistrictFactory, UserFactory, grant


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English; pages choose their language from the URL."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests see the reference data too: post_migrate reloads it after each flush."""


@pytest.fixture
def city(db):
    """Almaty: two single-mandate districts on Abylai Khan avenue (odd / even), one party-list deputy
    without an email address."""
    if not Maslikhat.objects.filter(code="kz-75").exists():
        from django.apps import apps

        from deputies.admin_map import load_admin_map

        load_admin_map(apps)
    kz75 = Maslikhat.objects.get(code="kz-75")
    d1 = ElectoralDistrictFactory(maslikhat=kz75, number=1)
    d2 = ElectoralDistrictFactory(maslikhat=kz75, number=2)
    cover(d1, "Алматы", "пр. Абылай хана", "нечет 1-99")
    cover(d2, "Алматы", "пр. Абылай хана", "чет 2-100")
    return {
        "maslikhat": kz75,
        "smd1": DeputyFactory(maslikhat=kz75, district=d1, full_name="Бірінші Депутат", email="first@deputy.kz"),
        "smd2": DeputyFactory(maslikhat=kz75, district=d2, full_name="Екінші Депутат", email="second@deputy.kz"),
        "list": DeputyFactory(maslikhat=kz75, party_list=True, full_name="Тізім Депутат", email=""),
    }


ODD = "Алматы, пр. Абылай хана 15"
EVEN = "Алматы, пр. Абылай хана 16"


@pytest.fixture
def staff(city):
    user = UserFactory(mfa=True, first_name="Сара", last_name="Хатшы")
    grant(user, Role.STAFF, "kz-75")
    return user


@pytest.fixture
def write(citizen):
    from letters.services import message_send

    counter = iter(range(1000))

    def make(deputy, address=ODD, author=None, **kwargs):
        n = next(counter)
        kwargs.setdefault("subject", f"Аула жарығы {n}")
        kwargs.setdefault("body", f"Біздің аулада кешке жарық жоқ, көмектесіңізші. Хат нөмірі {n}.")
        return message_send(author=author or citizen, deputy=deputy, address=address, **kwargs)

    return make
