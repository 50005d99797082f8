"""Letters on the deputies pages: the write link on the representatives answer, the write form,
a maslikhat's table, the method page, and the query guard on the deputy page."""

import pytest

from letters.models import Message
from tests.letters.conftest import ODD

pytestmark = pytest.mark.django_db


def test_representatives_answer_links_to_writing_with_the_address(client, city):
    page = client.get("/en/representatives/", {"address": ODD}).content.decode()
    assert f"/en/deputies/{city['smd1'].pk}/write/?address=" in page
    assert "/en/messages/write-to-all/?address=" in page


def test_write_page_explains_and_sends(client, city, citizen, django_capture_on_commit_callbacks, smtp_server):
    url = f"/kk/deputies/{city['smd1'].pk}/write/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(citizen)
    page = client.get(url, {"address": ODD}).content.decode()
    assert "eotinish.kz" in page and ODD in page
    refused = client.post(url, {"address": "Алматы, пр. Абылай хана 16", "subject": "Жарық", "body": "x" * 40})
    assert refused.status_code == 400 and "Екінші Депутат" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"address": ODD, "subject": "Жарық", "body": "Аулада жарық жоқ, көмектесіңіз."})
    message = Message.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/kk/messages/{message.pk}/"
    assert client.get(sent["Location"]).status_code == 200
    assert len(smtp_server.messages) == 1


def test_write_to_all_sends_separate_messages(client, city, citizen):
    client.force_login(citizen)
    page = client.get("/en/messages/write-to-all/", {"address": ODD}).content.decode()
    assert "Бірінші Депутат" in page and "Тізім Депутат" in page and "Екінші Депутат" not in page
    client.post(
        "/en/messages/write-to-all/", {"address": ODD, "subject": "Бәріне", "body": "Бір мәтін бәріне, бөлек хаттар."}
    )
    assert set(Message.objects.values_list("deputy_id", flat=True)) == {city["smd1"].pk, city["list"].pk}


def test_maslikhat_table_and_method(client, city):
    page = client.get("/en/maslikhats/kz-75/").content.decode()
    assert "How deputies reply to residents" in page and "Бірінші Депутат" in page
    method = client.get("/ru/messages/method/").content.decode()
    assert "Как мы считаем ответы" in method


def test_deputy_page_queries_do_not_grow_with_messages(client, city, write, django_assert_max_num_queries):
    deputy = city["smd1"]
    write(deputy)
    with django_assert_max_num_queries(20) as few:
        client.get(f"/en/deputies/{deputy.pk}/")
    for _i in range(5):
        write(deputy, author=__import__("tests.factories").factories.UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/en/deputies/{deputy.pk}/")


def test_someone_elses_message_is_404(client, city, write):
    from tests.factories import UserFactory

    message = write(city["smd1"])
    client.force_login(UserFactory())
    assert client.get(f"/en/messages/{message.pk}/").status_code == 404
