from datetime import date

import pytest
from django.core.exceptions import ValidationError

from portal.iin import birth_date, check_digit, make_iin, validate_iin

VECTORS = ["900101300017", "850515412343", "000229500018", "010101600079"]


@pytest.mark.parametrize("iin", VECTORS)
def test_documented_vectors_are_valid(iin):
    assert validate_iin(iin) == iin


def test_second_weight_pass_is_used_when_the_first_gives_ten():
    first = sum(int(d) * w for d, w in zip("01010160007", range(1, 12), strict=True)) % 11
    assert first == 10
    assert check_digit("01010160007") == 9


def test_birth_date_and_century():
    assert birth_date("900101300017") == date(1990, 1, 1)
    assert birth_date("000229500018") == date(2000, 2, 29)
    assert birth_date("850515412343") == date(1985, 5, 15)


def _with_check(prefix: str) -> str:
    digit = check_digit(prefix)
    assert digit is not None
    return prefix + str(digit)


def _code(value, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        validate_iin(value, **kwargs)
    assert value not in " ".join(info.value.messages)  # the IIN is never echoed
    return info.value.code


def test_bad_checksum_is_refused():
    assert _code("900101300018") == "checksum"


def test_impossible_prefix_is_refused():
    # a prefix on which both weight passes give 10: no check digit exists
    prefix = next(f"9001013{n:04d}" for n in range(10000) if check_digit(f"9001013{n:04d}") is None)
    for last in "0123456789":
        assert _code(prefix + last) == "checksum"


def test_thirtieth_of_february_is_refused_even_with_a_matching_check_digit():
    assert _code(_with_check("9002303000" + "1")) == "date"


def test_twenty_ninth_of_february_only_in_leap_years():
    assert validate_iin(_with_check("96022930001"))
    assert _code(_with_check("97022930001")) == "date"


@pytest.mark.parametrize("century", ["0", "7", "9"])
def test_century_digit_outside_one_to_six_is_refused(century):
    prefix = f"900101{century}0001"
    candidate = prefix + str(check_digit(prefix) or 0)
    assert _code(candidate) == "century"


def test_under_eighteen_on_the_signing_day_is_refused_and_the_birthday_counts():
    iin = make_iin(date(2008, 6, 2))
    assert _code(iin, on=date(2026, 6, 1), min_age=18) == "underage"
    assert validate_iin(iin, on=date(2026, 6, 2), min_age=18) == iin


def test_birth_date_in_the_future_is_refused():
    assert _code(make_iin(date(2030, 1, 1)), on=date(2026, 1, 1), min_age=18) == "date"


@pytest.mark.parametrize(
    "value", ["90010130001", "9001013000170", "90010130001a", "９００１０１３０００１７", "", None]
)
def test_non_digits_and_wrong_length_are_refused(value):
    with pytest.raises(ValidationError) as info:
        validate_iin(value)
    assert info.value.code == "format"


def test_spaces_and_dashes_between_groups_are_forgiven():
    assert validate_iin("900101 300017") == "900101300017"
    assert validate_iin("900101-300017") == "900101300017"


def test_generated_iins_are_valid_and_not_the_test_vectors():
    generated = {make_iin(date(1970 + n, 3, 4), female=n % 2 == 1, serial=n * 7 + 1) for n in range(30)}
    assert all(validate_iin(iin) for iin in generated)
    assert not generated & set(VECTORS)
