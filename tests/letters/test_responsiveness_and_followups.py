"""Responsiveness moves exactly; reminders to the deputy and "did you get a reply?" to the citizen."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from letters.links import followup_token, reply_link_issue
from letters.models import LetterRules, Message
from letters.services import letters_send_followups, letters_send_reminders, message_reply
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _responsiveness(client, deputy):
    response = client.get(f"/api/v1/deputies/{deputy.pk}/")
    assert response.status_code == 200
    return response.json()["responsiveness"]


def _reply(message, text="Жауап берілді, рахмет."):
    with transaction.atomic():
        token = reply_link_issue(message)
    return message_reply(token=token, text=text)


def test_responsiveness_moves_exactly(client, city, write, django_capture_on_commit_callbacks, smtp_server):
    LetterRules.objects.update(min_messages_for_rate=3)
    deputy = city["smd1"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first, second, third = (write(deputy, author=UserFactory()) for _i in range(3))
    assert _responsiveness(client, deputy) == {
        "messages": 0,
        "replied": 0,
        "reply_rate": None,
        "median_reply_working_days": None,
        "period_days": 365,
    }
    # Replies on the 3rd and 7th working days after delivery.
    first.refresh_from_db()
    delivered = timezone.localdate(first.delivered_at)
    from portal.workdays import add_working_days

    for message, days in ((first, 3), (second, 7)):
        day = add_working_days(delivered, days)
        with time_machine.travel(
            timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(hours=12),
            tick=False,
        ):
            message.refresh_from_db()
            _reply(message)
    # Inside the reply term, nothing counts yet (a fresh message lowers no rate).
    assert _responsiveness(client, deputy)["messages"] == 0
    after_term = timezone.make_aware(
        timezone.datetime.combine(add_working_days(delivered, 16), timezone.datetime.min.time())
    ) + timedelta(hours=12)
    with time_machine.travel(after_term, tick=False):
        figures = _responsiveness(client, deputy)
        assert figures == {
            "messages": 3,
            "replied": 2,
            "reply_rate": round(2 / 3, 4),
            "median_reply_working_days": 5.0,
            "period_days": 365,
        }
        # The citizen of the third message tells us the deputy phoned: it counts, without a date.
        client.post(f"/en/messages/did-you-get-a-reply/{followup_token(third)}/", {"answer": "yes", "via": "phone"})
        assert _responsiveness(client, deputy) == {**figures, "replied": 3, "reply_rate": 1.0}
        # Below the minimum, no rate and no median.
        LetterRules.objects.update(min_messages_for_rate=4)
        assert _responsiveness(client, deputy) == {
            **figures,
            "replied": 3,
            "reply_rate": None,
            "median_reply_working_days": None,
        }
    # After the period, the messages leave the window.
    with time_machine.travel(start + timedelta(days=400), tick=False):
        assert _responsiveness(client, deputy)["messages"] == 0


def test_reminder_once_then_followup_after_the_term(
    client, city, citizen, write, smtp_server, django_capture_on_commit_callbacks
):
    from portal.workdays import add_working_days

    deputy = city["smd1"]
    with django_capture_on_commit_callbacks(execute=True):
        message = write(deputy)
    message.refresh_from_db()
    delivered = timezone.localdate(message.delivered_at)
    assert letters_send_reminders(today=add_working_days(delivered, 9)) == 0
    day10 = add_working_days(delivered, 10)
    assert letters_send_reminders(today=day10) == 1
    assert letters_send_reminders(today=day10) == 0  # once
    reminders = [m for m in smtp_server.messages if "first@deputy.kz" in m["to"]]
    assert len(reminders) == 2 and "Еске салу" in reminders[-1]["message"]["Subject"]
    # The reminder's link replaces the first one.
    assert message.reply_links.filter(revoked_at__isnull=False).count() == 1

    assert letters_send_followups(today=message.reply_due_on) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert letters_send_followups(today=message.reply_due_on + timedelta(days=1)) == 1
    assert letters_send_followups(today=message.reply_due_on + timedelta(days=2)) == 0
    assert Notification.objects.filter(user=citizen, event="letter.followup").count() == 1
    mail = [m for m in smtp_server.messages if citizen.email in m["to"]][-1]
    text = mail["message"].get_body(preferencelist=("plain",)).get_content()
    url = next(word for word in text.split() if "did-you-get-a-reply" in word and word.endswith("answer=no"))
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    # No login needed: the link shows the question, the answer is recorded.
    assert client.get(path).status_code == 200
    response = client.post(path.split("?")[0], {"answer": "no"})
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == Message.Status.NO_REPLY
    # A late reply through the link still counts.
    _reply(message)
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED


def test_report_moderation_and_publication_with_both_consents(client, city, write, staff):
    from letters.services import message_moderate, message_publication_decide, message_report
    from portal.models import AuditEntry

    message = write(city["smd1"], author_consents=True)
    Message.objects.filter(pk=message.pk).update(status="sent", delivered_at=timezone.now())
    message.refresh_from_db()
    with transaction.atomic():
        token = reply_link_issue(message)
    message_report(token=token, reason="Оскорбления")
    message.refresh_from_db()
    assert message.moderation == Message.Moderation.REPORTED
    message_moderate(actor=staff, message=message, decision="keep")
    message = message_reply(token=token, text="Жауап", deputy_consents=True)
    assert message.publication == Message.Publication.PENDING
    assert city["smd1"].full_name  # page before publication shows nothing of it
    assert "Жауап</p>" not in client.get(f"/en/deputies/{city['smd1'].pk}/").content.decode()
    message_publication_decide(actor=staff, message=message, publish=True)
    page = client.get(f"/en/deputies/{city['smd1'].pk}/").content.decode()
    assert message.body in page and "Published exchanges" in page
    assert AuditEntry.objects.filter(action__in=["letter.moderate", "letter.publication"]).count() == 2
    # The citizen withdraws consent: the exchange comes down.
    from letters.services import message_author_consent

    message_author_consent(user=message.author, message=message, consents=False)
    assert message.body not in client.get(f"/en/deputies/{city['smd1'].pk}/").content.decode()


def test_personal_data_export_and_deletion_keep_the_count(city, citizen, write):
    from portal.personal_data import user_account_delete, user_data_export

    message = write(city["smd1"])
    data = user_data_export(user=citizen)
    assert data["letters"]["messages"][0]["body"] == message.body
    user_account_delete(user=citizen)
    message.refresh_from_db()
    assert message.body == "" and message.address == "" and message.author_name == ""
    assert Message.objects.filter(deputy=city["smd1"]).count() == 1
