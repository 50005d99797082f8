"""Reference data of the recall procedure: the first rules row. Loaded by the data migration
recalls/0002 and again after a database is emptied (portal.seeding.register_reference_data, run on
post_migrate, e.g. after a test's flush). Idempotent: when any rules row exists nothing is
written, so the operator's edits in the admin survive."""

import datetime

# Confirmed from stored texts of adilet.zan.kz: chapter 13-2 (recall) came with the Constitutional Law
# of 5 November 2022 No. 156-VII (adilet Z2200000156, "вводится в действие см. ст. 3"), which "shall
# come into effect ten calendar days after the day of its first official publication" (the footnote
# to Art. 1 of the Constitutional Law on Elections, adilet Z950002464_). Not confirmed: the day of
# that first publication. So the rules are in force from the earliest day the clause allows (a
# publication no earlier than the signing on 5 November, then ten full calendar days), marked
# unconfirmed until the publication day is checked: then the date is that day + 11.
LEGAL_REFERENCE = (
    "Constitutional Law on Elections, chapter 13-2 (Arts. 113-12, 113-16), added by the Constitutional Law "
    "of 5 November 2022 No. 156-VII, in force 10 calendar days after its first official publication. "
    "Group size, signature threshold (press: 30%), collection period and verification unconfirmed."
)
EFFECTIVE_FROM = datetime.date(2022, 11, 16)
EFFECTIVE_FROM_NOTE = (
    "In force from: 16 November 2022 is the earliest day the law's entry-into-force clause allows "
    "(publication no earlier than the signing on 5 November 2022, then ten calendar days). The day of its "
    "first official publication (Egemen Qazaqstan / Kazakhstanskaya Pravda, or adilet's 'Information' tab "
    "of Z2200000156) is not confirmed: when it is, set 'in force from' to the eleventh day after it and "
    "clear 'in force from unconfirmed'."
)
FIRST_RULES = {
    "legal_reference": LEGAL_REFERENCE,
    "note": "Defaults until the law's figures are confirmed; every figure marked unconfirmed is editable. "
    + EFFECTIVE_FROM_NOTE,
    "effective_from_unconfirmed": True,
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


def load_recall_rules(apps, using: str | None = None) -> None:
    """Create the first rules row when the table is empty. `apps` is the global registry or a migration's
    historical one (with `using`, the migration's database); before the recalls app's state exists (an
    early migration) it does nothing."""
    try:
        RecallRules = apps.get_model("recalls", "RecallRules")
    except LookupError:
        return
    rules = RecallRules.objects.db_manager(using)
    if not rules.exists():
        # A historical model (migration 0002) predates some flags: write the fields it has.
        fields = {f.name for f in RecallRules._meta.get_fields()}
        rules.get_or_create(
            effective_from=EFFECTIVE_FROM, defaults={k: v for k, v in FIRST_RULES.items() if k in fields}
        )
