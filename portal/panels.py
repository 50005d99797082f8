"""Panels: one app's content on another app's page without an import in the wrong direction.

A page names a slot (`{% panels "deputy.record" deputy=deputy %}`); apps that know something about
it register a renderer for the slot in AppConfig.ready(). Example: hearings adds "upcoming hearings"
to the deputies app's representatives answer, which cannot import hearings."""

from collections.abc import Callable

_PANELS: dict[str, list[tuple[int, str, Callable]]] = {}


def register_panel(slot: str, name: str, render: Callable, order: int = 100) -> None:
    """`render(request, **context) -> str` returns safe HTML (usually render_to_string) or ''."""
    entries = _PANELS.setdefault(slot, [])
    if name not in {n for _o, n, _r in entries}:
        entries.append((order, name, render))
        entries.sort(key=lambda e: (e[0], e[1]))


def render_panels(slot: str, request, **context) -> list[str]:
    return [html for _o, _n, render in _PANELS.get(slot, []) if (html := render(request, **context)) and html.strip()]
