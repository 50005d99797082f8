"""After the move from petitions: the recall models' labels follow them, and the first rules row is
loaded here (it used to be loaded by petitions/0002_recall_rules_and_history).

- Content types: django_content_type rows (app_label "petitions", model "recall...") become
  app_label "recalls", so permissions granted on recall models keep their rows.
- Stored labels: follows, in-app notifications and email deliveries name their object by model
  label ("petitions.recallrequest"); they are rewritten to "recalls.recallrequest" so followers
  still hear and the inbox still links. Raw SQL on the tables, which exist whichever app holds the
  models in the state at the time.
- Audit entries are not rewritten: the audit log is append-only (a trigger refuses UPDATE) and
  records the label the object had when the action happened; nothing resolves an audit label to a
  model (the log is filtered by action).

Reversible: backwards puts the old labels back."""

from django.db import migrations

from recalls.reference import load_recall_rules

MODELS = ["recallrules", "recallrequest", "recallgroupmember", "recallsignature", "recallsignaturecheck", "recalltransition"]
LABEL_TABLES = ["portal_follow", "portal_notification", "portal_emaildelivery"]


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)
    tables = set(schema_editor.connection.introspection.table_names())
    labels = [(f"{old}.{model}", f"{new}.{model}") for model in MODELS]
    with schema_editor.connection.cursor() as cursor:
        for table in LABEL_TABLES:
            if table not in tables:
                continue
            for old_label, new_label in labels:
                cursor.execute(
                    f"UPDATE {table} SET object_type = %s WHERE object_type = %s",  # noqa: S608 - fixed table names
                    [new_label, old_label],
                )


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, "petitions", "recalls")
    load_recall_rules(apps, using=schema_editor.connection.alias)


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, "recalls", "petitions")


class Migration(migrations.Migration):
    dependencies = [
        ("recalls", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0004_notifications_follows_preferences"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
