"""Fields that one app adds to another app's API resource, without an import in the wrong direction.

An app registers a field factory in AppConfig.ready():
    register_detail_field("deputy", "record", lambda: RecordSerializer(source="*", read_only=True))
and the owning serializer adds `detail_fields("deputy")` in `get_fields()`, so the field is in the
response and in the OpenAPI schema alike."""

from collections.abc import Callable

_FIELDS: dict[str, dict[str, Callable]] = {}


def register_detail_field(resource: str, name: str, factory: Callable) -> None:
    """`factory()` returns a fresh DRF field (read-only; `source="*"` to receive the whole object)."""
    _FIELDS.setdefault(resource, {})[name] = factory


def detail_fields(resource: str) -> dict:
    return {name: factory() for name, factory in sorted(_FIELDS.get(resource, {}).items())}


# Sections that one app adds to another app's open-data export (e.g. the Popolo file of deputies
# gains events, motions, vote events and votes from the sessions app).
_EXPORT_SECTIONS: dict[str, dict[str, Callable]] = {}


def register_export_section(export: str, name: str, build: Callable) -> None:
    """`build(maslikhats)` (a queryset, or None for all) returns {"events": [...], ...}."""
    _EXPORT_SECTIONS.setdefault(export, {})[name] = build


def export_sections(export: str, maslikhats=None) -> dict:
    sections: dict = {}
    for _name, build in sorted(_EXPORT_SECTIONS.get(export, {}).items()):
        for key, rows in build(maslikhats).items():
            sections.setdefault(key, []).extend(rows)
    return sections
