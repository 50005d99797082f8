"""Kazakhstan working days, from the maintained `holidays` calendar: public holidays, the
government's transferred days off, and the weekend days it turns into working days (Saturday
4 May 2024, Sunday 5 January 2025). Deadlines in petitions, recalls and hearings use
these; `add_months` does calendar-month arithmetic (terms and collection periods).

The calendar's own working-day functions decide (`is_working_day`, `get_nth_working_day`,
`get_working_days_count`): a weekday test of our own would miss the transferred working days."""

import calendar
from datetime import date, datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def _calendar() -> holidays.HolidayBase:
    # Years are filled in on first use (expand=True); one calendar per process.
    return holidays.country_holidays("KZ")


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def is_working_day(day: date) -> bool:
    return _calendar().is_working_day(_day(day))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    start = _day(start)
    if days <= 0:
        return start
    return _calendar().get_nth_working_day(start, days)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    start, end = _day(start), _day(end)
    if end <= start:
        return 0
    return _calendar().get_working_days_count(start, end) - is_working_day(start)


def add_months(start: date, months: int) -> date:
    """Same day `months` later (or earlier, when negative), clamped to the month's last day
    (31 Aug + 6 -> 28/29 Feb). Calendar months, not working days: a term or a collection period."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
