"""Follows: a deputy, a maslikhat, my district; idempotent follow_add, followers_of for notify(),
follow/unfollow forms without JavaScript, the "what I follow" page."""

import pytest
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from notifications.follows import follow_add, follow_remove, followers_of
from notifications.models import EmailDelivery, Follow, Notification
from notifications.services import notify
from tests.factories import DeputyFactory, ElectoralDistrictFactory, UserFactory
from tests.notifications.notification_events import TEST_EVENT, news_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def almaty():
    return news_object("kz-75")


def test_follow_add_is_idempotent_and_followers_of_are_distinct(almaty, django_assert_max_num_queries):
    district = ElectoralDistrictFactory(maslikhat=almaty)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    assert follow_add(user=a, obj=almaty) is True
    with django_assert_max_num_queries(1):
        assert follow_add(user=a, obj=almaty) is False
    follow_add(user=a, obj=district)
    follow_add(user=b, obj=district)
    assert Follow.objects.count() == 3

    assert sorted(followers_of(almaty, district)) == sorted([a.pk, b.pk])
    assert list(followers_of(almaty)) == [a.pk]
    assert list(followers_of()) == []
    assert c.pk not in followers_of(almaty, district)

    assert follow_remove(user=a, obj=almaty) is True
    assert follow_remove(user=a, obj=almaty) is False
    assert list(followers_of(almaty)) == []


def test_notify_followers_reaches_each_follower_once(almaty, django_capture_on_commit_callbacks):
    district = ElectoralDistrictFactory(maslikhat=almaty)
    both, only_district = UserFactory(), UserFactory()
    for obj in (almaty, district):
        follow_add(user=both, obj=obj)
    follow_add(user=only_district, obj=district)
    with transaction.atomic():
        count = notify(event=TEST_EVENT, obj=almaty, recipients=followers_of(almaty, district), key="followers")
    assert count == 2
    assert Notification.objects.filter(key="followers").count() == 2
    assert EmailDelivery.objects.filter(key="followers").count() == 2


def test_follow_and_unfollow_forms_work_without_javascript(client, almaty):
    deputy = DeputyFactory(maslikhat=almaty)
    add = reverse("follow_add")
    data = {"object_type": "deputies.deputy", "object_id": str(deputy.pk), "next": "/kk/follows/"}

    anonymous = client.post(add, data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not Follow.objects.exists()

    reader = UserFactory()
    client.force_login(reader)
    assert client.post(add, {**data, "object_type": "portal.user", "object_id": str(reader.pk)}).status_code == 302
    assert client.post(add, {**data, "object_id": "999999"}).status_code == 302
    assert client.post(add, {**data, "object_id": "1 OR 1=1"}).status_code == 302
    assert not Follow.objects.exists()

    response = client.post(add, {**data, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("follow_list")
    client.post(add, data)
    assert Follow.objects.filter(user=reader, object_type="deputies.deputy", object_id=str(deputy.pk)).count() == 1

    client.post(reverse("follow_remove"), data)
    assert not Follow.objects.exists()


def test_my_follows_page_lists_objects_with_bounded_queries(client, almaty, django_assert_max_num_queries):
    reader = UserFactory()
    for _ in range(5):
        follow_add(user=reader, obj=DeputyFactory(maslikhat=almaty))
    follow_add(user=reader, obj=almaty)
    follow_add(user=reader, obj=ElectoralDistrictFactory(maslikhat=almaty))
    client.force_login(reader)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("follow_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('action="/kk/follows/remove/"') == 7
    assert almaty.name_kk in html


def test_follow_button_tag_shows_the_current_state(almaty):
    reader = UserFactory()
    request = RequestFactory().get("/kk/")
    request.user = reader
    template = Template("{% load notification_tags %}{% follow_button obj %}")
    html = template.render(Context({"request": request, "obj": almaty}))
    assert 'action="/kk/follows/add/"' in html and 'value="deputies.maslikhat"' in html
    follow_add(user=reader, obj=almaty)
    html = template.render(Context({"request": request, "obj": almaty}))
    assert 'action="/kk/follows/remove/"' in html
    # Objects of models nobody may follow get no button.
    assert (
        Template("{% load notification_tags %}{% follow_button obj %}")
        .render(Context({"request": request, "obj": reader}))
        .strip()
        == ""
    )


def test_panels_put_follow_buttons_on_the_deputies_pages(almaty):
    from types import SimpleNamespace

    from portal.panels import render_panels

    district = ElectoralDistrictFactory(maslikhat=almaty)
    request = RequestFactory().get("/ru/")
    request.user = UserFactory()
    lookup = SimpleNamespace(matches=[SimpleNamespace(districts=[district]), SimpleNamespace(districts=[district])])
    html = "".join(render_panels("representatives.after", request, lookup=lookup))
    assert html.count('value="deputies.electoraldistrict"') == 1
    assert 'value="deputies.deputy"' in "".join(
        render_panels("deputy.record", request, deputy=DeputyFactory(maslikhat=almaty))
    )
    assert 'value="deputies.maslikhat"' in "".join(render_panels("maslikhat.record", request, maslikhat=almaty))
    assert render_panels("representatives.after", request, lookup=SimpleNamespace(matches=[])) == []
