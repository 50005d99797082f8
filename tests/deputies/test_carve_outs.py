"""Carve-outs: a commission names single buildings of one district's ranges in another district.
The most specific rule wins (an explicit house over a range, a range over `all`); the same kind of
rule covering one house in two districts is still an overlap. Runs on PostgreSQL and SQLite."""

import csv

import pytest
from django.core.management import CommandError, call_command

from deputies.addresses import rule_specificity, rules_carve_out, rules_overlap
from deputies.imports import districts_import_rows
from deputies.models import AddressCoverage, ElectoralDistrict
from deputies.selectors import address_lookup

pytestmark = pytest.mark.django_db

CARVED = (
    "maslikhat,district,settlement,street,houses\n"
    'kz-75,1,Алматы,ул. Иманова,"1-30, 32-60"\n'
    'kz-75,2,Алматы,ул. Иманова,"30Б, 31, 44/2"\n'
)


def rows(text):
    lines = text.strip().splitlines()
    header = lines[0].split(",")
    return [(n, dict(zip(header, values, strict=True))) for n, values in enumerate(csv.reader(lines[1:]), start=2)]


def numbers(text):
    return [[d.number for d in m.districts] for m in address_lookup(text).matches]


@pytest.mark.parametrize(
    ("house", "rule", "specificity"),
    [
        ("30b", "1-30, 32-60", 1),
        ("44/2", "1-30, 32-60", 1),
        ("30b", "30Б, 31, 44/2", 2),
        ("30", "30Б, 31, 44/2", None),
        ("5", "all", 0),
        ("5", "all, 5", 2),
    ],
)
def test_rule_specificity(house, rule, specificity):
    assert rule_specificity(house, rule) == specificity


def test_carve_outs_and_overlaps_are_told_apart():
    assert rules_carve_out("1-30, 32-60", "30Б, 31, 44/2") and not rules_overlap("1-30, 32-60", "30Б, 31, 44/2")
    assert rules_carve_out("all", "odd 1-9") and not rules_overlap("all", "odd 1-9")
    assert rules_overlap("30Б", "30Б") and not rules_carve_out("30Б", "30Б")
    assert rules_overlap("odd 1-9", "1-2") and not rules_overlap("odd 1-9", "even 2-8")
    assert rules_overlap("all", "все")


def test_the_commission_file_imports_and_reports_the_carve_outs(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text(CARVED, encoding="utf-8")
    call_command("import_districts", str(path))
    out = capsys.readouterr().out
    assert "carve-out" in out and "Иманова" in out
    assert AddressCoverage.objects.filter(street="ул. Иманова").count() == 2
    # The carved-out buildings go to district 2, the rest of the range to district 1.
    for house, district in [("30Б", 2), ("44/2", 2), ("31", 2), ("30", 1), ("44", 1), ("1", 1), ("60", 1)]:
        assert numbers(f"Алматы, Иманова {house}") == [[district]], house
    assert numbers("Алматы, Иманова 30 Б") == [[2]]
    assert numbers("Алматы, ул. Иманова, д. 44/1") == [[1]]  # a fraction not named elsewhere: the range
    assert address_lookup("Алматы, Иманова 61").matches == []
    # importing again changes nothing and still reports the carve-outs
    call_command("import_districts", str(path))
    assert "unchanged 2" in capsys.readouterr().out


def test_a_carve_out_against_stored_coverage_is_accepted():
    assert districts_import_rows(rows(CARVED.splitlines()[0] + "\n" + CARVED.splitlines()[1])).ok
    report = districts_import_rows(rows(CARVED.splitlines()[0] + "\n" + CARVED.splitlines()[2]))
    assert report.ok and report.notes and "coverage already stored" in report.notes[0]
    assert numbers("Алматы, Иманова 44/2") == [[2]]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("30Б", "30Б"),  # the same explicit house in two districts
        ("1-30", "odd 29-41"),  # two ranges sharing house 29
        ("all", "барлығы"),  # all in two districts for one street
    ],
)
def test_same_kind_overlaps_are_refused(tmp_path, capsys, first, second):
    path = tmp_path / "d.csv"
    path.write_text(
        "maslikhat,district,settlement,street,houses\n"
        f'kz-75,1,Алматы,ул. Иманова,"{first}"\n'
        f'kz-75,2,Алматы,ул. Иманова,"{second}"\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_districts", str(path))
    assert "overlap district 1" in capsys.readouterr().err
    assert not ElectoralDistrict.objects.filter(maslikhat__code="kz-75").exists()


def test_a_street_carved_out_of_all_needs_the_house_number():
    report = districts_import_rows(
        rows(
            "maslikhat,district,settlement,street,houses\n"
            "kz-75,1,Алматы,ул. Иманова,all\n"
            'kz-75,2,Алматы,ул. Иманова,"even 2-10"\n'
        )
    )
    assert report.ok and report.notes
    assert numbers("Алматы, Иманова 4") == [[2]]
    assert numbers("Алматы, Иманова 5") == [[1]]
    lookup = address_lookup("Алматы, Иманова")
    assert lookup.matches == [] and "house number" in lookup.hint
