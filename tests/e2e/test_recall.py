"""A voter signs a recall request in Kazakh, in a real browser; the pages pass axe-core."""

from datetime import date

import pytest
from django.utils import translation

from recalls.models import RecallSignature
from tests.e2e.conftest import assert_accessible, login
from tests.factories import UserFactory
from tests.recalls.support import (
    address_for,
    collecting_recall,
    commission_member,
    ensure_reference_data,
    iins,
    smd_deputy,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _reference_data_after_the_flush(django_db_setup, django_db_blocker):
    # transactional tests end by flushing the database; a reused test database would then lack the
    # rows that migrations load, so they are put back once this module is done
    yield
    with django_db_blocker.unblock():
        ensure_reference_data()


def _kk(text: str) -> str:
    with translation.override("kk"):
        translated = translation.gettext(text)
    assert translated != text, f"not translated into Kazakh: {text}"
    return translated


def test_voter_signs_a_recall_in_kazakh(page, live_server):
    ensure_reference_data()
    today = date.today()  # the live server signs on the real day, so the term is placed around it
    deputy = smd_deputy(voters=30, elected_on=date(today.year - 2, 1, 15))
    recall = collecting_recall(deputy, commission_member(), today=today)
    voter = UserFactory(preferred_language="kk")
    iin = iins(1, start=2024)[0]

    page.goto(f"{live_server.url}/kk/recalls/{recall.pk}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert _kk("Collecting signatures") in page.locator("main").inner_text()
    assert_accessible(page)

    login(page, live_server, voter, language="kk")
    page.goto(f"{live_server.url}/kk/recalls/{recall.pk}/")
    page.get_by_role("link", name=_kk("Sign the recall request")).click()
    assert_accessible(page)

    page.get_by_label(_kk("IIN")).fill("900101300018")  # a typo: the check digit does not match
    page.get_by_label(_kk("Home address")).fill(address_for(deputy))
    page.get_by_label(_kk("I am a citizen of Kazakhstan, at least 18 years old, and a voter of this district.")).check()
    page.get_by_role("button", name=_kk("Sign"), exact=True).click()
    assert _kk("This is not a valid IIN: the check digit does not match. Please check for typos.") in page.content()
    assert_accessible(page)

    page.get_by_label(_kk("IIN")).fill(iin)
    page.get_by_label(_kk("I am a citizen of Kazakhstan, at least 18 years old, and a voter of this district.")).check()
    page.get_by_role("button", name=_kk("Sign"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/kk/recalls/{recall.pk}/")
    main = page.locator("main").inner_text()
    assert _kk("Thank you: your signature has been recorded.") in main
    assert "******" + iin[-4:] in main and iin not in page.content()
    assert iin not in page.url
    assert_accessible(page)
    assert RecallSignature.objects.filter(recall=recall, user=voter).count() == 1
