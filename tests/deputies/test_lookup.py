"""address_lookup and representatives_for_address/point: every address form, every rule, levels,
ambiguity, not-found, bad input, a constant number of queries."""

import datetime

import pytest

from deputies import geo
from deputies.addresses import AddressInputError
from deputies.models import AdministrativeUnit, Deputy, ElectoralDistrict, Maslikhat
from deputies.selectors import (
    PointInputError,
    address_lookup,
    address_suggestions,
    representatives_for_address,
    representatives_for_point,
)
from tests.deputies.factories import DeputyFactory, ElectoralDistrictFactory, cover

pytestmark = pytest.mark.django_db


def numbers(text):
    return [[d.number for d in m.districts] for m in address_lookup(text).matches]


@pytest.mark.parametrize(
    "text",
    [
        "Алматы, пр. Абылай хана 15",
        "Алматы, Абылай хана, 15",
        "г. Алматы, проспект Абылай хана, д. 15",
        "Алматы, Абылай хан даңғылы 15",
        "Almaty, Abylai Khan avenue 15",
        "Almaty, Abylay khan 15",
        "Абылай хана 15, Алматы",
        "алматы абылай хана 15",
        "Алматы қаласы, Абылай хан даңғылы, 15 үй",
        "Алматы, пр. Абылай хана, дом 15, кв. 8",
        "Алматинская область, Алматы, Абылай хана 15",
    ],
)
def test_what_people_type_finds_the_district(almaty_deputies, text):
    assert numbers(text) == [[1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Алматы, Абылай хана 16", [[2]]),  # even side
        ("Алматы, Абая 10", [[2]]),
        ("Алматы, улица Абая 10", [[2]]),
        ("Алматы, Абай көшесі 10", [[2]]),
        ("Almaty, Abai 10", [[2]]),
        ("Almaty, Abay str. 10", [[2]]),
        ("Алматы, Абая 58А", [[2]]),
        ("Алматы, Абая 58а", [[2]]),
        ("Алматы, Абая 58 А", [[2]]),
        ("Алматы, Абая 60/1", [[2]]),
        ("Алматы, Абая д. 12", [[2]]),
        ("Алматы, Достық 5", [[1]]),
        ("Алматы, Достык 5", [[1]]),
        ("Almaty, Dostyk 5", [[1]]),
        ("Алматы, Республики 3", [[1]]),
        ("Алматы, Республика даңғылы 4", [[1]]),
        ("Алматы, Qosshy 3", [[2]]),
        ("Алматы, Қосшы көшесі 40", [[2]]),
        ("Алматы, мкр. Самал-2, 5", [[2]]),
        ("Алматы, Самал-2 ықшамауданы 5", [[2]]),
        ("Almaty, Samal 2, 5", [[2]]),
        ("Алматы, микрорайон Самал-2", [[2]]),  # the whole microdistrict is one district: no house needed
    ],
)
def test_address_forms(almaty_deputies, text, expected):
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Алматы, Абая 59",  # between the rule's items
        "Алматы, Абая 58Б",  # 58А is listed, not 58Б
        "Алматы, Абая 60/2",  # 60/1 is listed, not 60/2
        "Алматы, Абая 141",  # beyond the last range
        "Алматы, Республики 39",  # odd only to 37
        "Алматы, Республики 42",  # even only to 40
        "Алматы, Абылай хана 101",  # odd side ends at 99
        "Алматы, Толе би 121",
    ],
)
def test_a_house_outside_every_rule_is_not_found(almaty_deputies, text):
    lookup = address_lookup(text)
    assert lookup.matches == []
    assert "is not in any electoral district" in lookup.hint


def test_a_split_street_needs_the_house_number(almaty_deputies):
    lookup = address_lookup("Алматы, Абылай хана")
    assert lookup.matches == []
    assert "house number" in lookup.hint


def test_unknown_street_gets_a_hint_not_a_guess(almaty_deputies):
    lookup = address_lookup("Алматы, Бейкер-стрит 221Б")
    assert lookup.matches == [] and "could not find" in lookup.hint
    assert address_lookup("Лондон, Абылай хана 15").matches == []
    assert "settlement" in address_lookup("12").hint


