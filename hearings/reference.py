"""Reference data that must exist in every database: the hearing rules in force. The data migration
loads them; after a flush (tests) `post_migrate` reloads them through portal.seeding."""

import importlib


def load_hearing_rules_if_empty(apps) -> None:
    try:
        HearingRules = apps.get_model("hearings", "HearingRules")
    except LookupError:
        return
    if not HearingRules.objects.exists():
        importlib.import_module("hearings.migrations.0002_hearing_rules").load(apps, None)
        importlib.import_module("hearings.migrations.0003_hearing_rules_translated_reference").translate(apps)
