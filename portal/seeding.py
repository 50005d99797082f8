"""`manage.py seed_demo` runs every app's demo seeder in order. Apps register in AppConfig.ready(),
so portal never imports them. Seeders must be idempotent."""

from collections.abc import Callable

_SEEDERS: list[tuple[int, str, Callable]] = []


def register_seeder(order: int, name: str, func: Callable) -> None:
    if name not in {n for _o, n, _f in _SEEDERS}:
        _SEEDERS.append((order, name, func))


def seeders() -> list[tuple[str, Callable]]:
    return [(name, func) for _order, name, func in sorted(_SEEDERS, key=lambda s: s[0])]
