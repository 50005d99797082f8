"""Pages speak one language (issue 19, bug 10): house rules, reception hours and the kind of a
followed item in the page's language."""

import pytest
from django.utils import translation

from deputies.addresses import describe_reception, describe_rule
from deputies.models import AddressCoverage
from tests.deputies.factories import DeputyFactory, ElectoralDistrictFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "rule", "reception"),
    [
        ("kk", "тақ 1–99, 12А, барлығы", "Дс 10:00–12:00, Ср 11:00–13:00"),
        ("ru", "нечет 1–99, 12А, все", "Пн 10:00–12:00, Ср 11:00–13:00"),
        ("en", "odd 1–99, 12А, all", "Mon 10:00–12:00, Wed 11:00–13:00"),
    ],
)
def test_house_rules_and_reception_hours_read_in_the_page_language(language, rule, reception):
    with translation.override(language):
        assert describe_rule("нечет 1-99, 12а, all") == rule
        assert describe_reception("Mon 10:00-12:00, Ср 11:00–13:00") == reception


def test_district_and_deputy_pages_show_them_in_kazakh(client):
    district = ElectoralDistrictFactory()
    AddressCoverage.objects.create(district=district, settlement="Алматы", street="Абая", houses="нечет 1-99")
    deputy = DeputyFactory(district=district, maslikhat=district.maslikhat, reception_hours="Mon 10:00-12:00")
    with translation.override("kk"):
        district_url, deputy_url = district.get_absolute_url(), deputy.get_absolute_url()
    html = client.get(district_url).content.decode()
    assert "тақ 1–99" in html and "нечет" not in html
    html = client.get(deputy_url).content.decode()
    assert "Дс 10:00–12:00" in html and "Mon" not in html
