"""import_boundaries: official GeoJSON per generation and district number; closed rings, inside the
territory, no overlaps beyond the tolerance; all or nothing; the point lookup uses what it loads."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from deputies.models import Convocation, ElectoralDistrict, Maslikhat
from deputies.selectors import point_lookup
from tests.deputies.factories import ElectoralDistrictFactory

pytestmark = pytest.mark.django_db


def square(lon, lat, size=0.02):
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def feature(number, rings, kind="Polygon"):
    return {"type": "Feature", "properties": {"district": number}, "geometry": {"type": kind, "coordinates": rings}}


def write(tmp_path, *features, name="b.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


@pytest.fixture
def generations():
    kz75 = Maslikhat.objects.get(code="kz-75")
    eighth = Convocation.objects.get(maslikhat=kz75, number=8)  # recorded with the administrative map
    ninth = Convocation.objects.create(
        maslikhat=kz75, number=9, elected_on=datetime.date(2028, 3, 19), electoral_system="mixed_50_50"
    )
    return {
        "old1": ElectoralDistrictFactory(maslikhat=kz75, convocation=eighth, number=1),
        "old2": ElectoralDistrictFactory(maslikhat=kz75, convocation=eighth, number=2),
        "new1": ElectoralDistrictFactory(maslikhat=kz75, convocation=ninth, number=1),
    }


def test_boundaries_load_per_generation_and_answer_the_point_lookup(tmp_path, generations, capsys):
    path = write(tmp_path, feature(1, square(76.90, 43.20)), feature(2, square(76.92, 43.20)))  # shared edge
    call_command("import_boundaries", path, "--maslikhat", "kz-75", "--convocation", "8")
    assert "updated 2, unchanged 0" in capsys.readouterr().out
    new_path = write(tmp_path, feature(1, square(76.90, 43.20, 0.04)), name="new.geojson")
    call_command("import_boundaries", new_path, "--maslikhat", "kz-75", "--convocation", "9")
    for key in generations:
        generations[key].refresh_from_db()
    assert generations["old1"].boundary["type"] == "Polygon" and generations["new1"].boundary is not None
    old = point_lookup(43.21, 76.91, on=datetime.date(2025, 6, 1))
    assert [d.pk for d in old.matches[0].districts] == [generations["old1"].pk]
    assert [d.pk for d in point_lookup(43.21, 76.93, on=datetime.date(2025, 6, 1)).matches[0].districts] == [
        generations["old2"].pk
    ]
    new = point_lookup(43.21, 76.93, on=datetime.date(2028, 4, 1))
    assert [d.pk for d in new.matches[0].districts] == [generations["new1"].pk]
    # again: nothing changes
    call_command("import_boundaries", path, "--maslikhat", "kz-75", "--convocation", "8")
    assert "updated 0, unchanged 2" in capsys.readouterr().out
    # the new generation's big district 1 would cover the old district 2: refused within generation 8
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(tmp_path / "new.geojson"), "--maslikhat", "kz-75", "--convocation", "8")
    assert "overlap by 100.0 percent" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([feature(1, [[[76.90, 43.20], [76.92, 43.20], [76.92, 43.22], [76.90, 43.22]]])], "not closed"),
        ([feature(1, square(71.40, 51.10))], "outside the territory"),  # Astana, not Almaty
        ([feature(1, square(76.90, 43.20)), feature(2, square(76.91, 43.20))], "overlap by 50.0 percent"),
        ([feature(7, square(76.90, 43.20))], "district 7 is not in convocation 8"),
        (
            [feature(1, [[[76.90, 43.20], [76.92, 43.22], [76.92, 43.20], [76.90, 43.22], [76.90, 43.20]]])],
            "cross",
        ),
    ],
)
def test_bad_boundaries_are_refused_and_nothing_is_written(tmp_path, generations, capsys, features, message):
    with pytest.raises(CommandError):
        call_command("import_boundaries", write(tmp_path, *features), "--maslikhat", "kz-75", "--convocation", "8")
    assert message in capsys.readouterr().err
    assert not ElectoralDistrict.objects.exclude(boundary__isnull=True).exists()


def test_a_sliver_within_the_tolerance_is_accepted(tmp_path, generations):
    # district 2 reaches 0.0001 degrees into district 1: 0.5% of its area
    sliver = [[[76.9199, 43.20], [76.94, 43.20], [76.94, 43.22], [76.9199, 43.22], [76.9199, 43.20]]]
    call_command(
        "import_boundaries",
        write(tmp_path, feature(1, square(76.90, 43.20)), feature(2, sliver)),
        "--maslikhat",
        "kz-75",
        "--convocation",
        "8",
    )
    assert ElectoralDistrict.objects.exclude(boundary__isnull=True).count() == 2
