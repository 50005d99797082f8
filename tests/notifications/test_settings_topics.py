"""Issue 19: notification settings grouped by topic (one control per channel, each kind below), an
"unsubscribe from all" link on the page and in every email, and fewer emails by default: news of
what one follows waits for the daily digest, news that concerns one comes at once."""

import re

import pytest
from django.core import mail
from django.db import transaction

from notifications import emails, registry
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.registry import ALL_EMAILS, listed_topics
from notifications.services import notification_unsubscribe, notify, preferences_save
from tests.factories import UserFactory
from tests.notifications.factories import browser_data
from tests.notifications.notification_events import TEST_EVENT

pytestmark = pytest.mark.django_db

SETTINGS = "/en/notifications/settings/"


def saved(user, prefix: str) -> dict[str, tuple[bool, str]]:
    return {
        p.event: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user, event__startswith=prefix)
    }


def petition_events() -> list[str]:
    return [e.key for e in registry.listed_event_types() if e.key.startswith("petition.")]


def test_the_page_shows_one_control_per_topic_and_channel_and_each_kind_below(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    body = client.get(SETTINGS).content.decode()
    topics = listed_topics()
    assert {"petitions", "hearings", "recalls", "letters", "sittings"} <= {t.key for t in topics}
    for topic in topics:
        assert f'id="topic-{topic.key}"' in body
        # The default shows on the topic's control: followed news in the daily digest.
        email = re.search(rf'<select name="topic_email:{topic.key}".*?</select>', body, re.S).group(0)
        assert '<option value="auto" selected>' in email
        assert f'name="topic_in_app:{topic.key}"' in body and f'name="topic_telegram:{topic.key}"' not in body
    assert body.count('<select name="topic_') == 2 * len(topics)
    # Every kind keeps its own row, inside its topic's disclosure.
    petitions = body[body.index('id="topic-petitions"') :]
    petitions = petitions[: petitions.index("</details>")]
    for key in petition_events():
        assert f'name="email:{key}"' in petitions
    assert "Petitions" in body and "Hearings" in body
    token = re.search(r'href="/en/unsubscribe/([^/"]+)/"', body).group(1)
    assert emails.read_unsubscribe_token(token) == (user.pk, ALL_EMAILS)
    assert "Unsubscribe from all emails" in body


def test_a_topic_control_applies_to_every_kind_in_it_and_to_no_other_topic(client):
    user = UserFactory()
    client.force_login(user)
    data = browser_data(client.get(SETTINGS).context["form"])
    data["topic_email:petitions"] = "weekly"
    data["topic_in_app:hearings"] = "off"
    assert client.post(SETTINGS, data).status_code == 302
    petitions = saved(user, "petition.")
    assert set(petitions) == set(petition_events())
    assert {email for _in_app, email in petitions.values()} == {"weekly"}
    assert all(in_app for in_app, _email in petitions.values())
    hearings = saved(user, "hearing.")
    assert hearings and all(value == (False, "auto") for value in hearings.values())


def test_a_kind_set_below_an_unchanged_topic_keeps_its_own_choice_and_the_topic_shows_mixed(client):
    user = UserFactory()
    client.force_login(user)
    data = browser_data(client.get(SETTINGS).context["form"])
    data["email:petition.answered"] = "immediate"
    assert client.post(SETTINGS, data).status_code == 302
    petitions = saved(user, "petition.")
    assert petitions.pop("petition.answered") == (True, "immediate")
    assert {email for _in_app, email in petitions.values()} == {"auto"}

    # The topic now holds two modes: its control says "each kind as set below" and changes nothing.
    form = client.get(SETTINGS).context["form"]
    assert form.get_initial_for_field(form.fields["topic_email:petitions"], "topic_email:petitions") == ""
    assert client.post(SETTINGS, browser_data(form)).status_code == 302
    assert saved(user, "petition.")["petition.answered"] == (True, "immediate")

    # Changed, the topic's control overrides the kinds below it.
    data = browser_data(client.get(SETTINGS).context["form"])
    data["topic_email:petitions"] = "off"
    client.post(SETTINGS, data)
    assert {email for _in_app, email in saved(user, "petition.").values()} == {"off"}


def test_a_forged_topic_value_is_refused_and_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    data = browser_data(client.get(SETTINGS).context["form"])
    data["topic_email:petitions"] = "hourly"
    response = client.post(SETTINGS, data)
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body and 'href="#id_topic_email:petitions"' in body
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_unsubscribe_from_all_on_the_page_works_signed_out_with_a_confirmation_and_one_post(client, almaty):
    user = UserFactory(preferred_language="ru")
    preferences_save(user=user, choices={TEST_EVENT: (True, "daily")})
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, recipients=[user], key="held")
    client.force_login(user)
    body = client.get("/ru/notifications/settings/").content.decode()
    link = re.search(r'href="(/ru/unsubscribe/[^"]+)"', body).group(1)
    client.logout()

    page = client.get(link)  # no login: the signature is the authorisation
    assert page.status_code == 200
    assert '<form method="post"' in page.content.decode()
    assert not NotificationPreference.objects.filter(user=user, email="off").exists()  # GET changes nothing

    done = client.post(link)
    assert done.status_code == 200 and 'role="status"' in done.content.decode()
    emailed = {key for key, event in registry.event_types().items() if event.email}
    assert set(NotificationPreference.objects.filter(user=user, email="off").values_list("event", flat=True)) == (
        emailed
    )
    assert EmailDelivery.objects.get(user=user, key="held").status == "skipped"
    assert Notification.objects.filter(user=user, key="held").exists()  # the inbox keeps it


