"""Numbers with the language's thousands separator (issue 19, look and feel): "46 000" in Kazakh and
Russian, "46,000" in English; ids in links stay ungrouped."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from petitions.demo import seed_petitions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "expected"), [("kk", "46\xa0000"), ("ru", "46\xa0000"), ("en", "46,000")])
def test_grouped_filter(language, expected):
    with translation.override(language):
        assert Template("{% load portal_tags %}{{ n|grouped }}").render(Context({"n": 46000})) == expected


def test_petition_cards_group_the_threshold(client):
    seed_petitions()
    html = client.get("/ru/petitions/").content.decode()
    assert re.search(r"\d\xa0\d{3} нужно|\d\xa0\d{3}", html)
