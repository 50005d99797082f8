"""Translations at module level are lazy (issue 19, bug 3): a message translated at import time
speaks the language of the first request forever ("Модерацияға жіберілді…" on a Russian page)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "portal"]
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_names(tree: ast.Module) -> set[str]:
    """Local names bound to django.utils.translation's eager functions (`gettext as _`)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in EAGER:
                    names.add(alias.asname or alias.name)
    return names


def _module_level_calls(tree: ast.Module, names: set[str]):
    """Calls of those names outside any function body: run once, at import."""

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if (
                not inside
                and isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in names
            ):
                yield child
            yield from walk(child, inside)

    yield from walk(tree, False)


def test_no_module_level_eager_translation():
    found = []
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = _eager_names(tree)
            found += [f"{path.relative_to(ROOT)}:{call.lineno}" for call in _module_level_calls(tree, names)]
    assert found == [], f"translated once at import time (use gettext_lazy): {found}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "Модерацияға жіберілді"),
        ("ru", "Отправлено на модерацию"),
        ("en", "Submitted for moderation"),
    ],
)
def test_author_flash_messages_speak_the_page_language(language, expected):
    from django.utils import translation

    from petitions.views import AUTHOR_ACTIONS

    with translation.override("kk"):
        [str(done) for _service, done in AUTHOR_ACTIONS.values()]  # a first request in Kazakh
    with translation.override(language):
        texts = {action: str(done) for action, (_service, done) in AUTHOR_ACTIONS.items()}
    assert texts["submit"].startswith(expected)
    if language != "kk":
        assert all(
            not text.startswith(("Модерацияға", "Петиция кері", "Петиция мәслихатқа")) for text in texts.values()
        )
