"""A session page and the comparison table in Russian, without JavaScript, axe clean."""

import copy
from datetime import date

import pytest

from deputies.models import Convocation, Maslikhat
from sittings.imports import sessions_import_data
from sittings.models import Session
from tests.deputies.factories import DeputyFactory
from tests.e2e.conftest import assert_accessible
from tests.sittings.conftest import GOOD, NAMES

pytestmark = pytest.mark.django_db(transaction=True)


def _imported() -> Session:
    almaty = Maslikhat.objects.get(code="kz-75")
    Convocation.objects.get_or_create(maslikhat=almaty, number=8, defaults={"elected_on": date(2023, 3, 19)})
    for name in NAMES:
        DeputyFactory(maslikhat=almaty, full_name=name, party_list=True)
    report = sessions_import_data(copy.deepcopy(GOOD))
    assert report.ok, report.errors
    return Session.objects.get(number=21)


def test_session_page_and_comparison_table_in_russian_without_javascript(page_nojs, live_server):
    session = _imported()
    page = page_nojs
    page.goto(f"{live_server.url}/ru/sessions/{session.pk}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    main = page.locator("main")
    assert "О бюджете" in main.inner_text() and "Решение принято" in main.inner_text()
    assert "За: 2 · против: 1 · воздержались: 0 · не голосовали: 0" in main.inner_text()
    page.locator("summary", has_text="Как голосовал каждый депутат").first.click()  # <details>, no script
    against = page.locator("dl.roll-call").first.locator("dt:has-text('Против') + dd")
    assert against.is_visible() and against.inner_text() == "Сейтқали Асқар"
    assert "Присутствовали: 3 из 4" in main.inner_text()

    page.goto(f"{live_server.url}/ru/scorecards/")
    assert page.locator("h1").inner_text() == "Сравнение маслихатов"
    page.locator("th a", has_text="Проведено сессий").click()  # sorting is a link: the server sorts
    page.wait_for_load_state()
    assert "sort=sessions_held" in page.url
    first_row = page.locator("table.scorecards tbody tr").first
    assert "kz-75" in first_row.locator("th a").get_attribute("href")
    assert first_row.locator("td").first.inner_text() == "2"
    first_row.locator("td a").first.click()  # the rows behind the figure
    page.wait_for_load_state()
    assert page.locator("ul.cards li.card").count() == 2


def test_session_pages_and_scorecards_are_accessible(page, live_server):
    # axe needs JavaScript, so the pages reached without it above are checked here.
    session = _imported()
    for path in (
        f"/ru/sessions/{session.pk}/",
        "/ru/sessions/?maslikhat=kz-75",
        "/ru/sessions/calendar/?month=2025-02",
        "/ru/sessions/decisions/?maslikhat=kz-75",
        "/ru/scorecards/?sort=attendance&dir=asc",
        "/ru/scorecards/kz-75/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
