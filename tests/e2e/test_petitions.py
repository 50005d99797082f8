"""A citizen signs a petition in Russian and sees the count and the progress bar move."""

import pytest

from deputies.models import AddressCoverage
from petitions.models import Petition
from tests.deputies.factories import ElectoralDistrictFactory
from tests.e2e.conftest import assert_accessible, login
from tests.factories import UserFactory
from tests.petitions.factories import TEXT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_petition(db):
    from deputies.models import Maslikhat
    from petitions import services, transitions
    from portal.models import Role
    from tests.factories import grant

    almaty = Maslikhat.objects.select_related("unit").get(code="kz-75")
    district = ElectoralDistrictFactory(maslikhat=almaty, number=7, name_ru="Округ № 7")
    AddressCoverage.objects.create(
        district=district,
        settlement="Алматы",
        settlement_key="алматы",
        street="ул. Абая",
        street_key="абая",
        houses="all",
    )
    author = UserFactory(is_citizen=True)
    staff = UserFactory(mfa=True)
    grant(staff, Role.STAFF, "kz-75")
    petition = services.petition_create(
        author=author, title="Озеленить улицу Абая", text=TEXT, maslikhat=almaty, topic=Petition.Topic.ENVIRONMENT
    )
    services.petition_submit(petition=petition, actor=author)
    services.petition_approve(petition=petition, actor=staff)
    return transitions.petition_transition(petition=petition, to=Petition.Status.OPEN, actor=None)


def test_sign_a_petition_in_russian(page, live_server, open_petition):
    citizen = UserFactory(first_name="Данияр", last_name="Касымов", is_citizen=False, address="")
    login(page, live_server, citizen, language="ru")
    page.goto(f"{live_server.url}/ru/petitions/{open_petition.pk}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("#progress").get_attribute("value") == "0"
    assert_accessible(page)
    page.get_by_label("Ваш домашний адрес").fill("Алматы, Абая 10")
    page.get_by_label("Я гражданин Республики Казахстан").check()
    assert "будут переданы" in page.locator("#id_consent_helptext").inner_text()  # what goes where, said first
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Подписать", exact=True).click()
    page.wait_for_load_state()
    assert "Спасибо" in page.locator(".messages").inner_text()
    # The nudged tally has run (tasks are eager here): the count and the bar moved.
    assert page.locator("[data-count=resident_signature_count]").inner_text() == "1"
    assert page.locator("#progress").get_attribute("value") == "1"
    assert "Вы подписали эту петицию" in page.content()
    assert_accessible(page)
    page.goto(f"{live_server.url}/ru/petitions/")
    assert page.get_by_role("link", name="Озеленить улицу Абая").is_visible()
    assert_accessible(page)
