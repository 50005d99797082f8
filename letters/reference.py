"""Reference data that must exist in every database: the letter rules in force. The data migration
loads them; after a flush (tests) `post_migrate` reloads them through portal.seeding."""

import importlib


def load_letter_rules_if_empty(apps) -> None:
    try:
        LetterRules = apps.get_model("letters", "LetterRules")
    except LookupError:
        return
    if not LetterRules.objects.exists():
        importlib.import_module("letters.migrations.0002_letter_rules").load(apps, None)
