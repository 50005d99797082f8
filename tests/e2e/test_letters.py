"""A citizen finds their representatives in Kazakh and writes to their deputy from the answer;
the deputy replies through the emailed link without an account. Axe-clean on every page."""

import re

import pytest

from deputies.models import Maslikhat
from letters.models import Message
from tests.deputies.conftest import cover
from tests.e2e.conftest import assert_accessible, login
from tests.factories import DeputyFactory, ElectoralDistrictFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deputy():
    if not Maslikhat.objects.filter(code="kz-75").exists():
        from django.apps import apps

        from deputies.admin_map import load_admin_map

        load_admin_map(apps)
    if not __import__("letters.models").models.LetterRules.objects.exists():
        from django.apps import apps

        from letters.reference import load_letter_rules_if_empty

        load_letter_rules_if_empty(apps)
    kz75 = Maslikhat.objects.get(code="kz-75")
    district = ElectoralDistrictFactory(maslikhat=kz75, number=1, is_demo=True)
    cover(district, "Алматы", "пр. Абылай хана", "нечет 1-99")
    return DeputyFactory(
        maslikhat=kz75, district=district, full_name="Үлгіұлы Демо", is_demo=True, email="deputy@example.kz"
    )


def test_citizen_writes_to_a_deputy_from_the_representatives_answer_in_kazakh(
    page, live_server, deputy, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    citizen = UserFactory(first_name="Айгүл", last_name="Сейтова", preferred_language="kk")
    login(page, live_server, citizen, language="kk")
    page.goto(f"{live_server.url}/kk/representatives/?address=Алматы, Абылай хан даңғылы 15")
    assert_accessible(page)
    page.get_by_role("link", name="Үлгіұлы Демо депутатқа жазу").first.click()
    page.wait_for_url("**/kk/deputies/*/write/*")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "e-Otinish" in page.locator("main").inner_text()
    assert_accessible(page)
    assert page.get_by_label("Мекенжайыңыз").input_value().startswith("Алматы")
    page.get_by_label("Тақырып").fill("Аула жарығы")
    page.get_by_label("Сіздің хатыңыз").fill("Біздің аулада кешке жарық жоқ, балалар қараңғыда ойнайды.")
    page.get_by_role("button", name="Хатты жіберу").click()
    page.wait_for_url("**/kk/messages/*/")
    message = Message.objects.get()
    assert message.deputy_id == deputy.pk
    assert "Аула жарығы" in page.locator("main").inner_text()
    assert_accessible(page)

    # The deputy opens the emailed link without an account and replies.
    mail = next(m for m in smtp_server.messages if "deputy@example.kz" in m["to"])
    text = mail["message"].get_body(preferencelist=("plain",)).get_content()
    url = re.search(r"http\S+/messages/reply/\S+/", text).group(0)
    page.context.clear_cookies()
    page.goto(url)
    assert "Біздің аулада" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Сіздің жауабыңыз").fill("Әкімдікке сұрау жібердім.")
    page.get_by_role("button", name="Жауапты жіберу").click()
    page.wait_for_load_state()
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED
    assert_accessible(page)
