"""Population figures are data with their day and their source: an operator loads them from CSV
(`load_populations`), a figure without a source is refused, and the pages and the API show a figure
without a source as unconfirmed and no figure as "not available", never a guess. The figures in these
tests are made up."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from deputies.models import AdministrativeUnit
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADER = "code,population,as_of,source\n"
SOURCE = "Test source: a made-up table for this test"


def load(tmp_path, text, *args):
    path = tmp_path / "populations.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    call_command("load_populations", str(path), *args)


def unit(code):
    return AdministrativeUnit.objects.get(code=code)


def test_figures_load_with_their_day_and_source(tmp_path, capsys):
    # a city district has no maslikhat, but it is a unit and may carry its figure
    load(tmp_path, f"kz-75,1 234 567,2026-01-01,{SOURCE}\nkz-75-almaly,54321,2026-01-01,{SOURCE}\n")
    assert "created 1, updated 1, unchanged 0" in capsys.readouterr().out  # kz-75 had the 2025 figure
    almaty = unit("kz-75")
    assert (almaty.population, almaty.population_as_of, almaty.population_source) == (
        1_234_567,
        datetime.date(2026, 1, 1),
        SOURCE,
    )
    assert almaty.population_confirmed
    assert AuditEntry.objects.filter(action="populations.import").count() == 1
    load(tmp_path, f"kz-75,1234567,2026-01-01,{SOURCE}\n")
    assert "unchanged 1" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="populations.import").count() == 1  # nothing changed, nothing logged


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("kz-75,1234567,2026-01-01,", "source is empty"),
        ("kz-75,1234567,2026-01-01,   ", "source is empty"),
        ("kz-99,1234567,2026-01-01,Table", "unit kz-99 is unknown"),
        ("kz-75,about a million,2026-01-01,Table", "population must be a whole number"),
        ("kz-75,0,2026-01-01,Table", "population must be a whole number"),
        ("kz-75,1234567,1 January 2026,Table", "as_of must be a date"),
        ("kz-75,1234567,2999-01-01,Table", "as_of is in the future"),
    ],
)
def test_a_bad_row_writes_nothing(tmp_path, capsys, row, problem):
    before = unit("kz-71").population, unit("kz-75").population
    with pytest.raises(CommandError):
        load(tmp_path, f"kz-71,1000000,2026-01-01,{SOURCE}\n{row}\n")
    assert problem in capsys.readouterr().err
    assert (unit("kz-71").population, unit("kz-75").population) == before
    assert not unit("kz-71").population_source


def test_a_file_without_the_source_column_is_refused(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("code,population,as_of\nkz-75,1234567,2026-01-01\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_populations", str(path))
    assert "source" in capsys.readouterr().err


def test_dry_run_writes_nothing(tmp_path):
    before = unit("kz-75").population
    load(tmp_path, f"kz-75,1234567,2026-01-01,{SOURCE}\n", "--dry-run")
    assert unit("kz-75").population == before and not unit("kz-75").population_source


def test_the_page_and_api_tell_a_sourced_figure_an_unsourced_one_and_none(tmp_path, client, almaty, astana):
    # The figures loaded with the reference data have no recorded source: unconfirmed.
    almaty.unit.refresh_from_db()
    assert almaty.unit.population and not almaty.unit.population_source
    page = client.get("/en/maslikhats/kz-75/").content.decode()
    assert "unconfirmed" in page and "No source is recorded for this figure." in page
    body = client.get(f"/api/v1/maslikhats/{almaty.pk}/").json()["population"]
    assert body["confirmed"] is False and body["source"] is None and body["figure"] == almaty.unit.population
    # No figure at all: "not available", not a number.
    AdministrativeUnit.objects.filter(code="kz-71").update(population=None, population_as_of=None)
    page = client.get("/en/maslikhats/kz-71/").content.decode()
    assert "Population</dt><dd>not available" in page
    assert client.get(f"/api/v1/maslikhats/{astana.pk}/").json()["population"] == {
        "figure": None,
        "as_of": None,
        "source": None,
        "confirmed": False,
    }
    # A loaded figure shows with its day and source, and no "unconfirmed".
    load(tmp_path, f"kz-75,1234567,2026-01-01,{SOURCE}\n")
    page = client.get("/en/maslikhats/kz-75/").content.decode()
    assert "1,234,567" in page and "on 1 January 2026" in page and SOURCE in page
    assert "No source is recorded" not in page
    assert client.get(f"/api/v1/maslikhats/{almaty.pk}/").json()["population"] == {
        "figure": 1234567,
        "as_of": "2026-01-01",
        "source": SOURCE,
        "confirmed": True,
    }
    kk = client.get("/kk/maslikhats/kz-71/").content.decode()
    ru = client.get("/ru/maslikhats/kz-71/").content.decode()
    assert "Population" not in kk and "Population" not in ru and "not available" not in kk + ru