def test_two_settlements_with_the_same_street_give_a_picker(almaty_deputies):
    astana = Maslikhat.objects.get(code="kz-71")
    cover(ElectoralDistrictFactory(maslikhat=astana, number=9), "Астана", "пр. Абылай хана", "all")
    lookup = address_lookup("Абылай хана 15")
    assert sorted(m.label for m in lookup.matches) == ["Алматы, пр. Абылай хана, 15", "Астана, пр. Абылай хана, 15"]
    # naming the settlement settles it
    assert [m.settlement for m in address_lookup("Астана, Абылай хана 15").matches] == ["Астана"]


def test_two_streets_that_read_alike_give_a_picker(almaty_deputies):
    cover(almaty_deputies["d1"], "Алматы", "мкр. Самал", "1-50")
    labels = sorted(m.label for m in address_lookup("Алматы, Самал 2").matches)
    assert labels == ["Алматы, мкр. Самал, 2", "Алматы, мкр. Самал-2"]


def test_city_address_is_represented_by_its_smd_deputy_and_the_city_party_list(almaty_deputies):
    answer = representatives_for_address("Алматы, Абылай хана 15")
    (match,) = answer.matches
    (group,) = match.groups
    assert group.maslikhat.code == "kz-75"
    assert group.seat.deputy == almaty_deputies["smd1"]
    assert group.party_list == sorted(almaty_deputies["list"], key=lambda d: d.full_name)
    assert match.representatives == [
        almaty_deputies["smd1"],
        *sorted(almaty_deputies["list"], key=lambda d: d.full_name),
    ]


@pytest.fixture
def oblast():
    """Talgar district (tier 2) under Almaty Region (tier 1): both describe the same street."""
    region = Maslikhat.objects.get(code="kz-19")
    unit = AdministrativeUnit.objects.create(
        code="kz-19-talgar",
        kind="district",
        parent=region.unit,
        name_kk="Талғар ауданы",
        name_ru="Талгарский район",
        name_en="Talgar District",
    )
    talgar = Maslikhat.objects.create(
        unit=unit,
        code=unit.code,
        level="district",
        name_kk="Талғар",
        name_ru="Талгар",
        name_en="Talgar",
    )
    lower = ElectoralDistrictFactory(maslikhat=talgar, number=3)
    upper = ElectoralDistrictFactory(maslikhat=region, number=7)
    cover(lower, "Талгар", "ул. Абая", "all")
    cover(upper, "Талгар", "ул. Абая", "all")
    return {
        "lower": lower,
        "upper": upper,
        "lower_deputy": DeputyFactory(maslikhat=talgar, district=lower),
        "upper_deputy": DeputyFactory(maslikhat=region, district=upper),
        "list": DeputyFactory(maslikhat=region, party_list=True),
    }


def test_oblast_settlement_has_three_kinds_of_representatives(oblast):
    (match,) = representatives_for_address("Талгар, Абая 3").matches
    assert [d.maslikhat.code for d in match.match.districts] == ["kz-19-talgar", "kz-19"]  # lowest level first
    district_group, oblast_group = match.groups
    assert district_group.seat.deputy == oblast["lower_deputy"] and district_group.party_list == []
    assert oblast_group.seat.deputy == oblast["upper_deputy"] and oblast_group.party_list == [oblast["list"]]


def test_oblast_party_list_is_shown_even_without_the_oblast_district(oblast):
    oblast["upper"].coverage.all().delete()
    (match,) = representatives_for_address("Талгар, Абая 3").matches
    assert [g.maslikhat.code for g in match.groups] == ["kz-19-talgar", "kz-19"]
    assert match.groups[1].seat is None and match.groups[1].party_list == [oblast["list"]]


def test_a_seat_whose_deputy_resigned_is_shown_vacant(almaty_deputies):
    smd = almaty_deputies["smd1"]
    smd.status, smd.status_changed_on = Deputy.Status.RESIGNED, datetime.date(2025, 9, 1)
    smd.save()
    (match,) = representatives_for_address("Алматы, Абылай хана 15").matches
    seat = match.groups[0].seat
    assert seat.vacant and seat.former == smd
    assert match.vacant_seats == [seat]
    assert smd not in match.representatives


