"""Date, time and number formats per language (FORMAT_MODULE_PATH): a 24-hour clock everywhere, the
day before the month (`13 желтоқсан 2026, 11:00`, `13 декабря 2026, 11:00`, `13 December 2026, 11:00`),
thousands grouped (`46 000`). Django ships no Kazakh formats, so Kazakh fell back to the English
`Dec. 13, 2026, 11 a.m.` pattern.

The month names after a day number (Django's "alt. month", the `E` format) are ours too: Kazakh writes
them in lower case (`13 желтоқсан`), which Django's Kazakh catalogue does not; Russian puts them in
the genitive (`13 декабря`).
"""

from django.utils.translation import pgettext_lazy

MONTHS_AFTER_DAY = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
