"""A test-only notification event type, registered in the test process and (through
CELERY_IMPORTS in portal.settings.test) in the Celery worker the celery_worker fixture starts."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import EventType, register_event

TEST_EVENT = "test.news"

register_event(
    EventType(
        key=TEST_EVENT,
        # An existing translated msgid, so the language of the email shows in the subject.
        label=_("Notifications"),
        template="notification",
        model="deputies.maslikhat",
        scope=lambda maslikhat: maslikhat.code,
    )
)


NAMES = {
    "kz-75": ("Алматы қалалық мәслихаты", "Маслихат города Алматы", "Almaty City Maslikhat"),
    "kz-71": ("Астана қалалық мәслихаты", "Маслихат города Астаны", "Astana City Maslikhat"),
}


def news_object(code: str = "kz-75"):
    """A maslikhat to notify about. Loaded by a migration, but a transactional test (which flushes
    the database) may have run before on a reused test database, so create it when missing."""
    from deputies.models import AdministrativeUnit, Maslikhat

    kk, ru, en = NAMES[code]
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code=code, defaults={"kind": "city_republican", "name_kk": kk, "name_ru": ru, "name_en": en}
    )
    maslikhat, _ = Maslikhat.objects.get_or_create(
        code=code,
        defaults={
            "unit": unit,
            "level": "regional",
            "electoral_system": "mixed_50_50",
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
        },
    )
    return maslikhat
