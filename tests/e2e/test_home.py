import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

HEADINGS = {"kk": "Мені кім білдіреді?", "ru": "Кто меня представляет?", "en": "Who represents me?"}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_home_page_in_each_language_is_accessible(page, live_server, language):
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == HEADINGS[language]
    assert_accessible(page)


def test_language_switcher_and_search_work_without_javascript(page_nojs, live_server):
    page = page_nojs
    page.goto(f"{live_server.url}/kk/")
    page.get_by_role("link", name="Русский").click()
    assert page.url.endswith("/ru/")
    assert page.locator("h1").inner_text() == HEADINGS["ru"]
    page.get_by_label("Введите ваш адрес").fill("Алматы, Абая 10")
    page.get_by_role("button", name="Найти").click()
    assert "address=" in page.url
