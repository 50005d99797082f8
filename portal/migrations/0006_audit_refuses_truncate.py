"""PostgreSQL refuses TRUNCATE on the audit log too (UPDATE and DELETE since 0002)."""

from django.db import migrations

from portal.append_only import no_truncate_sql

CREATE, DROP = no_truncate_sql("portal_auditentry")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_notifications_move_to_their_app")]
    operations = [migrations.RunPython(forwards, backwards)]
