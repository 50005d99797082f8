"""Dependencies point one way: portal <- deputies <- petitions, recalls, hearings. Apps on the same
floor never import each other (they meet through portal's registries), and nothing below imports
what is above it. Read from the source with `ast`, migrations included, so a function-local import
counts too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"portal": 0, "deputies": 1, "petitions": 2, "recalls": 2, "hearings": 2}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return {name.split(".")[0] for name in names} & set(FLOORS)


@pytest.mark.parametrize("app", sorted(FLOORS))
def test_an_app_imports_only_apps_below_it(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for other in _imported_apps(path):
            if other != app and FLOORS[other] >= FLOORS[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {other}")
    assert wrong == []


def test_the_check_sees_an_import_across_the_floor(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from recalls.models import RecallRequest\n", encoding="utf-8")
    assert _imported_apps(module) == {"recalls"}
