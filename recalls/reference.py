"""Reference data of the recall procedure: the first rules row. Loaded by the data migration
recalls/0002 and again after a database is emptied (portal.seeding.register_reference_data, run on
post_migrate, e.g. after a test's flush). Idempotent: when any rules row exists nothing is
written, so the operator's edits in the admin survive."""

import datetime

LEGAL_REFERENCE = (
    "Constitutional Law on Elections, chapter 13-2 (Arts. 113-12, 113-16), added 5 November 2022. "
    "Group size, signature threshold (press: 30%), collection period and verification method unconfirmed."
)
EFFECTIVE_FROM = datetime.date(2022, 11, 5)
FIRST_RULES = {
    "legal_reference": LEGAL_REFERENCE,
    "note": "Defaults until the law's figures are confirmed; every figure marked unconfirmed is editable.",
    "min_group_size": 10,
    "min_group_size_unconfirmed": True,
    "group_forming_working_days": 20,
    "group_forming_unconfirmed": True,
    "registration_review_working_days": 10,
    "registration_review_unconfirmed": True,
    "signature_threshold_percent": 30,
    "signature_threshold_unconfirmed": True,
    "collection_working_days": 40,
    "collection_unconfirmed": True,
    "bar_first_months": 12,
    "bar_last_months": 12,
    "term_bar_unconfirmed": True,
    "term_years": 5,
    "term_years_unconfirmed": False,
    "min_voter_age": 18,
    "min_voter_age_unconfirmed": False,
    "verification_working_days": 15,
    "verification_unconfirmed": True,
    "sample_margin_percent": 3,
    "sample_unconfirmed": True,
    "turnout_min_numerator": 1,
    "turnout_min_denominator": 3,
    "turnout_unconfirmed": False,
    "recall_majority_percent": 50,
    "majority_unconfirmed": False,
    "retention_days": 90,
    "retention_unconfirmed": True,
}


def load_recall_rules(apps) -> None:
    """Create the first rules row when the table is empty. `apps` is the global registry or a migration's
    historical one; before the recalls app's state exists (an early migration) it does nothing."""
    try:
        RecallRules = apps.get_model("recalls", "RecallRules")
    except LookupError:
        return
    if not RecallRules.objects.exists():
        RecallRules.objects.get_or_create(effective_from=EFFECTIVE_FROM, defaults=FIRST_RULES)
