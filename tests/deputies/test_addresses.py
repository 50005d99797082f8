"""Address keys, house numbers and house-number rules (no database)."""

import pytest

from deputies.addresses import (
    AddressInputError,
    RuleError,
    house_in_rule,
    house_key,
    parse_rule,
    rules_overlap,
    settlement_key,
    street_key,
    validate_address_text,
)


@pytest.mark.parametrize(
    "forms",
    [
        [
            "пр. Абылай хана",
            "проспект Абылай хана",
            "Абылай хан даңғылы",
            "Abylai Khan avenue",
            "Abylay khan",
            "АБЫЛАЙ ХАНА",
        ],
        ["ул. Абая", "улица Абая", "Абай көшесі", "Abai", "Abay street", "Абай"],
        ["Достық даңғылы", "пр. Достык", "Dostyk", "достык"],
        ["ул. Қосшы", "Qosshy", "Қосшы көшесі", "Kosshy"],
        ["пр. Республики", "Республика даңғылы", "Respublika avenue", "проспект Республика"],
        ["мкр. Самал-2", "микрорайон Самал 2", "Самал-2 ықшамауданы", "mkr Samal-2"],
        ["Кабанбай батыра", "Қабанбай батыр көшесі", "Kabanbay batyr"],
        ["Сәтбаев көшесі", "ул. Сатпаева", "Satpayev street"],
    ],
)
def test_street_forms_meet_on_one_key(forms):
    keys = {street_key(form) for form in forms}
    assert len(keys) == 1, dict(zip(forms, [street_key(f) for f in forms], strict=True))


def test_different_streets_keep_different_keys():
    assert len({street_key(s) for s in ["Абая", "Абылай хана", "Толе би", "Достык", "Самал-1", "Самал-2"]}) == 6


@pytest.mark.parametrize(
    "forms", [["Алматы", "г. Алматы", "Almaty", "Алматы қаласы"], ["Шымкент", "Shymkent", "город Шымкент"]]
)
def test_settlement_forms_meet(forms):
    assert len({settlement_key(form) for form in forms}) == 1


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("12", "12"),
        ("12А", "12a"),
        ("12а", "12a"),
        ("12 А", "12a"),
        ("д. 12", "12"),
        ("дом 12", "12"),
        ("5/1", "5/1"),
        ("5 / 1", "5/1"),
        ("11", "11"),
        ("Абая", ""),
    ],
)
def test_house_forms(typed, key):
    assert house_key(typed) == key


@pytest.mark.parametrize(
    ("house", "rule", "covered"),
    [
        ("7", "all", True),
        ("7", "все", True),
        ("7", "барлығы", True),
        ("12", "12", True),
        ("12А", "12А", True),
        ("12а", "12А", True),
        ("12Б", "12А", False),
        ("12", "12А", False),
        ("5/1", "5/1", True),
        ("5", "5/1", False),
        ("5/2", "5/1", False),
        ("1", "1-25", True),
        ("25", "1-25", True),
        ("26", "1-25", False),
        ("12А", "1-25", True),
        ("37", "odd 1-37", True),
        ("36", "odd 1-37", False),
        ("39", "odd 1-37", False),
        ("37", "нечет 1-37", True),
        ("37", "тақ 1-37", True),
        ("2", "нечет 1-37", False),
        ("40", "even 2-40", True),
        ("40", "чет 2-40", True),
        ("40", "жұп 2-40", True),
        ("41", "even 2-40", False),
        ("58А", "1-57, 58А, 60/1, 62-140", True),
        ("58", "1-57, 58А, 60/1, 62-140", False),
        ("59", "1-57, 58А, 60/1, 62-140", False),
        ("60/1", "1-57, 58А, 60/1, 62-140", True),
        ("100", "1-57, 58А, 60/1, 62-140", True),
        ("", "all", False),
    ],
)
def test_house_rules(house, rule, covered):
    assert house_in_rule(house, rule) is covered


@pytest.mark.parametrize("rule", ["", "odd", "1-", "5-1", "нечет 12А", "корпус", "1-25 и далее"])
def test_malformed_rules_are_refused(rule):
    with pytest.raises(RuleError):
        parse_rule(rule)
    assert house_in_rule("5", rule) is False


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("нечет 1-99", "чет 2-100", False),
        ("1-10", "11-20", False),
        ("1-10", "10-20", True),
        ("all", "5", False),  # a carve-out, not an overlap
        ("all", "all", True),
        ("odd 1-9", "3", False),  # a carve-out
        ("1-30", "30Б", False),
        ("odd 1-9", "4", False),
        ("12А", "12А", True),
        ("12А", "12Б", False),
        ("odd 1-9", "1-2", True),
        ("even 2-8", "3-3", False),
        ("odd 1-9", "odd 9-11", True),
    ],
)
def test_rule_overlap(first, second, overlap):
    assert rules_overlap(first, second) is overlap


@pytest.mark.parametrize(
    "text", ["", "   ", None, "a" * 201, "Алматы\x00", "Алматы,\nАбая 10", "Абая\u200b10", "x\x7f"]
)
def test_malformed_addresses_are_refused(text):
    with pytest.raises(AddressInputError):
        validate_address_text(text)


def test_an_address_of_200_characters_is_accepted():
    assert validate_address_text("а" * 200) == "а" * 200
