"""`manage.py seed_demo` runs every app's demo seeder in order. Apps register in AppConfig.ready(),
so portal never imports them. Seeders must be idempotent."""

from collections.abc import Callable

_SEEDERS: list[tuple[int, str, Callable]] = []


def register_seeder(order: int, name: str, func: Callable) -> None:
    if name not in {n for _o, n, _f in _SEEDERS}:
        _SEEDERS.append((order, name, func))


def seeders() -> list[tuple[str, Callable]]:
    return [(name, func) for _order, name, func in sorted(_SEEDERS, key=lambda s: s[0])]


# Reference data (the administrative map, rules in force) must exist in every database: data
# migrations load it once, and `post_migrate` loads it again whenever a database is emptied and
# re-created (a test's flush, a restored schema-only dump). Loaders are idempotent.
_REFERENCE: list[tuple[int, str, Callable]] = []


def register_reference_data(order: int, name: str, loader: Callable) -> None:
    """`loader(apps)` with a model registry (the global one, or a migration's historical one)."""
    if name not in {n for _o, n, _f in _REFERENCE}:
        _REFERENCE.append((order, name, loader))


def load_reference_data(apps, using: str = "default") -> None:
    for _order, _name, loader in sorted(_REFERENCE, key=lambda r: r[0]):
        loader(apps)


def _on_post_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    from django.apps import apps as global_apps

    load_reference_data(apps or global_apps, using=using)
