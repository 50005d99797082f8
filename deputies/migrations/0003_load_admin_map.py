"""A fresh database knows the 20 tier-1 units, their maslikhats and the city districts."""

from django.db import migrations


def forwards(apps, schema_editor):
    from deputies.admin_map import load_admin_map

    load_admin_map(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("deputies", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
