"""Keep locale_vendor/ in step with the third-party packages whose Kazakh catalogues are missing or partial.

Django's own `kk` catalogues leave many strings untranslated, django-allauth ships no Kazakh at all, and
Django REST framework misses a few messages. locale_vendor/<lang>/LC_MESSAGES/django.po holds our
translations of exactly those strings; it comes second in LOCALE_PATHS so the project's own catalogue
still wins. After upgrading a package:

    manage.py vendor_messages --update   # add new msgids (with the Russian text as a reference), drop stale ones
    (translate the empty entries)
    manage.py compilemessages_py
    manage.py vendor_messages            # exits 1 and lists what is still untranslated
"""

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

PLURAL_FORMS = {
    "kk": "nplurals=2; plural=(n!=1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}
# A translation in this language is written as a comment next to each new msgid, to help the translator.
HINT_LANGUAGE = {"kk": "ru"}


@dataclass(frozen=True)
class Source:
    """A package's catalogues.

    `template` is the language whose .po lists the package's current msgids (its English source catalogue);
    the catalogues of other languages often lag behind and hold msgids the code no longer uses. None means
    the package ships no up-to-date .po, so xgettext reads its code instead.
    """

    label: str
    package: str
    locale_dir: str
    template: str | None = "en"


SOURCES = [
    Source("django", "django", "conf/locale"),
    Source("django.contrib.auth", "django", "contrib/auth/locale"),
    Source("django.contrib.contenttypes", "django", "contrib/contenttypes/locale"),
    Source("allauth", "allauth", "locale"),
    Source("rest_framework", "rest_framework", "locale", template=None),
]

Key = tuple[str | None, str]


def package_dir(package: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise CommandError(f"{package} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def load_catalogue(locale_root: Path, language: str) -> polib._BaseFile | None:
    po = locale_root / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if po.exists():
        return polib.pofile(str(po))
    if mo.exists():
        return polib.mofile(str(mo))
    return None


def extract_msgids(package_root: Path) -> list[polib.POEntry]:
    """xgettext over a package's Python files, for packages that ship only compiled catalogues (DRF)."""
    xgettext = shutil.which("xgettext")
    if not xgettext:
        raise CommandError("GNU gettext (xgettext) is needed to read msgids from packages without .po files")
    keywords = [
        "gettext",
        "gettext_lazy",
        "_",
        "ngettext:1,2",
        "ngettext_lazy:1,2",
        "pgettext:1c,2",
        "pgettext_lazy:1c,2",
        "npgettext:1c,2,3",
        "npgettext_lazy:1c,2,3",
    ]
    files = sorted(str(p) for p in package_root.rglob("*.py") if "migrations" not in p.parts)
    with tempfile.TemporaryDirectory() as tmp:
        listing, pot = Path(tmp) / "files", Path(tmp) / "out.pot"
        listing.write_text("\n".join(files), encoding="utf-8")
        command = [
            xgettext,
            "--from-code=UTF-8",
            "-L",
            "Python",
            "--no-location",
            "-o",
            str(pot),
            "-f",
            str(listing),
            *[f"--keyword={k}" for k in keywords],
        ]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603 (fixed arguments, our own file list)
        return [e for e in polib.pofile(str(pot)) if e.msgid] if pot.exists() else []


def nplurals(language: str) -> int:
    return int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))


def translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def wanted_entries(language: str) -> dict[Key, polib.POEntry]:
    """Every msgid that the installed packages use and their own `language` catalogues do not translate."""
    wanted: dict[Key, polib.POEntry] = {}
    for source in SOURCES:
        root = package_dir(source.package) / source.locale_dir
        template = load_catalogue(root, source.template) if source.template else None
        if isinstance(template, polib.POFile):
            candidates = [e for e in template if not e.obsolete]
        else:
            candidates = extract_msgids(package_dir(source.package))
        done = {(e.msgctxt, e.msgid) for e in load_catalogue(root, language) or [] if translated(e)}
        hint_language = HINT_LANGUAGE.get(language)
        hints = {
            (e.msgctxt, e.msgid): e for e in (load_catalogue(root, hint_language) if hint_language else None) or []
        }
        for entry in candidates:
            key = (entry.msgctxt, entry.msgid)
            if not entry.msgid or key in done or key in wanted:
                continue
            hint = hints.get(key)
            hint_text = (hint.msgstr or hint.msgstr_plural.get(0, "")) if hint else ""
            wanted[key] = polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgstr="",
                msgstr_plural=dict.fromkeys(range(nplurals(language)), "") if entry.msgid_plural else {},
                comment=source.label + (f" | {hint_language}: {hint_text}" if hint_text else ""),
                flags=[f for f in entry.flags if f.endswith("-format")],
            )
    return wanted


def vendor_catalogue_path(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale_vendor" / language / "LC_MESSAGES" / "django.po"


def new_catalogue(language: str) -> polib.POFile:
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = (
        "Translations of third-party strings (Django, django-allauth, Django REST framework)\n"
        "that the packages' own catalogues lack. Maintained with `manage.py vendor_messages`."
    )
    catalogue.metadata = {
        "Project-Id-Version": "Dauys vendor messages",
        "Last-Translator": "Dauys team",
        "Language-Team": {"kk": "Kazakh", "ru": "Russian"}.get(language, language),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[language],
    }
    return catalogue


class Command(BaseCommand):
    help = "List (or with --update, add) third-party msgids that lack a translation in locale_vendor/."

    def add_arguments(self, parser):
        parser.add_argument(
            "-l",
            "--language",
            action="append",
            dest="languages",
            help=f"language code (default: {', '.join(PLURAL_FORMS)})",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="add missing msgids untranslated and drop msgids that no package needs any more",
        )

    def handle(self, *args, languages=None, update=False, **options):
        missing_total = 0
        for language in languages or list(PLURAL_FORMS):
            if language not in PLURAL_FORMS:
                raise CommandError(f"no plural rule configured for {language!r}")
            path = vendor_catalogue_path(language)
            catalogue = polib.pofile(str(path), wrapwidth=0) if path.exists() else new_catalogue(language)
            wanted = wanted_entries(language)
            present = {(e.msgctxt, e.msgid): e for e in catalogue if not e.obsolete}
            if update:
                added = [wanted[k] for k in wanted if k not in present]
                stale = [e for k, e in present.items() if k not in wanted]
                for entry in stale:
                    catalogue.remove(entry)
                for entry in added:
                    catalogue.append(entry)
                for key, entry in present.items():
                    if key in wanted:
                        entry.comment = wanted[key].comment
                catalogue.metadata["PO-Revision-Date"] = timezone.now().strftime("%Y-%m-%d %H:%M%z")
                path.parent.mkdir(parents=True, exist_ok=True)
                catalogue.save(str(path))
                self.stdout.write(f"{language}: {len(added)} added, {len(stale)} removed, {len(catalogue)} entries")
                present = {(e.msgctxt, e.msgid): e for e in catalogue if not e.obsolete}
            missing = [
                k for k in wanted if k not in present or not translated(present[k]) or "fuzzy" in present[k].flags
            ]
            for msgctxt, msgid in missing:
                self.stdout.write(f"{language}: untranslated {f'[{msgctxt}] ' if msgctxt else ''}{msgid!r}")
            missing_total += len(missing)
        if missing_total and not update:
            raise CommandError(f"{missing_total} vendor msgids lack a translation")
