"""Reference data that migrations load (the administrative map, hearing rules). A transactional
test ends with a flush that removes it, and --reuse-db keeps the database that way for the next
session, so hearing tests put it back when it is missing."""

import importlib

from django.apps import apps


def ensure_reference_data() -> None:
    from deputies.admin_map import load_admin_map
    from deputies.models import Maslikhat
    from hearings.models import HearingRules

    if not Maslikhat.objects.exists():
        load_admin_map(apps)
    if not HearingRules.objects.exists():
        importlib.import_module("hearings.migrations.0002_hearing_rules").load(apps, None)
