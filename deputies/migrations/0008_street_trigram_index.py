"""pg_trgm and a GIN trigram index on the street keys, for "did you mean" (PostgreSQL only; SQLite
uses a simple fallback in deputies.selectors.did_you_mean)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS coverage_street_trgm ON deputies_addresscoverage USING gin (street_key gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS coverage_street_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("deputies", "0007_deputy_name_key")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
