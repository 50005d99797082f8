"""Kazakhstan working days, from the maintained `holidays` calendar (public holidays and the
government's transferred days off), and calendar-month arithmetic. Deadlines in petitions, recalls
and hearings use these."""

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KZ", years=year))


def is_working_day(day: date) -> bool:
    if isinstance(day, datetime):
        day = day.date()
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    if isinstance(start, datetime):
        start = start.date()
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(end, datetime):
        end = end.date()
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def add_months(start: date, months: int) -> date:
    """Same day `months` later (or earlier, when negative), clamped to the month's last day
    (31 Aug + 6 -> 28/29 Feb). Calendar months, not working days: a term or a collection period."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
