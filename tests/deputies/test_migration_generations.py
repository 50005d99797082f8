"""An existing database moves to "every district has its convocation; the electoral system is the
convocation's": migrate back to deputies 0009 (districts could be undated, the maslikhat had its own
electoral system), write rows in that state through the historical models, migrate forward, and find
every district attached to the convocation in force and the maslikhat's system kept on the
convocation created for it. PostgreSQL."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from deputies.models import Convocation, Deputy, ElectoralDistrict, Maslikhat

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OLD_STATE = [("deputies", "0009_convocations")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _forward():
    """To the newest state whatever happened, so later tests find the schema they expect."""
    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _old_rows(old_apps) -> dict:
    Unit = old_apps.get_model("deputies", "AdministrativeUnit")
    OldMaslikhat = old_apps.get_model("deputies", "Maslikhat")
    OldConvocation = old_apps.get_model("deputies", "Convocation")
    OldDistrict = old_apps.get_model("deputies", "ElectoralDistrict")
    OldDeputy = old_apps.get_model("deputies", "Deputy")
    almaty = OldMaslikhat.objects.get(code="kz-75")
    assert almaty.electoral_system == "mixed_50_50"  # the reverse migration put the column back
    # Almaty: the 8th in force, a 9th recorded for 2028; an undated district and list deputy.
    OldConvocation.objects.create(
        maslikhat=almaty, number=9, elected_on=datetime.date(2028, 3, 19), electoral_system="mixed_50_50"
    )
    almaty_district = OldDistrict.objects.create(maslikhat=almaty, number=5, name_ru="Округ № 5")
    listed = OldDeputy.objects.create(maslikhat=almaty, full_name="Тізім Депутат", mandate="party_list")
    # Talgar: a district maslikhat with no convocation at all, its own system "smd", an undated
    # district with its deputy.
    unit = Unit.objects.create(
        code="kz-19-talgar", kind="district", parent=Unit.objects.get(code="kz-19"),
        name_kk="Талғар ауданы", name_ru="Талгарский район", name_en="Talgar District",
    )  # fmt: skip
    talgar = OldMaslikhat.objects.create(
        unit=unit, code=unit.code, level="district", electoral_system="smd", seats=15,
        name_kk="Талғар", name_ru="Талгар", name_en="Talgar",
    )  # fmt: skip
    assert not OldConvocation.objects.filter(maslikhat=talgar).exists()
    talgar_district = OldDistrict.objects.create(maslikhat=talgar, number=1, name_ru="Округ № 1")
    smd = OldDeputy.objects.create(
        maslikhat=talgar, full_name="Округ Депутат", mandate="single_mandate", district=talgar_district
    )
    assert OldDistrict.objects.filter(convocation__isnull=True).count() == 2
    return {"almaty_district": almaty_district.pk, "talgar_district": talgar_district.pk, "listed": listed.pk,
            "smd": smd.pk}  # fmt: skip


def test_undated_districts_are_attached_to_the_convocation_in_force():
    try:
        executor = _migrate(OLD_STATE)
        ids = _old_rows(executor.loader.project_state(OLD_STATE).apps)
    finally:
        _forward()

    assert not ElectoralDistrict.objects.filter(convocation__isnull=True).exists()
    field = ElectoralDistrict._meta.get_field("convocation")
    assert not field.null
    with connection.cursor() as cursor:  # the column itself refuses NULL now
        columns = connection.introspection.get_table_description(cursor, ElectoralDistrict._meta.db_table)
    assert next(c for c in columns if c.name == "convocation_id").null_ok is False

    almaty_district = ElectoralDistrict.objects.select_related("convocation").get(pk=ids["almaty_district"])
    assert (almaty_district.convocation.maslikhat.code, almaty_district.convocation.number) == ("kz-75", 8)
    assert Deputy.objects.get(pk=ids["listed"]).convocation == almaty_district.convocation
    # Talgar's 8th was recorded for it, with the system and seats the maslikhat itself had.
    talgar = Maslikhat.objects.get(code="kz-19-talgar")
    (eighth,) = Convocation.objects.filter(maslikhat=talgar)
    assert (eighth.number, eighth.elected_on, eighth.electoral_system, eighth.seats) == (
        8,
        datetime.date(2023, 3, 19),
        "smd",
        15,
    )
    assert ElectoralDistrict.objects.get(pk=ids["talgar_district"]).convocation == eighth
    assert Deputy.objects.get(pk=ids["smd"]).convocation == eighth
    # Every maslikhat has a convocation carrying its system; the maslikhat has none of its own.
    assert not Maslikhat.objects.exclude(convocations__isnull=False).exists()
    assert "electoral_system" not in {f.name for f in Maslikhat._meta.get_fields()}


def test_an_undated_district_sharing_a_number_stops_the_migration_for_a_person():
    migration = importlib.import_module("deputies.migrations.0010_population_source_attach_undated_districts")
    try:
        executor = _migrate(OLD_STATE)
        old_apps = executor.loader.project_state(OLD_STATE).apps
        OldDistrict = old_apps.get_model("deputies", "ElectoralDistrict")
        OldConvocation = old_apps.get_model("deputies", "Convocation")
        almaty = old_apps.get_model("deputies", "Maslikhat").objects.get(code="kz-75")
        eighth = OldConvocation.objects.get(maslikhat=almaty, number=8)
        OldDistrict.objects.create(maslikhat=almaty, convocation=eighth, number=3)
        undated = OldDistrict.objects.create(maslikhat=almaty, number=3)
        with pytest.raises(RuntimeError) as error:
            migration.attach_undated(old_apps, None)
        assert f"[{undated.pk}]" in str(error.value) and "kz-75" in str(error.value)
        assert OldDistrict.objects.get(pk=undated.pk).convocation_id is None
        undated.delete()  # a person resolved it
    finally:
        _forward()
    assert ElectoralDistrict.objects.filter(number=3, convocation__number=8).count() == 1
