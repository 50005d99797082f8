"""Panels: one app's content on another app's page without an import in the wrong direction.

A page names a slot (`{% panels "deputy.record" deputy=deputy %}`); apps that know something about
it register a renderer for the slot in AppConfig.ready(). Example: hearings adds "upcoming hearings"
to the deputies app's representatives answer, which cannot import hearings.

A panel may also name figures of the page's subject (the deputy of "deputy.record") as query
expressions over the subject's row (`OuterRef("pk")` is the subject): the page adds every panel's
expressions to the one query that loads the subject (`panel_annotations`), so a panel's per-subject
counts cost no query of their own, however many panels the page has. The panel reads them back with
`with_annotations`, which loads them in one query when the subject came from elsewhere."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_PANELS: dict[str, list[tuple[int, str, Callable]]] = {}
_ANNOTATIONS: dict[str, dict[str, Callable]] = {}


def register_panel(slot: str, name: str, render: Callable, order: int = 100, annotate: Callable | None = None) -> None:
    """`render(request, **context) -> str` returns safe HTML (usually render_to_string) or ''.
    `annotate(request, model) -> {name: expression}`: the panel's figures of the slot's subject (a row
    of `model`); names are the panel's own (prefixed with the app, e.g. "letters_figures") and must
    not clash across panels."""
    entries = _PANELS.setdefault(slot, [])
    if name not in {n for _o, n, _r in entries}:
        entries.append((order, name, render))
        entries.sort(key=lambda e: (e[0], e[1]))
    if annotate is not None:
        _ANNOTATIONS.setdefault(slot, {})[name] = annotate


def render_panels(slot: str, request, **context) -> list[str]:
    return [html for _o, _n, render in _PANELS.get(slot, []) if (html := render(request, **context)) and html.strip()]


def panel_annotations(slot: str, request, model) -> dict:
    """Every panel's expressions for the slot's subject (a row of `model`), for the page to
    `annotate()` the query that loads it."""
    expressions: dict = {}
    for name, annotate in _ANNOTATIONS.get(slot, {}).items():
        for key, expression in annotate(request, model).items():
            if key in expressions:
                raise ImproperlyConfigured(
                    f"Panel {name!r} of {slot!r} names the annotation {key!r} another panel names."
                )
            expressions[key] = expression
    return expressions


def with_annotations(obj, expressions: dict):
    """`obj` carrying the named annotations: as the page loaded it (no query), else with the missing
    ones read from its row in one query (a subject loaded by another page, the API, a test)."""
    missing = {key: expression for key, expression in expressions.items() if key not in obj.__dict__}
    if missing:
        row = type(obj)._default_manager.filter(pk=obj.pk).annotate(**missing).values(*missing).get()
        obj.__dict__.update(row)
    return obj
