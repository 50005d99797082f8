"""The letter rules in force (DOMAIN.md: appeals are answered within 15 working days). Editable in
the admin; a new row with a later effective date supersedes these."""

import datetime

from django.db import migrations

REFERENCE = (
    "Reply term: 15 working days, the term for answering an appeal under the Administrative Procedural Code "
    "(a deputy's letter is not a formal appeal, so this is a yardstick, not a duty). Minimum sample, period, "
    "link validity, limits and retention: Dauys defaults, not set in law."
)


def load(apps, schema_editor):
    LetterRules = apps.get_model("letters", "LetterRules")
    LetterRules.objects.get_or_create(
        effective_from=datetime.date(2023, 1, 1),
        defaults={
            "reply_term_working_days": 15,
            "reminder_working_days": 10,
            "min_messages_for_rate": 5,
            "period_days": 365,
            "reply_link_days": 60,
            "per_account_per_day": 5,
            "per_network_per_day": 30,
            "retention_days": 3 * 365,
            "legal_reference": REFERENCE,
            "unconfirmed": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
