"""The petitions law's numbers as the first rules version, the tier-1 populations
(petitions/reference.py), and the database-level guard that keeps the petition history
append-only."""

from django.db import migrations

def _sql():
    from portal.append_only import append_only_sql

    return append_only_sql("petitions_petitionevent")


def forwards(apps, schema_editor):
    from petitions.reference import load_petition_reference

    load_petition_reference(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_sql()[0])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_sql()[1])


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("deputies", "0003_load_admin_map"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
