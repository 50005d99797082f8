"""Writing to a deputy, the reply link, the reply reaching the citizen, refusals and limits."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from letters.links import reply_link_issue
from letters.models import LetterLanguage, LetterRules, Message, ReplyLink
from letters.services import message_send_to_all
from notifications.models import Notification
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.letters.conftest import EVEN, ODD

pytestmark = pytest.mark.django_db

REPLY_LINK = re.compile(r"http://[^\s\"]+/messages/reply/([^\s/\"]+)/")


def _body(mail) -> str:
    message = mail["message"]
    return message.get_body(preferencelist=("plain",)).get_content()


def _reply_path(sink, deputy_email: str) -> str:
    mail = next(m for m in reversed(sink.messages) if deputy_email in m["to"])
    match = REPLY_LINK.search(_body(mail))
    assert match, _body(mail)
    return match.group(0).split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in match.group(0) else match.group(0)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_message_reaches_deputy_by_smtp_and_the_reply_link_works_once(
    client, city, citizen, write, smtp_server, django_capture_on_commit_callbacks
):
    deputy = city["smd1"]
    LetterLanguage.objects.create(maslikhat=city["maslikhat"], language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        message = write(deputy, subject="Двор без света")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.reply_due_on is not None
    [mail] = [m for m in smtp_server.messages if "first@deputy.kz" in m["to"]]
    assert mail["message"]["Content-Language"] == "ru"
    assert "Сообщение от жителя" in mail["message"]["Subject"]  # the maslikhat's language, Russian
    text = _body(mail)
    assert "Айгүл Сейтова" in text and ODD in text and "Двор без света" in text
    url = REPLY_LINK.search(text).group(0)
    assert "/ru/messages/reply/" in url

    # No account: the link opens the message and a reply form.
    page = client.get(_path(url))
    assert page.status_code == 200
    assert "Біздің аулада" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_path(url), {"text": "Әкімдікке сұрау жібердім, рахмет.", "deputy_consents": "on"})
    assert done.status_code == 200
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED and message.reply_via == "portal"
    assert message.reply_working_days == 0
    # The reply reaches the citizen: inbox and email.
    assert Notification.objects.filter(user=citizen, event="letter.replied").count() == 1
    to_citizen = [m for m in smtp_server.messages if citizen.email in m["to"]]
    assert len(to_citizen) == 1 and "Әкімдікке сұрау" in _body(to_citizen[0])

    # Once only: the same link, and a fresh link for the same message, are refused.
    assert client.post(_path(url), {"text": "Екінші жауап"}).status_code == 410
    from django.db import transaction

    with transaction.atomic():
        token = reply_link_issue(message)
    assert client.post(f"/kk/messages/reply/{token}/", {"text": "Үшінші жауап"}).status_code == 410
    message.refresh_from_db()
    assert message.reply == "Әкімдікке сұрау жібердім, рахмет."


def test_a_tampered_or_expired_link_is_refused(client, city, write, smtp_server, django_capture_on_commit_callbacks):
    import time_machine
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        write(city["smd1"])
    url = REPLY_LINK.search(_body(smtp_server.messages[-1])).group(0)
    assert client.get(_path(url)[:-3] + "xx/").status_code == 410
    with time_machine.travel(timezone.now() + timezone.timedelta(days=61), tick=False):
        response = client.get(_path(url))
    assert response.status_code == 410
    assert "мерзімі өтті" in response.content.decode()  # "expired", in the deputy's language (Kazakh)


def test_revoked_link_is_refused_after_a_new_one(client, city, write, smtp_server, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        message = write(city["smd1"])
    old = REPLY_LINK.search(_body(smtp_server.messages[-1])).group(0)
    with transaction.atomic():
        new = reply_link_issue(message)
    assert client.get(_path(old)).status_code == 410
    assert client.get(f"/en/messages/reply/{new}/").status_code == 200
    assert ReplyLink.objects.filter(message=message, revoked_at__isnull=False).count() == 1


def test_api_writes_to_the_deputy_of_the_address_and_refuses_another(client, city, citizen):
    client.force_login(citizen)
    payload = {"subject": "Аула жарығы", "body": "Біздің аулада кешке жарық жоқ, көмектесіңізші.", "address": ODD}
    refused = client.post(
        f"/api/v1/deputies/{city['smd2'].pk}/messages/",
        payload,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    reason = " ".join(refused.json()["address"])
    assert "Екінші Депутат does not represent this address" in reason
    assert "Бірінші Депутат" in reason and "Тізім Депутат" in reason
    created = client.post(f"/api/v1/deputies/{city['smd1'].pk}/messages/", payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json() == {"id": Message.objects.get().pk, "status": "queued"}
    # A party-list deputy represents the whole territory; without an email the staff get it.
    payload["body"] = "Басқа мәтін: саябаққа орындықтар қою мүмкін бе?"
    listed = client.post(f"/api/v1/deputies/{city['list'].pk}/messages/", payload, content_type="application/json")
    assert listed.status_code == 201 and listed.json()["status"] == "staff_queue"


def test_api_needs_a_signed_in_citizen_with_a_verified_email(client, city):
    payload = {"subject": "S", "body": "Біздің аулада кешке жарық жоқ, көмектесіңізші.", "address": ODD}
    url = f"/api/v1/deputies/{city['smd1'].pk}/messages/"
    assert client.post(url, payload, content_type="application/json").status_code == 403
    client.force_login(UserFactory(verified=False))
    assert client.post(url, payload, content_type="application/json").status_code == 403
    assert not Message.objects.exists()


def test_rate_limits_per_account_and_per_network(city, citizen, write):
    LetterRules.objects.update(per_account_per_day=2, per_network_per_day=3)
    write(city["smd1"], ip="10.1.2.3")
    write(city["smd1"], ip="10.1.2.3")
    with pytest.raises(ValidationError, match="at most 2 messages a day"):
        write(city["smd1"], ip="10.1.2.3")
    other = UserFactory()
    write(city["smd2"], address=EVEN, author=other, ip="10.1.2.3")
    with pytest.raises(ValidationError, match="from your network"):
        write(city["smd2"], address=EVEN, author=UserFactory(), ip="10.1.2.3")
    write(city["smd2"], address=EVEN, author=UserFactory(), ip="10.9.9.9")
    assert Message.objects.count() == 4


def test_same_text_to_two_deputies_is_refused_but_write_to_all_sends_separate_messages(city, citizen, write):
    body = "Біздің аулада кешке жарық жоқ, көмектесіңізші, өтінемін."
    write(city["smd1"], body=body)
    with pytest.raises(ValidationError) as refused:
        write(city["list"], body="  " + body.upper() + " ")
    assert "One message goes to one person" in str(refused.value)
    with pytest.raises(ValidationError, match="already sent this message"):
        write(city["smd1"], body=body)
    sent = message_send_to_all(
        author=citizen,
        deputies=[city["smd2"], city["list"]],
        subject="Бәріне",
        body="Жаңа мәтін барлық депутаттарға.",
        address=EVEN,
    )
    assert len(sent) == 2 and len({m.batch for m in sent}) == 1
    assert {m.deputy_id for m in sent} == {city["smd2"].pk, city["list"].pk}


def test_an_unverified_account_cannot_write(city):
    from letters.services import message_send

    with pytest.raises(PermissionDenied):
        message_send(author=UserFactory(verified=False), deputy=city["smd1"], subject="S", body="x" * 30, address=ODD)


def test_deputy_without_email_goes_to_staff_who_record_how_it_was_passed(client, city, write, staff, citizen):
    message = write(city["list"])
    assert message.status == Message.Status.STAFF_QUEUE
    client.force_login(staff)
    queue = client.get("/en/staff/messages/")
    assert f"/en/staff/messages/{message.pk}/" in queue.content.decode()
    response = client.post(
        f"/en/staff/messages/{message.pk}/", {"action": "forward", "how": "Printed, handed over 12 May"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.FORWARDED and message.reply_due_on
    assert AuditEntry.objects.filter(action="letter.forward", object_id=str(message.pk)).exists()
    assert Notification.objects.filter(user=citizen, event="letter.forwarded").exists()
    # Staff of another maslikhat see nothing of it.
    from portal.models import Role
    from tests.factories import grant

    other = UserFactory(mfa=True)
    grant(other, Role.STAFF, "kz-71")
    client.force_login(other)
    assert client.get(f"/en/staff/messages/{message.pk}/").status_code == 404


@pytest.mark.integration
def test_a_real_worker_delivers_the_message_over_smtp(city, citizen, smtp_server, celery_worker):
    import time

    from letters.services import message_send

    message = message_send(
        author=citizen, deputy=city["smd1"], subject="Жарық", body="Аулада жарық жоқ, көмектесіңіз.", address=ODD
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status != Message.Status.QUEUED:
            break
        time.sleep(0.2)
    assert message.status == Message.Status.SENT
    assert [m["to"] for m in smtp_server.messages] == [["first@deputy.kz"]]
