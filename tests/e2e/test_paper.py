"""Staff type a paper sheet into the site with the keyboard alone: Enter saves a row, the form comes
back empty and focused with a confirmation; a bad row shows the error summary and keeps the values."""

from datetime import date

import pytest
from django.utils import timezone

from petitions.models import Signature
from portal.iin import make_iin
from portal.models import Role
from tests.e2e.conftest import assert_accessible, login
from tests.e2e.test_petitions import open_petition  # noqa: F401 - the fixture
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_enter_a_sheet_row_by_row_with_the_keyboard(page, live_server, open_petition, settings):  # noqa: F811
    settings.DAUYS_REQUIRE_MFA_FOR_OFFICIALS = False  # this test is about the form, not MFA
    staff = UserFactory(first_name="Сара", last_name="Хатшы")
    grant(staff, Role.STAFF, "kz-75")
    login(page, live_server, staff, language="ru")
    today = timezone.localdate().isoformat()
    page.goto(f"{live_server.url}/ru/staff/petitions/{open_petition.pk}/paper/?on={today}")
    assert_accessible(page)
    assert page.evaluate("document.activeElement.name") == "full_name"

    page.keyboard.type("Қасымова Әлия")
    page.keyboard.press("Tab")
    page.keyboard.type(make_iin(date(1990, 1, 1), serial=1))
    page.keyboard.press("Tab")
    page.keyboard.type("Алматы, Абая 5")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Сохранено: ******" in page.locator(".messages").inner_text()
    assert "округ 7" in page.locator(".messages").inner_text()
    assert page.evaluate("document.activeElement.name") == "full_name"
    assert page.locator("#id_full_name").input_value() == ""
    assert page.locator("#id_signed_on").input_value() == today
    assert Signature.objects.filter(petition=open_petition, method="paper").count() == 1
    assert_accessible(page)

    page.keyboard.type("Өтегенов Ғалым")
    page.keyboard.press("Tab")
    page.keyboard.type("123")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "ИИН" in summary.inner_text()
    assert page.locator("#id_full_name").input_value() == "Өтегенов Ғалым"
    assert page.evaluate("document.activeElement.name") == "iin"  # the first field in error
    assert_accessible(page)
    assert Signature.objects.filter(petition=open_petition, method="paper").count() == 1
