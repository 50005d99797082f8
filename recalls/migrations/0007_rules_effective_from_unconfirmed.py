"""The recall rules' effective date: the law entered into force ten calendar days after its first
official publication, not on the day it was signed (5 November 2022). The first rules row, as loaded
and not edited since, moves to the earliest day the clause allows and is marked unconfirmed until the
publication day is checked (recalls/reference.py says what is missing). A row an operator has edited
is left as it is; every row starts unconfirmed."""

import datetime

from django.db import migrations, models

SIGNED_ON = datetime.date(2022, 11, 5)
OLD_REFERENCE = (
    "Constitutional Law on Elections, chapter 13-2 (Arts. 113-12, 113-16), added 5 November 2022. "
    "Group size, signature threshold (press: 30%), collection period and verification method unconfirmed."
)
OLD_NOTE = "Defaults until the law's figures are confirmed; every figure marked unconfirmed is editable."


def _db(schema_editor) -> str:
    return schema_editor.connection.alias if schema_editor else "default"


def forwards(apps, schema_editor):
    from recalls.reference import EFFECTIVE_FROM, FIRST_RULES, LEGAL_REFERENCE

    rules = apps.get_model("recalls", "RecallRules").objects.using(_db(schema_editor))
    if rules.filter(effective_from=EFFECTIVE_FROM).exists():
        return  # another row already holds the day: a person reconciles them
    rules.filter(effective_from=SIGNED_ON, legal_reference=OLD_REFERENCE, note=OLD_NOTE).update(
        effective_from=EFFECTIVE_FROM, legal_reference=LEGAL_REFERENCE, note=FIRST_RULES["note"]
    )


def backwards(apps, schema_editor):
    from recalls.reference import EFFECTIVE_FROM, LEGAL_REFERENCE

    rules = apps.get_model("recalls", "RecallRules").objects.using(_db(schema_editor))
    rules.filter(effective_from=EFFECTIVE_FROM, legal_reference=LEGAL_REFERENCE).update(
        effective_from=SIGNED_ON, legal_reference=OLD_REFERENCE, note=OLD_NOTE
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recalls", "0006_merge_eds_signatures"),
    ]

    operations = [
        migrations.AddField(
            model_name="recallrules",
            name="effective_from_unconfirmed",
            field=models.BooleanField(
                default=True,
                help_text="Clear once the day the law entered into force is checked against its official publication.",
                verbose_name="in force from unconfirmed",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