@pytest.fixture
def template_events():
    """Each registered event's email templates, registered again on a maslikhat with no extra context,
    so every template renders in one test; undone afterwards."""
    saved_events = dict(registry._EVENTS)
    templates = sorted({e.template for e in saved_events.values() if e.email})
    for template in templates:
        registry.register_event(
            registry.EventType(key=f"test.{template}", label=template, template=template, model="deputies.maslikhat")
        )
    yield templates
    registry._EVENTS.clear()
    registry._EVENTS.update(saved_events)


def test_every_notification_email_carries_the_unsubscribe_from_all_link_once(almaty, template_events):
    reader = UserFactory(preferred_language="kk")
    for template in [*template_events, "digest"]:
        event = "digest.daily" if template == "digest" else f"test.{template}"
        delivery = EmailDelivery.objects.create(
            user=reader, event=event, key=template, object_type="deputies.maslikhat", object_id=str(almaty.pk)
        )
        if template == "digest":
            EmailDelivery.objects.create(
                user=reader,
                event=f"test.{template_events[0]}",
                key="item",
                object_type="deputies.maslikhat",
                object_id=str(almaty.pk),
                status="digested",
                digest_delivery=delivery,
            )
        message = emails.build_message(delivery)
        html = message.alternatives[0].content
        for body in (message.body, html):
            # Tokens carry a timestamp: read them back rather than compare strings.
            tokens = [emails.read_unsubscribe_token(t) for t in re.findall(r"/kk/unsubscribe/([^/\s\"]+)/", body)]
            assert tokens.count((reader.pk, ALL_EMAILS)) == 1, template
            assert tokens.count((reader.pk, event)) == 1, template
        assert html.rstrip().endswith("</html>"), template  # the links sit inside the document
        header = re.fullmatch(r"<http://[^/]+/kk/unsubscribe/([^/]+)/>", message.extra_headers["List-Unsubscribe"])
        assert emails.read_unsubscribe_token(header.group(1)) == (reader.pk, event)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_followers_get_followed_news_in_the_daily_digest_and_the_people_it_concerns_at_once(
    almaty, django_capture_on_commit_callbacks
):
    author, follower, keeper = UserFactory(), UserFactory(), UserFactory()
    # An explicit choice made before the new default stays: this follower wants every email at once.
    preferences_save(user=keeper, choices={TEST_EVENT: (True, "immediate")})
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            # The author follows their own item too: as a recipient, they get it at once, once.
            notify(event=TEST_EVENT, obj=almaty, recipients=[author], followers=[author, follower, keeper], key="n")
    rows = {d.user_id: (d.status, d.digest) for d in EmailDelivery.objects.filter(key="n")}
    assert rows == {author.pk: ("sent", ""), follower.pk: ("held", "daily"), keeper.pk: ("sent", "")}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, keeper.email])
    assert Notification.objects.filter(key="n").count() == 3  # everyone's inbox at once


def test_unsubscribing_from_a_digest_of_followed_news_stops_the_kinds_it_carried(almaty):
    """A follower in the default mode never chose the digest; its unsubscribe link still stops it."""
    follower = UserFactory()
    with transaction.atomic():
        notify(event=TEST_EVENT, obj=almaty, followers=[follower], key="followed")
    assert EmailDelivery.objects.get(user=follower, key="followed").status == "held"
    assert notification_unsubscribe(user_id=follower.pk, event="digest.daily") == [TEST_EVENT]
    assert NotificationPreference.objects.get(user=follower, event=TEST_EVENT).email == "off"
    assert EmailDelivery.objects.get(user=follower, key="followed").status == "skipped"
