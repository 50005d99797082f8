"""CSV imports: idempotent, per-row errors, all or nothing; exports in the same formats; Popolo."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deputies.imports import deputies_export, districts_export, popolo_export
from deputies.models import AddressCoverage, Deputy, ElectoralDistrict
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "deputies" / "data"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_importing_twice_changes_nothing(capsys):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    counts = (ElectoralDistrict.objects.count(), AddressCoverage.objects.count(), Deputy.objects.count())
    assert counts == (3, 6, 3)
    capsys.readouterr()
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    out = capsys.readouterr().out
    assert "created 0, updated 0, unchanged 6" in out and "created 0, updated 0, unchanged 3" in out
    assert (ElectoralDistrict.objects.count(), AddressCoverage.objects.count(), Deputy.objects.count()) == counts
    assert AuditEntry.objects.filter(action="districts.import").count() == 2


def test_a_bad_row_writes_nothing_and_names_every_bad_row(tmp_path, capsys):
    path = write(
        tmp_path,
        "d.csv",
        "maslikhat,district,settlement,street,houses\n"
        "kz-75,1,Алматы,ул. Абая,1-10\n"
        "kz-99,1,Алматы,ул. Абая,1-10\n"
        "kz-75,x,Алматы,,нечет\n"
        "kz-75,2,Алматы,ул. Абая,5-20\n",
    )
    with pytest.raises(CommandError, match="3 bad row"):
        call_command("import_districts", str(path))
    err = capsys.readouterr().err
    assert "Row 3" in err and "kz-99" in err
    assert "Row 4" in err and "street is empty" in err
    assert not ElectoralDistrict.objects.exists() and not AddressCoverage.objects.exists()


def test_overlap_with_stored_coverage_is_refused(tmp_path, capsys):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    path = write(
        tmp_path,
        "d.csv",
        "maslikhat,district,settlement,street,houses\n"
        "kz-75,4,Алматы,ул. Бейбітшілік,all\n"
        'kz-75,4,Almaty,Abylai Khan avenue,"odd 51-61"\n',
    )
    with pytest.raises(CommandError):
        call_command("import_districts", str(path))
    assert "overlap district 1" in capsys.readouterr().err
    assert not ElectoralDistrict.objects.filter(number=4).exists()
    # the other side of the avenue does not overlap
    write(
        tmp_path,
        "d.csv",
        "maslikhat,district,settlement,street,houses\nkz-75,4,Almaty,Abylai Khan avenue,even 102-140\n",
    )
    call_command("import_districts", str(path))
    assert ElectoralDistrict.objects.filter(number=4).exists()


def test_a_districts_file_missing_a_column_is_refused(tmp_path):
    path = write(tmp_path, "d.csv", "maslikhat,district,street\nkz-75,1,Абая\n")
    with pytest.raises(CommandError):
        call_command("import_districts", str(path))


def test_deputies_rows_are_checked(tmp_path, capsys):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    path = write(
        tmp_path,
        "p.csv",
        "maslikhat,full_name,party,mandate,district,role,email,phone,reception\n"
        "kz-75,Бір Депутат,Amanat,single_mandate,1,member,,,\n"
        "kz-75,Екі Депутат,Amanat,single_mandate,1,member,,,\n"
        "kz-75,Үш Депутат,Amanat,single_mandate,9,member,,,\n"
        "kz-75,Төрт Депутат,Amanat,party_list,2,boss,not-an-email,,\n"
        "kz-75,,Amanat,party_list,,member,,,\n",
    )
    with pytest.raises(CommandError, match="4 bad row"):
        call_command("import_deputies", str(path))
    err = capsys.readouterr().err
    assert "also given to row 2" in err and "district 9" in err and "no district" in err and "not valid" in err
    assert not Deputy.objects.exists()


def test_a_changed_deputy_row_updates_the_deputy(tmp_path, capsys):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    text = (SAMPLES / "sample_deputies.csv").read_text(encoding="utf-8").replace("Mon 10:00-12:00", "Tue 15:00-17:00")
    call_command("import_deputies", str(write(tmp_path, "p.csv", text)))
    assert "updated 1" in capsys.readouterr().out
    assert Deputy.objects.get(full_name="Үлгіұлы Демо").reception_hours == "Tue 15:00-17:00"


def test_dry_run_writes_nothing():
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"), "--dry-run")
    assert not AddressCoverage.objects.exists() and not AuditEntry.objects.exists()


def test_exports_round_trip_in_the_import_formats(tmp_path):
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    districts_csv, deputies_csv = districts_export(), deputies_export()
    assert districts_csv.splitlines()[0] == "maslikhat,district,settlement,street,houses"
    assert deputies_csv.splitlines()[0] == "maslikhat,full_name,party,mandate,district,role,email,phone,reception"
    assert len(districts_csv.splitlines()) == 7 and len(deputies_csv.splitlines()) == 4
    # importing the export again changes nothing
    call_command("import_districts", str(write(tmp_path, "d.csv", districts_csv)))
    call_command("import_deputies", str(write(tmp_path, "p.csv", deputies_csv)))
    assert AddressCoverage.objects.count() == 6 and Deputy.objects.count() == 3
    out = tmp_path / "popolo.json"
    call_command("export_deputies", "--format", "popolo", "--maslikhat", "kz-75", "-o", str(out))
    popolo = json.loads(out.read_text(encoding="utf-8"))
    assert popolo == popolo_export(
        Deputy.objects.none().model.objects.none().model.maslikhat.field.related_model.objects.filter(code="kz-75")
    )


def test_popolo_has_persons_organizations_and_memberships():
    call_command("import_districts", str(SAMPLES / "sample_districts.csv"))
    call_command("import_deputies", str(SAMPLES / "sample_deputies.csv"))
    popolo = popolo_export()
    assert {p["name"] for p in popolo["persons"]} == {"Үлгіұлы Демо", "Мысалова Демо", "Тізімов Демо"}
    orgs = {o["id"]: o for o in popolo["organizations"]}
    assert orgs["maslikhat/kz-75"]["classification"] == "legislature"
    assert {o["name"] for o in orgs.values() if o["classification"] == "party"} == {"Amanat", "Respublica"}
    smd = next(
        m
        for m in popolo["memberships"]
        if m["person_id"].endswith(str(Deputy.objects.get(full_name="Үлгіұлы Демо").pk))
    )
    assert (
        smd["organization_id"] == "maslikhat/kz-75"
        and smd["on_behalf_of_id"] == "party/amanat"
        and smd["post_id"].startswith("seat/")
    )
    assert len(popolo["posts"]) == 3 and len(popolo["areas"]) == 3
