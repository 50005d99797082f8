"""The electoral system is the convocation's, not the maslikhat's: a maslikhat elected in
single-mandate districts only in one convocation and by the mixed system in the next has party-list
deputies only in the second. Staff pages, imports and the pages decide on the convocation of the day.
(The 7th convocation's single-mandate system here is made up for the test; the 8th is the real one,
recorded with the administrative map.)"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from deputies.imports import deputies_import_rows, districts_import_rows
from deputies.models import Convocation, Deputy, Maslikhat
from deputies.services import deputy_create, deputy_update
from tests.deputies.factories import ElectoralDistrictFactory

pytestmark = pytest.mark.django_db

SMD, MIXED = Maslikhat.ElectoralSystem.SMD, Maslikhat.ElectoralSystem.MIXED


@pytest.fixture
def seventh(almaty):
    """Almaty: the 7th convocation single-mandate only (2021-2023), the 8th mixed (from 2023)."""
    eighth = Convocation.objects.get(maslikhat=almaty, number=8)
    assert (eighth.elected_on, eighth.electoral_system) == (datetime.date(2023, 3, 19), MIXED)
    return Convocation.objects.create(
        maslikhat=almaty,
        number=7,
        elected_on=datetime.date(2021, 1, 10),
        ends_on=datetime.date(2023, 3, 19),
        electoral_system=SMD,
        seats=39,
    )


def _data(**values):
    return {"full_name": "Жаңа Депутат", "district": None, "role": "member", "status": "active", **values}


def test_a_party_list_deputy_exists_only_where_the_convocation_of_the_day_has_lists(staff, almaty, seventh):
    with pytest.raises(ValidationError) as error:
        deputy_create(
            actor=staff, maslikhat=almaty, data=_data(mandate="party_list", elected_on=datetime.date(2021, 1, 10))
        )
    assert error.value.message_dict["mandate"] == [
        "Convocation 7 of this maslikhat is elected in single-mandate districts only."
    ]
    assert not Deputy.objects.exists()
    listed = deputy_create(
        actor=staff, maslikhat=almaty, data=_data(mandate="party_list", elected_on=datetime.date(2023, 3, 19))
    )
    assert listed.convocation.number == 8
    # a single-mandate deputy of the 7th convocation's district is fine
    old_district = ElectoralDistrictFactory(maslikhat=almaty, convocation=seventh, number=4)
    smd = deputy_create(
        actor=staff,
        maslikhat=almaty,
        data=_data(
            full_name="Ескі Депутат",
            mandate="single_mandate",
            district=old_district,
            elected_on=datetime.date(2021, 1, 10),
        ),
    )
    assert smd.convocation == seventh
    # turning the 7th convocation's deputy into a list deputy is refused: still the 7th, no lists
    with pytest.raises(ValidationError) as error:
        deputy_update(actor=staff, deputy=smd, data={"mandate": "party_list", "district": None})
    assert "Convocation 7" in error.value.message_dict["mandate"][0]
    smd.refresh_from_db()
    assert smd.mandate == "single_mandate" and smd.district == old_district


def test_a_day_before_any_recorded_convocation_has_no_system(staff, almaty, seventh):
    with pytest.raises(ValidationError) as error:
        deputy_create(
            actor=staff, maslikhat=almaty, data=_data(mandate="party_list", elected_on=datetime.date(2016, 3, 20))
        )
    assert error.value.message_dict["elected_on"] == ["No convocation of this maslikhat is recorded for that date."]
    assert Convocation.objects.filter(maslikhat=almaty).count() == 2  # nothing invented for 2016


def test_an_import_of_an_older_generation_uses_its_system(almaty, seventh):
    party_row = {"maslikhat": "kz-75", "full_name": "Тізім Депутат", "party": "Amanat", "mandate": "party_list"}
    report = deputies_import_rows([(2, party_row)], convocation=7)
    assert report.errors == ["Row 2: convocation 7 of kz-75 is elected in single-mandate districts only."]
    assert not Deputy.objects.exists()
    assert deputies_import_rows([(2, party_row)]).ok  # the convocation in force: the 8th, mixed
    assert Deputy.objects.get().convocation.number == 8
    # the 7th convocation's districts and single-mandate deputies load into the 7th
    coverage = {"maslikhat": "kz-75", "district": "4", "settlement": "Алматы", "street": "ул. Иманова", "houses": "all"}
    assert districts_import_rows([(2, coverage)], convocation=7).ok
    smd_row = {"maslikhat": "kz-75", "full_name": "Ескі Депутат", "mandate": "single_mandate", "district": "4"}
    assert deputies_import_rows([(2, smd_row)], convocation=7).ok
    old = Deputy.objects.get(full_name="Ескі Депутат")
    assert (old.convocation.number, old.district.convocation.number) == (7, 7)


def test_a_new_convocation_takes_the_given_system_or_the_tiers(tmp_path, almaty, capsys):
    path = tmp_path / "d.csv"
    path.write_text("maslikhat,district,settlement,street,houses\nkz-75,1,Алматы,ул. Иманова,all\n", encoding="utf-8")
    call_command("import_districts", str(path), "--convocation", "9", "--elected-on", "2028-03-19")
    assert Convocation.objects.get(maslikhat=almaty, number=9).electoral_system == MIXED  # tier 1
    call_command(
        "import_districts", str(path), "--convocation", "10", "--elected-on", "2033-03-19", "--electoral-system", "smd"
    )
    assert Convocation.objects.get(maslikhat=almaty, number=10).electoral_system == SMD
    # the report says when a convocation's system is not its tier's
    assert "a tier 1 maslikhat is elected by" in capsys.readouterr().out


def test_pages_and_api_show_the_system_of_the_convocation_in_force(client, staff, almaty, time_machine):
    """A later convocation elected single-mandate only (made up): the maslikhat's lists end with it."""
    time_machine.move_to("2026-06-01 12:00:00+05:00", tick=False)
    Convocation.objects.create(maslikhat=almaty, number=9, elected_on=datetime.date(2026, 3, 1), electoral_system=SMD)
    listing = client.get("/api/v1/maslikhats/", {"limit": 100}).json()["results"]
    assert {m["code"]: m["electoral_system"] for m in listing}["kz-75"] == "smd"
    assert {m["code"]: m["electoral_system"] for m in listing}["kz-71"] == "mixed_50_50"
    assert client.get(f"/api/v1/maslikhats/{almaty.pk}/").json()["electoral_system"] == "smd"
    assert "Single-mandate districts only" in client.get("/en/maslikhats/kz-75/").content.decode()
    assert "Single-mandate districts only" in client.get("/en/maslikhats/").content.decode()
    with pytest.raises(ValidationError) as error:
        deputy_create(actor=staff, maslikhat=almaty, data=_data(mandate="party_list"))
    assert "Convocation 9" in error.value.message_dict["mandate"][0]
    # a list deputy of the 8th (elected in 2023) is still recorded in the 8th
    listed = deputy_create(
        actor=staff, maslikhat=almaty, data=_data(mandate="party_list", elected_on=datetime.date(2023, 3, 19))
    )
    assert listed.convocation.number == 8


def test_a_tier_2_maslikhat_without_a_convocation_gets_the_8th_single_mandate(staff):
    from deputies.models import AdministrativeUnit
    from portal.models import Role
    from tests.factories import grant

    unit = AdministrativeUnit.objects.create(
        code="kz-19-talgar", kind="district", parent=AdministrativeUnit.objects.get(code="kz-19"),
        name_kk="Талғар ауданы", name_ru="Талгарский район", name_en="Talgar District",
    )  # fmt: skip
    talgar = Maslikhat.objects.create(
        unit=unit, code=unit.code, level="district", name_kk="Талғар", name_ru="Талгар", name_en="Talgar"
    )
    grant(staff, Role.STAFF, talgar.code)
    with pytest.raises(ValidationError) as error:
        deputy_create(actor=staff, maslikhat=talgar, data=_data(mandate="party_list"))
    assert "Convocation 8" in error.value.message_dict["mandate"][0]
    assert not Convocation.objects.filter(maslikhat=talgar).exists()  # the refusal wrote nothing
    district = ElectoralDistrictFactory(maslikhat=talgar, number=1)
    assert (district.convocation.number, district.convocation.electoral_system) == (8, SMD)
