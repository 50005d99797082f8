"""A citizen types an address on the home page in each language and sees their representatives."""

import pytest

from deputies.models import Maslikhat
from tests.deputies.factories import DeputyFactory, ElectoralDistrictFactory, cover
from tests.e2e.conftest import assert_accessible

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
    box = page.get_by_role("combobox", name="Введите ваш адрес")
    box.press_sequentially("Алматы, Абыл", delay=30)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.get_by_role("option").first.inner_text() == "Алматы, пр. Абылай хана"
    assert_accessible(page)
    # keyboard: down arrow highlights the option, Enter puts it in the field, the list closes
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "address-option-0"
    box.press("Enter")
    assert box.input_value() == "Алматы, пр. Абылай хана"
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially(" 15")
    box.press("Enter")
    page.wait_for_url("**/representatives/?address=*")
    assert page.locator("main").get_by_role("link", name="Үлгіұлы Демо", exact=True).count() == 1


def test_a_misspelt_street_offers_did_you_mean_links(page, live_server, city):
    page.goto(f"{live_server.url}/en/representatives/?address=Алматы, Абылайхана 15")
    link = page.locator("main").get_by_role("link", name="Алматы, пр. Абылай хана 15")
    assert_accessible(page)
    link.click()
    assert page.locator("main").get_by_role("link", name="Үлгіұлы Демо", exact=True).count() == 1


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


def _no_tiles(page):
    # Tiles need not load in tests (no network): answer every tile request with nothing.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())


def test_the_map_shows_the_boundary_over_the_streets_and_answers_a_click(page, live_server, city):
    _no_tiles(page)
    page.goto(f"{live_server.url}/en/representatives/?address=Almaty, Abylai Khan 15")
    figure = page.locator("figure[data-map-ready=true]")
    figure.wait_for()
    assert figure.locator(".leaflet-container").count() == 1
    assert figure.locator("path.district-boundary").count() == 1  # the GeoJSON layer
    assert figure.locator(".leaflet-tile-pane").count() == 1
    assert "OpenStreetMap" in figure.locator(".leaflet-control-attribution").inner_text()
    assert not figure.locator("svg[role=img]").is_visible()  # the SVG outline gives way to the live map
    assert "Click the map" in figure.inner_text()
    assert_accessible(page)
    # a click inside the district asks who represents that point
    figure.scroll_into_view_if_needed()
    box = figure.locator("path.district-boundary").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/representatives/?lat=*")
    assert page.locator("main").get_by_role("link", name="Үлгіұлы Демо", exact=True).count() == 1
    marked = page.locator("figure[data-map-ready=true]")
    marked.wait_for()
    assert marked.get_attribute("data-lat")  # the searched point is marked
    assert marked.locator("path.searched-point").count() == 1
    assert_accessible(page)
    # the printed page keeps the SVG outline
    page.emulate_media(media="print")
    assert marked.locator("svg[role=img]").is_visible() and not marked.locator(".live-map").is_visible()


def test_the_csp_allows_the_tile_host_for_images_only(page, live_server, city):
    response = page.request.get(f"{live_server.url}/en/representatives/?address=Almaty, Abylai Khan 15")
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";") if part.strip()
    )
    assert "https://tile.openstreetmap.org" in policy["img-src"]
    assert all("openstreetmap" not in policy[key] for key in ("script-src", "style-src", "connect-src", "default-src"))


def test_without_javascript_the_svg_outline_stays(page_nojs, live_server, city):
    page_nojs.goto(f"{live_server.url}/ru/representatives/?address=Almaty, Abylai Khan 15")
    assert page_nojs.locator("svg .district-shape").is_visible()
    assert not page_nojs.locator(".live-map").first.is_visible()
