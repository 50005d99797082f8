"""notifications/checks.py: a registration that does not resolve fails at start, loudly, instead of a
silent skip at run time (an email that fails one recipient at a time, a follow button that never shows)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications import checks, registry


@pytest.fixture
def registrations():
    """Registrations made in a test are undone afterwards."""
    events, followables = dict(registry._EVENTS), set(registry._FOLLOWABLE)
    yield
    registry._EVENTS.clear()
    registry._EVENTS.update(events)
    registry._FOLLOWABLE.clear()
    registry._FOLLOWABLE.update(followables)


def _ids(messages) -> list[tuple[str, str]]:
    return [(m.id, m.obj) for m in messages]


def test_the_registrations_of_every_app_resolve():
    assert checks.check_event_templates() == []
    assert checks.check_event_models() == []
    assert checks.check_followables() == []
    # What the apps register, in their AppConfig.ready() (no list of other apps' labels in notifications).
    assert {"deputies.deputy", "deputies.maslikhat", "deputies.electoraldistrict", "petitions.petition",
            "hearings.hearing"} <= registry.followable_labels()  # fmt: skip
    call_command("check", fail_level="ERROR")


def test_an_event_without_its_email_templates_fails_the_checks(registrations):
    registry.register_event(registry.EventType(key="test.orphan", label="Orphan", template="no_such_event"))
    registry.register_event(registry.EventType(key="test.inbox_only", label="Inbox", template="none", email=False))
    errors = checks.check_event_templates()
    assert _ids(errors) == [("notifications.E001", "test.orphan")] * 3
    assert "emails/no_such_event_subject.txt" in errors[0].msg
    with pytest.raises(SystemCheckError, match="test.orphan"):
        call_command("check", fail_level="ERROR")


def test_an_event_naming_a_missing_model_fails_the_checks(registrations):
    registry.register_event(
        registry.EventType(key="test.ghost", label="Ghost", template="notification", model="ghosts.ghost")
    )
    assert _ids(checks.check_event_models()) == [("notifications.E002", "test.ghost")]


def test_a_followable_naming_no_model_fails_the_checks(registrations):
    registry.register_followable("Petitions.Recall")  # labels are lower-cased, like model labels
    assert _ids(checks.check_followables()) == [("notifications.E003", "petitions.recall")]
    with pytest.raises(SystemCheckError, match="petitions.recall"):
        call_command("check", fail_level="ERROR")
