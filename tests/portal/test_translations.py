"""Every msgid has a Kazakh and a Russian translation, and the catalogues match the sources."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests.tools import require_program

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("kk", "ru")] + [
    ROOT / "locale_vendor" / lang / "LC_MESSAGES" / "django.po" for lang in ("kk", "ru")
]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_msgid_is_translated(po_path):
    catalogue = polib.pofile(str(po_path))
    missing = [
        entry.msgid for entry in catalogue if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert missing == [], f"{len(missing)} untranslated in {po_path.name}: {missing[:20]}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run manage.py compilemessages_py"
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(po_path)) if e.translated()}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path)) if e.msgid}
    assert po == mo, "compiled .mo is stale: run manage.py compilemessages_py"


@pytest.mark.slow  # copies the tree and runs makemessages (xgettext over every source file)
def test_catalogues_hold_every_msgid_of_the_sources(tmp_path):
    """makemessages on a copy of the sources finds no msgid that the committed catalogue lacks."""
    require_program("xgettext", "gettext")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            "var",
            ".git",
            "node_modules",
            "*.mo",
            "tests",
            "bench",
            "locale_vendor",
            ".ruff_cache",
            ".pytest_cache",
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-obsolete", "--ignore=.venv", "--ignore=var"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUES[1]))}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"


def test_vendor_catalogues_cover_the_installed_packages():
    """Every string of Django, allauth and DRF that their own kk/ru catalogues lack is in locale_vendor."""
    require_program("xgettext", "gettext")
    call_command("vendor_messages")  # raises CommandError listing the untranslated msgids


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", ["Мені есте сақтау", "5 күн", "Дұрыс электрондық пошта мекенжайын енгізіңіз."]),
        ("ru", ["Запомнить меня", "5 дней", "Введите правильный адрес электронной почты."]),
    ],
)
def test_third_party_strings_speak_the_language_not_the_fallback(language, expected):
    """A msgid missing in Russian falls back to the default language (Kazakh): none may leak into ru."""
    with translation.override(language):
        got = [
            translation.gettext("Remember Me"),
            translation.ngettext("%(num)d day", "%(num)d days", 5) % {"num": 5},
            translation.gettext("Enter a valid email address."),
        ]
    assert got == expected


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogues_pass_msgfmt_check(po_path):
    """Placeholders and plural forms agree with the msgid and the header (GNU gettext's own check)."""
    require_program("msgfmt", "gettext")
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
