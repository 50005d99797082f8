"""The first recall rules row (editable in the admin), and PostgreSQL refusing UPDATE and DELETE on
the recall history."""

import datetime

from django.db import migrations

LEGAL_REFERENCE = (
    "Constitutional Law on Elections, chapter 13-2 (Arts. 113-12, 113-16), added 5 November 2022. "
    "Group size, signature threshold (press: 30%), collection period and verification method unconfirmed."
)

CREATE = """
CREATE OR REPLACE FUNCTION petitions_recalltransition_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'petitions_recalltransition is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER petitions_recalltransition_no_update BEFORE UPDATE OR DELETE ON petitions_recalltransition
  FOR EACH ROW EXECUTE FUNCTION petitions_recalltransition_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS petitions_recalltransition_no_update ON petitions_recalltransition;
DROP FUNCTION IF EXISTS petitions_recalltransition_append_only();
"""


def seed_rules(apps, schema_editor):
    RecallRules = apps.get_model("petitions", "RecallRules")
    RecallRules.objects.get_or_create(
        effective_from=datetime.date(2022, 11, 5),
        defaults={
            "legal_reference": LEGAL_REFERENCE,
            "note": "Defaults until the law's figures are confirmed; every figure marked unconfirmed is editable.",
            "min_group_size": 10, "min_group_size_unconfirmed": True,
            "group_forming_working_days": 20, "group_forming_unconfirmed": True,
            "registration_review_working_days": 10, "registration_review_unconfirmed": True,
            "signature_threshold_percent": 30, "signature_threshold_unconfirmed": True,
            "collection_working_days": 40, "collection_unconfirmed": True,
            "bar_first_months": 12, "bar_last_months": 12, "term_bar_unconfirmed": True,
            "term_years": 5, "term_years_unconfirmed": False,
            "min_voter_age": 18, "min_voter_age_unconfirmed": False,
            "verification_working_days": 15, "verification_unconfirmed": True,
            "sample_margin_percent": 3, "sample_unconfirmed": True,
            "turnout_min_numerator": 1, "turnout_min_denominator": 3, "turnout_unconfirmed": False,
            "recall_majority_percent": 50, "majority_unconfirmed": False,
            "retention_days": 90, "retention_unconfirmed": True,
        },
    )


def history_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def history_append_only_reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_recall")]
    operations = [
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        migrations.RunPython(history_append_only, history_append_only_reverse),
    ]
