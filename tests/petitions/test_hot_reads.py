"""The watchers' reads answered at the door (portal.hot_reads) are the very bytes, headers and
cookies the full middleware stack gives, and anything personal still takes the full stack."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from petitions.models import Petition
from petitions.tally import petitions_tally
from portal.hot_reads import HotReadMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_STACK = [m for m in settings.MIDDLEWARE if m != "portal.hot_reads.HotReadMiddleware"]


def never(request):
    raise AssertionError("the request went past the door")


def answered(response) -> tuple:
    cookies = {name: (m.value, dict(m.items())) for name, m in response.cookies.items()}
    return response.status_code, response.content, dict(response.headers), cookies


@pytest.fixture
def petition(make_petition, districts):
    return make_petition(Petition.Status.OPEN)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/ru/petitions/{}/", {}),
        ("/kk/petitions/{}/", {"Accept-Language": "en"}),
        ("/api/v1/petitions/{}/count/", {}),
        ("/api/v1/petitions/{}/count/", {"Accept-Language": "ru"}),
    ],
)
def test_the_door_answers_as_the_full_stack_would(settings, petition, path, headers):
    path = path.format(petition.pk)
    Client().get(path, headers=headers)  # rendered and cached by the full stack
    door = HotReadMiddleware(never)(RequestFactory().get(path, headers=headers))
    assert door.status_code == 200
    through_the_door = answered(Client().get(path, headers=headers))  # a new client loads the middleware
    settings.MIDDLEWARE = FULL_STACK
    full_stack = answered(Client().get(path, headers=headers))
    assert "Content-Length" in full_stack[2]
    assert set(full_stack[2].items()) ^ set(through_the_door[2].items()) == set()  # headers
    assert full_stack == through_the_door


def test_a_visitor_with_the_language_cookie_already_set_gets_no_new_cookie(client, petition):
    path = f"/en/petitions/{petition.pk}/"
    client.get(path)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(path)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert response["Content-Language"] == "en"


def test_signed_in_visitors_query_strings_and_misses_take_the_full_stack(client, petition):
    page = f"/ru/petitions/{petition.pk}/"
    door = HotReadMiddleware(lambda request: "full stack")
    factory = RequestFactory()
    assert door(factory.get(page)) == "full stack"  # nothing cached yet
    client.get(page)
    assert door(factory.get(page + "?link=x")) == "full stack"
    signed_in = factory.get(page)
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    assert door(signed_in) == "full stack"
    flashed = factory.get(page)
    flashed.COOKIES["messages"] = "x"
    assert door(flashed) == "full stack"
    assert door(factory.post(page)) == "full stack"
    assert door(factory.get("/api/v1/petitions/999999/count/")) == "full stack"  # DRF's translated 404
    # Only the digits the URLconf's <int:pk> takes (Python's int() also reads other scripts' digits).
    assert door(factory.get(f"/api/v1/petitions/{str(petition.pk).translate(ARABIC_INDIC)}/count/")) == "full stack"
    assert door(factory.get("/api/v1/petitions/99999999999999999999999/count/")) == "full stack"


def test_after_a_tally_the_reader_the_door_sends_on_renders_the_page_with_the_new_count(client, petition):
    page = f"/ru/petitions/{petition.pk}/"
    assert 'max="46000" value="0"' in client.get(page).content.decode()
    client.force_login(UserFactory(is_citizen=True, address="Алматы, Абая 10"))
    assert (
        client.post(f"/api/v1/petitions/{petition.pk}/signatures/", {}, content_type="application/json").status_code
        == 201
    )
    client.logout()
    client.cookies.clear()
    petitions_tally()
    assert 'max="46000" value="1"' in client.get(page).content.decode()
    assert HotReadMiddleware(never)(RequestFactory().get(page)).content.decode().count('max="46000" value="1"') == 1
