"""Population figures carry their source; every district gets its boundary generation.

Districts made before generations were recorded (and by code paths that did not set one) are attached
to their maslikhat's convocation in force on the day this runs; every maslikhat without any
convocation first gets its 8th (elected 19 March 2023, like all 223), with the electoral system and
seats the maslikhat itself recorded, which the next migration removes from the maslikhat. Deputies
without a convocation follow their district, or the convocation in force. Two districts that would
share a number in one convocation stop the migration with their ids: that needs a person."""

import datetime

from django.db import migrations, models
from django.db.models import Exists, OuterRef

ELECTED_ON = datetime.date(2023, 3, 19)


def _in_force(convocations, on):
    later = convocations.filter(maslikhat=OuterRef("maslikhat"), elected_on__gt=OuterRef("elected_on"), elected_on__lte=on)
    return convocations.filter(elected_on__lte=on).exclude(Exists(later))


def attach_undated(apps, schema_editor):
    from django.utils import timezone

    db = schema_editor.connection.alias if schema_editor else "default"
    maslikhats = apps.get_model("deputies", "Maslikhat").objects.using(db)
    convocations = apps.get_model("deputies", "Convocation").objects.using(db)
    districts = apps.get_model("deputies", "ElectoralDistrict").objects.using(db)
    deputies = apps.get_model("deputies", "Deputy").objects.using(db)
    today = timezone.localdate()
    for maslikhat in maslikhats.exclude(Exists(convocations.filter(maslikhat=OuterRef("pk")))):
        convocations.create(
            maslikhat=maslikhat,
            number=8,
            elected_on=ELECTED_ON,
            electoral_system=maslikhat.electoral_system,
            seats=maslikhat.seats,
        )
    current = {c.maslikhat_id: c for c in _in_force(convocations, today)}
    undated = districts.filter(convocation__isnull=True)
    for maslikhat in maslikhats.filter(pk__in=undated.values("maslikhat_id")):
        convocation = current.get(maslikhat.pk)
        if convocation is None:  # only future convocations recorded: the 8th is the one in force
            convocation, _created = convocations.get_or_create(
                maslikhat=maslikhat,
                number=8,
                defaults={"elected_on": ELECTED_ON, "electoral_system": maslikhat.electoral_system},
            )
        rows = undated.filter(maslikhat=maslikhat)
        clashes = rows.filter(
            Exists(districts.filter(convocation=convocation, number=OuterRef("number")))
        )
        if clashes.exists():
            raise RuntimeError(
                f"Districts {sorted(clashes.values_list('pk', flat=True))} of maslikhat {maslikhat.code} have no "
                f"convocation and share their numbers with districts of convocation {convocation.number}: "
                "renumber or delete them, then migrate again."
            )
        rows.update(convocation=convocation)
        current[maslikhat.pk] = convocation
    for deputy in deputies.filter(convocation__isnull=True).select_related("district"):
        deputy.convocation_id = (
            deputy.district.convocation_id if deputy.district_id else getattr(current.get(deputy.maslikhat_id), "pk", None)
        )
        if deputy.convocation_id:
            deputy.save(using=db, update_fields=["convocation"])


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0009_convocations"),
    ]

    operations = [
        migrations.AddField(
            model_name="administrativeunit",
            name="population_source",
            field=models.CharField(
                blank=True,
                help_text="The publication the figure comes from (title, table, address). Empty: unconfirmed.",
                max_length=300,
                verbose_name="population source",
            ),
        ),
        migrations.RunPython(attach_undated, migrations.RunPython.noop),
    ]
