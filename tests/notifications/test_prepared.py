"""Fan-out emails rendered once per variant (notifications.prepared) reach each recipient exactly as
the ordinary rendering would make them, over a pipelined SMTP connection; a template that reads more
of the user than the first name is rendered per recipient; a refused recipient fails alone."""

import email.policy
import re
import smtplib
from types import SimpleNamespace

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Template
from django.template.context import Context

from notifications import emails
from notifications.models import EmailDelivery
from notifications.prepared import PreparedEmail, Variants, _summary
from notifications.services import notify
from portal.models import User
from tests.factories import UserFactory
from tests.notifications.factories import news_object
from tests.notifications.notification_events import TEST_EVENT

TOKEN_PATH = re.compile(r"/unsubscribe/[^/\s\"<>]+/")


def without_tokens(summary) -> tuple:
    """The unsubscribe tokens carry their signing second: compare everything else exactly."""
    return tuple(TOKEN_PATH.sub("/unsubscribe/T/", repr(part)) for part in summary)


def pending(key: str) -> list[int]:
    return list(EmailDelivery.objects.filter(key=key, status="pending").order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def spied_sending(monkeypatch):
    """The chunk is sent here, in the test (not by notify()'s queued task); counts how each message
    went: prepared (pipelined) or ordinary (smtplib's sendmail)."""
    calls = {"prepared": 0, "ordinary": 0}
    prepared, sendmail = emails._send_prepared, smtplib.SMTP.sendmail

    def counting_prepared(backend, message):
        calls["prepared"] += 1
        return prepared(backend, message)

    def counting_sendmail(self, *args, **kwargs):
        calls["ordinary"] += 1
        return sendmail(self, *args, **kwargs)

    monkeypatch.setattr("notifications.services._queue_email", lambda event, key: None)
    monkeypatch.setattr(emails, "_send_prepared", counting_prepared)
    monkeypatch.setattr(smtplib.SMTP, "sendmail", counting_sendmail)
    emails._drop_connection()  # a connection of an earlier test's server must not be reused
    yield calls
    emails._drop_connection()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_each_recipient_gets_the_message_the_ordinary_rendering_makes(smtp_server, spied_sending):
    almaty = news_object("kz-75")
    names = ["Әлия", 'Ann <b>&amp; "Co"', "", "O'Neil", "Бауыржан", "", "Zhan"]
    readers = [UserFactory(first_name=name, preferred_language="ru") for name in names]
    readers.append(UserFactory(first_name="Дана", preferred_language="kk"))
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, recipients=readers, key="prepared")
    ids = pending("prepared")

    assert emails.send_chunk(ids) == len(readers)

    received = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert sorted(received) == sorted(u.email for u in readers)
    for delivery in EmailDelivery.objects.filter(pk__in=ids).select_related("user"):
        assert delivery.status == "sent"
        ordinary = emails.build_message(delivery).message(policy=email.policy.SMTP).as_bytes()
        got = received[delivery.user.email].as_bytes(policy=email.policy.SMTP)
        assert without_tokens(_summary(got)) == without_tokens(_summary(ordinary))
        url = received[delivery.user.email]["List-Unsubscribe"].strip("<>")
        assert emails.read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1]) == (delivery.user_id, TEST_EVENT)
    # Three variants (ru with a name, ru without, kk with a name), each first recipient rendered
    # the ordinary way; every other message went prepared, pipelined.
    assert spied_sending == {"prepared": len(readers) - 3, "ordinary": 3}
    html = received[readers[1].email].get_body(("html",)).get_content()
    assert "Ann &lt;b&gt;&amp;amp; &quot;Co&quot;" in html
    assert 'Ann <b>&amp; "Co"' in received[readers[1].email].get_body(("plain",)).get_content()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_refused_recipient_fails_alone_on_the_pipelined_connection(smtp_server, spied_sending):
    refused = "refused@example.test"

    async def handle_RCPT(server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's hook name
        if address == refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    almaty = news_object("kz-75")
    readers = [UserFactory(first_name="Aru", preferred_language="en") for _ in range(4)]
    readers.insert(2, UserFactory(first_name="Aru", preferred_language="en", email=refused))
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, recipients=readers, key="refused")

    assert emails.send_chunk(pending("refused")) == 4

    statuses = dict(EmailDelivery.objects.filter(key="refused").values_list("user__email", "status"))
    assert statuses.pop(refused) == "failed"
    assert set(statuses.values()) == {"sent"}
    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted(u.email for u in readers if u.email != refused)
    assert "550" in EmailDelivery.objects.get(key="refused", user__email=refused).last_error


def fake_render(template: str):
    """emails.render's signature over a template string (the text part; the HTML part the same)."""

    def render(draft, *, user=None, unsubscribe=None, unsubscribe_all=None, to=None, message_id_value=None):
        unsubscribe = draft.unsubscribe if unsubscribe is None else unsubscribe
        context = Context({"user": draft.user if user is None else user, "unsubscribe_url": unsubscribe})
        text = Template(template).render(context)
        message = EmailMultiAlternatives(
            subject="News",
            body=text,
            to=[draft.user.email if to is None else to],
            headers=emails.headers(draft, unsubscribe, message_id_value or emails.message_id(draft.delivery)),
        )
        message.attach_alternative(f"<p>{text}</p>", "text/html")
        return message

    return render


def drafts(count: int) -> list:
    event = SimpleNamespace(attachments=None)
    result = []
    for n in range(count):
        user = User(pk=n + 1, email=f"r{n}@example.test", first_name=f"Name{n}", last_name=f"Last{n}")
        delivery = EmailDelivery(pk=n + 1, user=user, event=TEST_EVENT, object_type="deputies.maslikhat", object_id="1")
        result.append(
            emails.Draft(
                delivery=delivery,
                user=user,
                language="en",
                template="notification",
                context={},
                unsubscribe=f"https://dauys.test/en/unsubscribe/t{n}/",
                unsubscribe_all=f"https://dauys.test/en/unsubscribe/a{n}/",
                event=event,
                obj=None,
                personal={},
            )
        )
    return result


def test_a_template_reading_only_the_first_name_is_prepared_from_its_variant():
    variants = Variants(fake_render("Hello {{ user.first_name }}: {{ unsubscribe_url }}"), emails.message_id)
    first, second, third = (variants.message(d) for d in drafts(3))
    assert not isinstance(first, PreparedEmail)
    assert isinstance(second, PreparedEmail) and isinstance(third, PreparedEmail)
    assert third.body == "Hello Name2: https://dauys.test/en/unsubscribe/t2/"
    assert b"To: r2@example.test" in third.raw


def test_a_template_reading_more_of_the_user_is_rendered_per_recipient():
    variants = Variants(fake_render("Hello {{ user.first_name }} {{ user.last_name }}"), emails.message_id)
    messages = [variants.message(d) for d in drafts(3)]
    assert not any(isinstance(m, PreparedEmail) for m in messages)
    assert messages[2].body == "Hello Name2 Last2"
