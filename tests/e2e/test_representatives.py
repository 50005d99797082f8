"""A citizen types an address on the home page in each language and sees their representatives."""

import pytest

from deputies.models import Maslikhat
from tests.deputies.conftest import cover
from tests.e2e.conftest import assert_accessible
from tests.factories import DeputyFactory, ElectoralDistrictFactory

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = {
    "kk": ("Мекенжайыңызды енгізіңіз", "Табу"),
    "ru": ("Введите ваш адрес", "Найти"),
    "en": ("Enter your address", "Find"),
}
TYPED = {
    "kk": "Алматы, Абылай хан даңғылы 15",
    "ru": "г. Алматы, пр. Абылай хана, д. 15",
    "en": "Almaty, Abylay Khan avenue 15",
}


@pytest.fixture
def city():
    if not Maslikhat.objects.filter(code="kz-75").exists():  # a transactional test before us flushed the map
        from django.apps import apps

        from deputies.admin_map import load_admin_map

        load_admin_map(apps)
    kz75 = Maslikhat.objects.get(code="kz-75")
    district = ElectoralDistrictFactory(
        maslikhat=kz75,
        number=1,
        is_demo=True,
        boundary={
            "type": "Polygon",
            "coordinates": [[[76.92, 43.24], [76.95, 43.24], [76.95, 43.26], [76.92, 43.26], [76.92, 43.24]]],
        },
    )
    cover(district, "Алматы", "пр. Абылай хана", "нечет 1-99")
    return {
        "smd": DeputyFactory(
            maslikhat=kz75, district=district, full_name="Үлгіұлы Демо", is_demo=True, reception_hours="Mon 10-12"
        ),
        "list": DeputyFactory(
            maslikhat=kz75, party_list=True, full_name="Тізімов Демо", party="Respublica", is_demo=True
        ),
    }


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_citizen_finds_their_representatives(page, live_server, city, language):
    label, button = LABELS[language]
    page.goto(f"{live_server.url}/{language}/")
    page.get_by_label(label).fill(TYPED[language])
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/representatives/?address=*")
    assert page.locator("html").get_attribute("lang") == language
    main = page.locator("main")
    assert main.get_by_role("link", name="Үлгіұлы Демо", exact=True).count() == 1
    assert main.get_by_role("link", name="Тізімов Демо", exact=True).count() == 1
    # Reception hours read in the page's language (stored as "Mon 10-12"; issue 19, bug 10).
    assert {"kk": "Дс 10-12", "ru": "Пн 10-12", "en": "Mon 10-12"}[language] in main.inner_text()
    assert page.locator("svg .district-shape").count() == 1
    assert_accessible(page)


def test_autocomplete_offers_streets(page, live_server, city):
    page.goto(f"{live_server.url}/ru/")
    page.get_by_label("Введите ваш адрес").press_sequentially("Алматы, Абыл", delay=30)
    page.wait_for_function("() => document.querySelectorAll('#address-suggestions option').length > 0")
    assert page.locator("#address-suggestions option").first.get_attribute("value") == "Алматы, пр. Абылай хана"


def test_it_works_without_javascript(page_nojs, live_server, city):
    page = page_nojs
    page.goto(f"{live_server.url}/ru/")
    page.get_by_label("Введите ваш адрес").fill("Алматы, Абая 10")
    page.get_by_role("button", name="Найти").click()
    assert "/ru/representatives/" in page.url
    assert page.locator("main h2").first.inner_text()  # "nothing found" answer with a hint
    page.get_by_label("Введите ваш адрес").fill("Almaty, Abylai Khan 15")
    page.get_by_role("button", name="Найти").click()
    assert page.locator("main").get_by_role("link", name="Үлгіұлы Демо", exact=True).count() == 1
    page.get_by_role("link", name="Үлгіұлы Демо", exact=True).first.click()
    assert page.locator("h1").inner_text().startswith("Үлгіұлы Демо")


def test_deputy_and_maslikhat_pages_are_accessible(page, live_server, city):
    # axe needs JavaScript, so the pages reached without it above are checked here.
    for path in (
        f"/ru/deputies/{city['smd'].pk}/",
        "/kk/maslikhats/kz-75/",
        "/en/deputies/",
        f"/ru/districts/{city['smd'].district_id}/",
        "/ru/representatives/?address=Алматы, Абая 10",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
