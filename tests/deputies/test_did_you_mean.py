""" "Did you mean": when nothing matches, up to five known addresses close to the text (pg_trgm on
PostgreSQL, a Python fallback on SQLite), in the selector, the API and the page."""

import pytest

from deputies.selectors import address_lookup, trigram_similarity
from tests.deputies.conftest import cover

pytestmark = pytest.mark.django_db


def test_python_similarity_is_pg_trgm_similarity():
    assert trigram_similarity("abil han", "abil han") == 1.0
    assert trigram_similarity("abc", "xyz") == 0.0
    # "abilaihan" against "abil han": 6 shared trigrams of 13 (as SELECT similarity() answers)
    assert trigram_similarity("abilaihan", "abil han") == pytest.approx(6 / 13)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Абылайхана 15", "Алматы, пр. Абылай хана 15"),
        ("Алматы, Абылайхана 16", "Алматы, пр. Абылай хана 16"),
        ("Алматы, Abylaikhana 16", "Алматы, пр. Абылай хана 16"),
        ("Алматы, Дастык 5", "Алматы, пр. Достык 5"),
        ("Алматы, Республикасы 3", "Алматы, пр. Республики 3"),
    ],
)
def test_a_misspelt_street_gets_suggestions(almaty_deputies, text, suggestion):
    lookup = address_lookup(text)
    assert lookup.matches == [] and "could not find" in lookup.hint
    assert suggestion in lookup.suggestions
    # following the suggestion finds the district
    assert address_lookup(suggestion).matches


def test_the_forms_the_issue_names_resolve_or_are_suggested(almaty_deputies):
    for text in ("Абылайхана 15", "Абылай ханн 15", "Достиқ 5"):
        lookup = address_lookup(text)
        assert lookup.matches or lookup.suggestions, text


def test_suggestions_hold_the_house_and_stay_in_the_settlement(almaty_deputies):
    cover(almaty_deputies["d1"], "Талгар", "ул. Абылай хана", "1-9")
    # house 15 is not on Talgar's Abylai Khan street: only Almaty's is offered
    assert address_lookup("Абылайхана 15").suggestions == ["Алматы, пр. Абылай хана 15"]
    assert address_lookup("Талгар, Абылайхана 5").suggestions == ["Талгар, ул. Абылай хана 5"]
    assert address_lookup("Лондон, Абылайхана 15").suggestions == []
    assert address_lookup("Алматы, Бейкер-стрит 221Б").suggestions == []


def test_at_most_five_suggestions(almaty_deputies):
    for word in ("Бір", "Екі", "Үш", "Төрт", "Бес", "Алты", "Жеті", "Сегіз"):
        cover(almaty_deputies["d1"], "Алматы", f"ул. Абылайхан {word}", "all")
    assert len(address_lookup("Алматы, Абылайхн 5").suggestions) == 5


def test_the_api_answers_suggestions_beside_empty_matches(client, almaty_deputies):
    body = client.get("/api/v1/representatives/", {"address": "Алматы, Абылайхана 15"}).json()
    assert body["matches"] == [] and body["hint"]
    assert body["suggestions"] == [{"address": "Алматы, пр. Абылай хана 15"}]
    found = client.get("/api/v1/representatives/", {"address": "Алматы, Абылай хана 15"}).json()
    assert found["suggestions"] == [] and found["matches"]


def test_the_page_links_each_suggestion(client, almaty_deputies, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        html = client.get("/en/representatives/", {"address": "Алматы, Абылайхана 15"}).content.decode()
    assert "Did you mean" in html
    assert 'href="?address=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B%2C%20%D0%BF%D1%80.' in html
