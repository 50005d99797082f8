"""Compile every locale's .po into .mo with polib (pure Python): no system gettext needed.

Covers the project's own catalogues (LOCALE_PATHS, app locale/ folders) and locale_vendor/, our
translations of third-party strings (see the vendor_messages command).
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    vendor = Path(settings.BASE_DIR) / "locale_vendor"
    if vendor not in roots:
        roots.append(vendor)
    roots += [Path(settings.BASE_DIR) / app / "locale" for app in ("portal", "deputies", "petitions", "hearings")]
    return sorted({po for root in roots if root.exists() for po in root.glob("*/LC_MESSAGES/*.po")})


class Command(BaseCommand):
    help = "Compile .po catalogues to .mo without GNU gettext."

    def handle(self, *args, **options):
        for po_path in catalogues():
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
