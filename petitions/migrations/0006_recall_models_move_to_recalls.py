"""The recall models leave this app's state for the recalls app (recalls/0001_initial takes them).
State only: the tables petitions_recall* stay where they are, with every row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_percent_labels"),
        ("petitions", "0002_recall_rules_and_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RecallSignatureCheck"),
                migrations.DeleteModel(name="RecallTransition"),
                migrations.DeleteModel(name="RecallSignature"),
                migrations.DeleteModel(name="RecallGroupMember"),
                migrations.DeleteModel(name="RecallRequest"),
                migrations.DeleteModel(name="RecallRules"),
            ],
            database_operations=[],
        ),
    ]
