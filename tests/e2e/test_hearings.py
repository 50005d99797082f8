from datetime import timedelta

import pytest
from django.utils import timezone

from deputies.models import Maslikhat, StandingCommission
from hearings.models import Hearing, Registration
from portal.models import Role
from tests.e2e.conftest import assert_accessible, login
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_schedule_a_hearing_and_a_citizen_registers_in_kazakh(page, live_server, settings):
    # The staff member here has no authenticator: this test is about hearings, not MFA.
    settings.DAUYS_REQUIRE_MFA_FOR_OFFICIALS = False
    staff = UserFactory(first_name="Сара", last_name="Хатшы")
    grant(staff, Role.STAFF, "kz-75")
    commission = StandingCommission.objects.create(
        maslikhat=Maslikhat.objects.get(code="kz-75"),
        name_kk="Әлеуметтік комиссия",
        name_ru="Социальная комиссия",
    )
    citizen = UserFactory(first_name="Айгүл", last_name="Сейтова", preferred_language="kk")
    start = timezone.localtime() + timedelta(days=21)
    start = start.replace(hour=15, minute=0, second=0, microsecond=0)

    login(page, live_server, staff, language="kk")
    page.goto(f"{live_server.url}/kk/staff/hearings/new/")
    assert_accessible(page)
    page.select_option("#id_maslikhat", str(commission.maslikhat.pk))
    page.select_option("#id_commission", str(commission.pk))
    page.select_option("#id_hearing_type", "social")
    page.fill("#id_topic_kk", "Аулалардағы балалар алаңдары")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_venue_address", "Алматы, Абылай хан даңғылы 91")
    page.fill("#id_capacity", "25")
    page.check("input[name=languages][value=kk]")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    hearing = Hearing.objects.get()
    assert page.url.endswith(f"/kk/staff/hearings/{hearing.pk}/")
    assert hearing.starts_at == start and hearing.capacity == 25
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, live_server, citizen, language="kk")
    page.goto(f"{live_server.url}/kk/hearings/{hearing.pk}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.click(f"form[action='/kk/hearings/{hearing.pk}/register/'] button")
    page.wait_for_load_state()
    registration = Registration.objects.get(user=citizen)
    assert registration.status == Registration.Status.SEATED
    assert registration.code in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}/kk/hearings/calendar/?month={start:%Y-%m}")
    link = page.locator(f"table a[href='/kk/hearings/{hearing.pk}/']")
    assert "Аулалардағы балалар алаңдары" in link.inner_text()
    assert_accessible(page)
