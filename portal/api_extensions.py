"""Fields that other apps add to an API detail answer, without an import in the wrong direction.

The deputies app cannot import the apps above it, yet `GET /api/v1/deputies/{id}/` carries the
letters app's `responsiveness` (and the sittings app's `record`). Apps register a field in
AppConfig.ready(); the owning serializer asks `detail_fields(model_label)` and adds each one.

    register_detail_field("deputy", "responsiveness", lambda deputy: {...})

`fn(obj) -> JSON-serialisable value`. A model label is the short name the serializer uses
("deputy", "maslikhat"); registering a name twice replaces the first function."""

from collections.abc import Callable

_FIELDS: dict[str, dict[str, Callable]] = {}


def register_detail_field(model_label: str, name: str, fn: Callable) -> None:
    _FIELDS.setdefault(model_label.lower(), {})[name] = fn


def detail_fields(model_label: str) -> dict[str, Callable]:
    """{name: fn} for the model label, in registration order."""
    return dict(_FIELDS.get(model_label.lower(), {}))
