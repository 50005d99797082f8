"""The petition page's signatures by district as a choropleth on the districts' boundaries (issue 19):
server-rendered SVG with a legend and the table beside it, bars when no boundary is on record, and
the page's query count the same with the map as without it, however many districts it draws."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deputies.choropleth import class_of, legend_for
from deputies.geo import boundaries_changed, districts_svg
from petitions import signing
from petitions.models import Petition
from petitions.tally import petitions_tally
from tests.deputies.factories import ElectoralDistrictFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def box(west: float, south: float, east: float = None, north: float = None) -> dict:
    east, north = east or west + 0.02, north or south + 0.02
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


@pytest.fixture
def petition(make_petition, districts):
    petition = make_petition(Petition.Status.OPEN)
    for i in range(3):
        signing.petition_sign(
            petition=petition,
            user=UserFactory(is_citizen=True),
            address="Алматы, Абая 1",
            is_citizen=True,
            ip="192.0.2.1",
        )
    petitions_tally()
    return petition


def page(client, petition) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ru/petitions/{petition.pk}/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_legend_classes_are_equal_steps_from_one_to_the_largest_count():
    assert [(c.css, c.low, c.high) for c in legend_for(0)] == [(0, 0, 0)]
    assert [(c.css, c.low, c.high) for c in legend_for(3)] == [(0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 3)]
    assert [(c.low, c.high) for c in legend_for(7)] == [(0, 0), (1, 2), (3, 4), (5, 6), (7, 7)]
    big = legend_for(46000)
    assert len(big) == 6 and (big[1].low, big[-1].high) == (1, 46000)
    assert [class_of(v, big) for v in (0, 1, 9200, 9201, 46000)] == [0, 1, 1, 2, 5]


def test_the_page_draws_a_choropleth_with_a_legend_and_keeps_the_table(client, petition, districts, almaty):
    d1, d2, _outside = districts
    ElectoralDistrictFactory(maslikhat=almaty, number=3)  # no boundary on record
    d1.boundary, d2.boundary = box(76.90, 43.22), box(76.92, 43.22)
    d1.save(update_fields=["boundary"])
    d2.save(update_fields=["boundary"])
    boundaries_changed()
    client.force_login(UserFactory())
    body, _queries = page(client, petition)
    figure = body[body.index('<figure class="choropleth-map">') : body.index("</figure>")]
    assert '<svg class="district-chart"' not in body  # the bars give way to the map
    shapes = re.findall(r'<path class="choropleth-area choropleth-(\d)" d="M[^"]+"><title>([^<]+)</title>', figure)
    assert shapes == [("3", "Округ № 1: 3"), ("0", "Округ № 2: 0")]
    legend = re.findall(r'<span class="swatch choropleth-(\d)" aria-hidden="true"></span>\s*([^<]+?)\s*</li>', figure)
    assert legend == [("0", "нет"), ("1", "1"), ("2", "2"), ("3", "3")]
    assert 'role="img"' in figure and "<title id=" in figure
    # A district without a boundary is named under the map and stays in the table.
    assert "(см. таблицу): № 3</p>" in figure
    table = body[body.index("<table><caption>") :]
    for number, count in ((1, 3), (2, 0), (3, 0)):
        assert f"<td>{number}</td><td><a href=" in table and f"Округ № {number}</a></td><td>{count}</td>" in table
    assert "style=" not in body


def test_without_boundaries_the_page_keeps_its_bars(client, petition):
    client.force_login(UserFactory())
    body, _queries = page(client, petition)
    assert '<svg class="district-chart"' in body and "choropleth-map" not in body


def test_the_map_costs_no_query_however_many_districts_it_draws(client, petition, districts, almaty):
    client.force_login(UserFactory())
    page(client, petition)  # warm what every first request loads once (rules, sessions)
    _body, without_map = page(client, petition)
    d1, d2, _outside = districts
    for index, district in enumerate((d1, d2)):
        district.boundary = box(76.90 + index * 0.02, 43.22)
        district.save(update_fields=["boundary"])
    boundaries_changed()
    body, with_map = page(client, petition)
    assert "choropleth-map" in body
    for number in range(3, 13):
        ElectoralDistrictFactory(maslikhat=almaty, number=number, boundary=box(76.90 + number * 0.02, 43.26))
    boundaries_changed()
    body, with_twelve = page(client, petition)
    assert body.count('class="choropleth-area') == 12
    assert without_map == with_map == with_twelve


def test_the_drawing_follows_a_changed_boundary(districts):
    d1, d2, _outside = districts
    d1.boundary, d2.boundary = box(76.90, 43.22), box(76.92, 43.22)
    first = districts_svg([d1, d2])
    assert set(first["shapes"]) == {d1.pk, d2.pk}
    d2.boundary = box(76.92, 43.22, 76.98, 43.30)
    assert districts_svg([d1, d2]) == first  # cached for this boundary version
    boundaries_changed()
    assert districts_svg([d1, d2])["shapes"][d2.pk] != first["shapes"][d2.pk]
