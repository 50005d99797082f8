"""The rules in force: notice period and minutes deadline per hearing type (DOMAIN.md, Public
hearings). Editable in the admin; a new row with a later effective date supersedes these."""

import datetime

from django.db import migrations

MINUTES_NOTE = "minutes within 5 working days: the Government's rule for its own meetings since 2024 (default)"
RULES = [
    ("urban_planning", 20, 5, f"Order No. 505 of 2020: public discussion no earlier than 20 calendar days after the announcement; {MINUTES_NOTE}", False),
    ("budget", 10, 5, f"Default 10-day notice (not set in law); {MINUTES_NOTE}", True),
    ("social", 10, 5, f"Default 10-day notice (not set in law); {MINUTES_NOTE}", True),
    ("other", 10, 5, f"Default 10-day notice (not set in law); {MINUTES_NOTE}", True),
]


def load(apps, schema_editor):
    HearingRules = apps.get_model("hearings", "HearingRules")
    for hearing_type, notice, minutes, reference, unconfirmed in RULES:
        HearingRules.objects.get_or_create(
            hearing_type=hearing_type,
            effective_from=datetime.date(2020, 1, 1),
            defaults={"notice_days": notice, "minutes_working_days": minutes, "legal_reference": reference,
                      "unconfirmed": unconfirmed},
        )


class Migration(migrations.Migration):
    dependencies = [("hearings", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
