"""No import cycle between the project's modules. Read from the source with `ast`: every `import` and
`from ... import` of a project module counts, at module level and inside functions alike, because a
function-local import that dodges a cycle at start-up is still a cycle (two modules that want to be
one, or a third that should hold what both need). Imports under `if TYPE_CHECKING:` do not count, nor
the imports inside a Celery task's body in a `tasks.py` module: a task imports its service inside the
body (STYLE.md), the late binding the worker needs, so a service may queue its own task.

On main before the split of petitions/services.py this test failed on
petitions.services -> petitions.tally -> petitions.services (hidden in function-local imports)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"migrations", "tests", "node_modules", ".venv", "var"}


def project_packages(root: Path = ROOT) -> list[str]:
    """portal and every app beside it (a folder with an apps.py)."""
    return sorted({"portal"} | {path.parent.name for path in root.glob("*/apps.py")})


def _modules(root: Path, packages: list[str]) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root).with_suffix("")
            if SKIP_DIRS & set(relative.parts):
                continue
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    names: set[str] = set()
    task_module = module.rpartition(".")[2] == "tasks"
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if task_module and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if is_package else module.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return names


def import_graph(root: Path = ROOT, packages: list[str] | None = None) -> dict[str, set[str]]:
    """module -> the project modules it imports (`from petitions import access` imports petitions.access)."""
    modules = _modules(root, packages or project_packages(root))
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for name in _imported_names(tree, module, path.name == "__init__.py"):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    for start in sorted(graph):
        if start in index:
            continue
        # Iterative depth-first search: (node, iterator over its successors).
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_the_walk_covers_every_app():
    packages = project_packages()
    assert {"portal", "notifications", "deputies", "petitions", "recalls", "hearings"} <= set(packages)
    graph = import_graph()
    assert "petitions.signing" in graph["petitions.views"]
    assert "portal.transitions" in graph["petitions.transitions"]


def test_no_import_cycle_between_project_modules():
    assert cycles(import_graph()) == []


def test_the_walk_finds_a_cycle_hidden_in_a_function(tmp_path):
    app = tmp_path / "shop"
    app.mkdir()
    (app / "apps.py").write_text("", encoding="utf-8")
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "services.py").write_text("from shop import tally\n", encoding="utf-8")
    (app / "tally.py").write_text("def run():\n    from shop.services import go\n", encoding="utf-8")
    # A task importing its service in its body, queued by that service: Celery's late binding.
    (app / "tasks.py").write_text("def go_task():\n    from shop.services import go\n", encoding="utf-8")
    (app / "orders.py").write_text("from shop.tasks import go_task\n", encoding="utf-8")
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from shop.tally import run\n"
    (app / "views.py").write_text(typed + "from .services import go\n", encoding="utf-8")
    (tmp_path / "portal").mkdir()
    graph = import_graph(tmp_path)
    assert graph["shop.views"] == {"shop.services"}
    assert graph["shop.tasks"] == set()
    assert cycles(graph) == [["shop.services", "shop.tally"]]