@pytest.mark.parametrize("text", ["", "   ", "x" * 201, "Алматы\x00Абая", "Алматы\tАбая 10"])
def test_malformed_input_raises(almaty_deputies, text):
    with pytest.raises(AddressInputError):
        representatives_for_address(text)


@pytest.mark.parametrize(
    "text",
    [
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "а " * 99,
        ",,,,,",
        "'; DROP TABLE x; --",
        "%_%",
        "🏠 10",
        "Алматы, " + "Абылай " * 20 + "15",
        "-1",
        "99999999999999999999",
        "д. д. д.",
        "№ 5/",
        "Ω≈ç√∫",
    ],
)
def test_odd_input_never_crashes(almaty_deputies, text):
    lookup = address_lookup(text)
    assert lookup.matches == [] or lookup.matches[0].districts


def test_a_lookup_costs_the_same_queries_however_many_rows(almaty_deputies, django_assert_num_queries):
    with django_assert_num_queries(3):
        representatives_for_address("Алматы, Абылай хана 15")
    for n in range(300):
        cover(almaty_deputies["d1"], "Алматы", f"ул. Улица{n}", "all")
        cover(almaty_deputies["d2"], f"Посёлок{n}", "пр. Абылай хана", "all")
    with django_assert_num_queries(3):
        representatives_for_address("Алматы, Абылай хана 15")
    with django_assert_num_queries(1):  # the street matched, not the house: only the coverage query
        address_lookup("Алматы, Абылай хана 101")


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[76.90, 43.20], [77.00, 43.20], [77.00, 43.30], [76.90, 43.30], [76.90, 43.20]]],
}


def test_point_lookup_uses_the_boundaries(almaty_deputies, django_assert_max_num_queries):
    almaty_deputies["d1"].boundary = SQUARE
    almaty_deputies["d1"].save()
    almaty_deputies["d2"].boundary = {
        "type": "Feature",
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[[[77.0, 43.2], [77.1, 43.2], [77.1, 43.3], [77.0, 43.3], [77.0, 43.2]]]],
        },
    }
    almaty_deputies["d2"].save()
    geo.boundaries_changed()
    (match,) = representatives_for_point(43.25, 76.95).matches
    assert match.match.districts == [almaty_deputies["d1"]] and match.groups[0].seat.deputy == almaty_deputies["smd1"]
    assert [m.match.districts for m in representatives_for_point("43.25", "77.05").matches] == [[almaty_deputies["d2"]]]
    outside = representatives_for_point(51.1, 71.4)
    assert outside.matches == [] and outside.hint
    with django_assert_max_num_queries(2):  # the index is cached per process
        representatives_for_point(43.25, 76.95)


def test_point_index_sees_new_boundaries_after_a_change(almaty_deputies):
    assert representatives_for_point(43.25, 76.95).matches == []
    ElectoralDistrict.objects.filter(pk=almaty_deputies["d1"].pk).update(boundary=SQUARE)
    geo.boundaries_changed()
    assert len(representatives_for_point(43.25, 76.95).matches) == 1


@pytest.mark.parametrize(
    ("lat", "lon"), [("abc", "1"), (None, 1), ("91", "0"), ("0", "181"), ("nan", "0"), ("inf", "0"), ("", "")]
)
def test_bad_points_are_refused(lat, lon):
    with pytest.raises(PointInputError):
        representatives_for_point(lat, lon)


def test_autocomplete_suggests_settlements_and_streets(almaty_deputies):
    assert "Алматы, пр. Абылай хана" in address_suggestions("Алматы, Абыл")
    assert "Алматы, пр. Абылай хана" in address_suggestions("Almaty, Abyl")
    assert "Алматы, " in address_suggestions("Алм")
    assert address_suggestions("Алматы, Достық") == ["Алматы, пр. Достык"]
    assert address_suggestions("а") == [] and address_suggestions("") == []
