"""Dates people may ask about. Outside this range the calendar arithmetic of Python and PostgreSQL
overflows (9999-12-31 plus a day, the Monday before 0001-01-01): such a date answers 400 with a
translated message, never 500 (tests/test_api_dates.py::test_date_parameters_at_the_edges_answer_400)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST = date(1990, 1, 1)
LATEST = date(2199, 12, 31)


def out_of_range_message() -> str:
    return _("Use a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def validate_date_in_range(value: date) -> None:
    if value is not None and not (EARLIEST <= value <= LATEST):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


def parse_month(raw: str) -> date:
    """ "YYYY-MM" -> the first of that month; ValidationError when malformed or out of range."""
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        first = date(year, month, 1)
    except (ValueError, OverflowError):
        raise ValidationError(_("Use a month like 2026-05.")) from None
    validate_date_in_range(first)
    return first
