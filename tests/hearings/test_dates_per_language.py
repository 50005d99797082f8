"""Dates and times in each language's own format (issue 19, bug 4): day first, the month in the
language's form, a 24-hour clock, on the pages and in the emails that show a hearing's time."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from hearings.services import registration_create
from tests.factories import UserFactory
from tests.hearings.factories import days_ahead

pytestmark = pytest.mark.django_db

MONTHS = {
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
    "en": "January February March April May June July August September October November December".split(),
}
# A 12-hour time: a clock figure, then its marker ("3 p.m.", "3:00 PM", "3:00 Т.Қ."). A bare "AM" is
# not one: the random check-in code (six capitals) or a token in a link may hold it by chance.
TWELVE_HOUR = re.compile(r"\d\s*(?:a\.m\.|p\.m\.|Т\.Ж\.|Т\.Қ\.|\b(?:AM|PM)\b)")


def expected(value, language) -> tuple[str, str]:
    local = timezone.localtime(value)
    day = f"{local.day} {MONTHS[language][local.month - 1]} {local.year}"
    return day, f"{day}, {local:%H:%M}"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_hearing_pages_and_emails_show_dates_in_the_language_format(
    language, client, schedule, django_capture_on_commit_callbacks
):
    hearing = schedule(starts_at=days_ahead(30, hour=15), ends_at=days_ahead(30, hour=17))
    _day, when = expected(hearing.starts_at, language)
    for url in (f"/{language}/hearings/{hearing.pk}/", f"/{language}/hearings/"):
        text = client.get(url).content.decode()
        assert when in text, url
        assert "15:00" in text and not TWELVE_HOUR.search(text), url
    assert f"{when}</time> – <time" in client.get(f"/{language}/hearings/{hearing.pk}/").content.decode()

    person = UserFactory(preferred_language=language)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(user=person, hearing=hearing)
    message = mail.outbox[-1]
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert f"{when} – 17:00" in body
        assert not TWELVE_HOUR.search(body)


def test_dates_without_time_put_the_day_first(client, schedule):
    hearing = schedule(starts_at=days_ahead(30, hour=10))
    deadline = hearing.registration_deadline
    for language in ("kk", "ru"):
        text = client.get(f"/{language}/hearings/{hearing.pk}/").content.decode()
        day, _when = expected(deadline, language)
        assert day in text
    assert timedelta(0) < hearing.starts_at - timezone.now()
