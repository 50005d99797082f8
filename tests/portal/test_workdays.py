from datetime import date

from portal.workdays import add_months, add_working_days, is_working_day, working_days_between


def test_nauryz_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 3, 23))  # Nauryz
    assert not is_working_day(date(2026, 3, 28))  # Saturday
    assert is_working_day(date(2026, 3, 26))


def test_adding_working_days_skips_the_nauryz_holidays():
    # Friday 20 March 2026 + 1 working day: 21-25 March are Nauryz and transferred days off.
    assert add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 26)
    assert working_days_between(date(2026, 3, 20), date(2026, 3, 26)) == 1


def test_adding_months_clamps_to_the_last_day_and_goes_back_across_years():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2023, 3, 19), 60) == date(2028, 3, 19)
    assert add_months(date(2028, 3, 19), -12) == date(2027, 3, 19)
    assert add_months(date(2026, 1, 31), -2) == date(2025, 11, 30)


def test_weekend_days_the_government_made_working_days_count():
    # Saturday 4 May 2024 and Sunday 5 January 2025 were working days (transfers of days off).
    assert is_working_day(date(2024, 5, 4))
    assert is_working_day(date(2025, 1, 5))
    assert not is_working_day(date(2024, 5, 5))  # an ordinary Sunday
    assert not is_working_day(date(2025, 1, 3))  # the Friday off it paid for


def test_adding_working_days_across_4_may_2024():
    # Friday 3 May 2024 + 1 working day is Saturday 4 May, not Monday 6 May.
    assert add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)
    assert add_working_days(date(2024, 5, 3), 2) == date(2024, 5, 6)
    # 1-10 May 2024: 1 May and 7, 9 May are holidays, 8 May a transferred day off; 4 May worked.
    assert working_days_between(date(2024, 4, 30), date(2024, 5, 10)) == 5
    assert working_days_between(date(2024, 5, 3), date(2024, 5, 3)) == 0
    # 31 Dec 2024 + 1: 1-2 Jan are New Year, 3 Jan moved to Sunday 5 Jan.
    assert add_working_days(date(2024, 12, 31), 1) == date(2025, 1, 5)
