"""PetitionEvent is named PetitionHistory, like every app's history (RecallHistory, HearingHistory).
The table keeps its name (`petitions_petitionevent`, set as db_table first, so the rename moves no
table); RenameModel also renames the content type and permissions."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_recall_models_move_to_recalls")]

    operations = [
        migrations.AlterModelTable(name="petitionevent", table="petitions_petitionevent"),
        migrations.RenameModel(old_name="PetitionEvent", new_name="PetitionHistory"),
    ]
