from django.db import migrations


def recompute(apps, schema_editor):
    # Keys of rows written by the first parser are recomputed with the current one.
    from deputies.addresses import settlement_key, street_key

    rows = apps.get_model("deputies", "AddressCoverage").objects.using(schema_editor.connection.alias)
    batch = []
    for row in rows.only("id", "settlement", "street").iterator(chunk_size=2000):
        row.settlement_key, row.street_key = settlement_key(row.settlement), street_key(row.street)
        batch.append(row)
        if len(batch) >= 2000:
            rows.bulk_update(batch, ["settlement_key", "street_key"])
            batch = []
    if batch:
        rows.bulk_update(batch, ["settlement_key", "street_key"])


class Migration(migrations.Migration):
    dependencies = [("deputies", "0005_deputy_website_coverage_prefix")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
