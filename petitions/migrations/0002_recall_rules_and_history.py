"""PostgreSQL refusing UPDATE and DELETE on the recall history.

Recall requests were built inside petitions and their tables were created here; the models now
belong to the recalls app (petitions/0006 and recalls/0001 move them, tables kept). This migration
also loaded the first rules row; that load now lives in recalls/0002 (recalls.reference)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION petitions_recalltransition_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'petitions_recalltransition is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER petitions_recalltransition_no_update BEFORE UPDATE OR DELETE ON petitions_recalltransition
  FOR EACH ROW EXECUTE FUNCTION petitions_recalltransition_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS petitions_recalltransition_no_update ON petitions_recalltransition;
DROP FUNCTION IF EXISTS petitions_recalltransition_append_only();
"""


def history_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def history_append_only_reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_recall")]
    operations = [
        migrations.RunPython(history_append_only, history_append_only_reverse),
    ]
