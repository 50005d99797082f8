"""RecallTransition is named RecallHistory, like every app's history. Its table keeps the name it was
born with (`petitions_recalltransition`, already the model's db_table), so the rename moves no table;
RenameModel also renames the content type and permissions."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recalls", "0003_history_base")]

    operations = [
        migrations.RenameModel(old_name="RecallTransition", new_name="RecallHistory"),
    ]
