"""The IIN (individual identification number): checksum, birth date, century and age.

Layout (DOMAIN.md): YYMMDD birth date, a century-and-sex digit (1/2: 1800s, 3/4: 1900s, 5/6: 2000s),
four serial digits and a check digit. The check digit is sum(d_i * w_i) mod 11 with weights 1..11;
when that is 10 a second pass uses 3..11,1,2; when the second pass is 10 too, no valid IIN exists on
that prefix. The date is validated separately: digit 11 has weight 11 (= 0 mod 11) in the first pass,
so a typo there passes the checksum.

An IIN is personal data: this module never logs, stores or echoes one in an error message."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def check_digit(first_eleven: str) -> int | None:
    """The check digit for an 11-digit prefix, or None when no valid IIN exists on it."""
    digits = [int(ch) for ch in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if remainder == 10:
            return None
    return remainder


def birth_date(iin: str) -> date | None:
    """The birth date encoded in the IIN, or None when the date or the century digit is impossible."""
    century = CENTURY.get(iin[6:7])
    if century is None:
        return None
    try:
        return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def normalise_iin(value) -> str:
    """Spaces and dashes people type between digit groups are dropped; nothing else is forgiven."""
    return "".join(str(value or "").split()).replace("-", "")


def validate_iin(value, *, on: date | None = None, min_age: int | None = None) -> str:
    """Return the normalised IIN or raise ValidationError with a translated message (never the IIN).

    `on` and `min_age` together require the holder to be at least `min_age` years old on that day."""
    iin = normalise_iin(value)
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        raise ValidationError(_("An IIN is exactly 12 digits."), code="format")
    if iin[6] not in CENTURY:
        raise ValidationError(_("This is not a valid IIN: the seventh digit must be from 1 to 6."), code="century")
    born = birth_date(iin)
    if born is None:
        raise ValidationError(
            _("This is not a valid IIN: its first six digits are not a real birth date."), code="date"
        )
    expected = check_digit(iin[:11])
    if expected is None or expected != int(iin[11]):
        raise ValidationError(
            _("This is not a valid IIN: the check digit does not match. Please check for typos."), code="checksum"
        )
    if on is not None:
        if born > on:
            raise ValidationError(_("This is not a valid IIN: its birth date is in the future."), code="date")
        if min_age is not None and age_on(born, on) < min_age:
            raise ValidationError(
                _("Only voters aged %(age)s or over may take part.") % {"age": min_age}, code="underage"
            )
    return iin


def make_iin(born: date, *, female: bool = False, serial: int = 1) -> str:
    """A checksum-valid IIN for the birth date, searching serials from `serial` upwards.
    Used to generate demo and test data at run time (never stored as a constant)."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + (1 if female else 0)
    prefix = f"{born:%y%m%d}{century_digit}"
    for candidate in range(serial, serial + 10000):
        first_eleven = f"{prefix}{candidate % 10000:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return f"{first_eleven}{digit}"
    raise ValueError("no valid serial found")  # unreachable: most prefixes have a check digit
