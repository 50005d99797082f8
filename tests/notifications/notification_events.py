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
