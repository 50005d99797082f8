"""A district always belongs to a convocation (0010 attached the undated ones), and the electoral
system is the convocation's only: the maslikhat's copy goes. Backwards, the maslikhat's column comes
back holding the system of its convocation in force (the tier's where none is recorded)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def restore_maslikhat_system(apps, schema_editor):
    from django.utils import timezone

    db = schema_editor.connection.alias
    maslikhats = apps.get_model("deputies", "Maslikhat").objects.using(db)
    convocations = apps.get_model("deputies", "Convocation").objects.using(db)
    today = timezone.localdate()
    later = convocations.filter(
        maslikhat=OuterRef("maslikhat"), elected_on__gt=OuterRef("elected_on"), elected_on__lte=today
    )
    current = {
        c.maslikhat_id: c.electoral_system
        for c in convocations.filter(elected_on__lte=today).exclude(Exists(later))
    }
    for maslikhat in maslikhats.all():
        tier = "mixed_50_50" if maslikhat.level == "regional" else "smd"
        maslikhat.electoral_system = current.get(maslikhat.pk, tier)
        maslikhat.save(using=db, update_fields=["electoral_system"])


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0010_population_source_attach_undated_districts"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="electoraldistrict",
            name="district_unique_number_undated",
        ),
        migrations.AlterField(
            model_name="electoraldistrict",
            name="convocation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="districts", to="deputies.convocation"
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, restore_maslikhat_system),
        # A default only so that going backwards can add the column to existing rows.
        migrations.AlterField(
            model_name="maslikhat",
            name="electoral_system",
            field=models.CharField(
                choices=[
                    ("mixed_50_50", "Mixed: half party lists, half single-mandate districts"),
                    ("smd", "Single-mandate districts only"),
                ],
                default="smd",
                max_length=12,
                verbose_name="electoral system",
            ),
        ),
        migrations.RemoveField(
            model_name="maslikhat",
            name="electoral_system",
        ),
    ]
