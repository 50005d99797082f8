"""The one way to write the audit log. Services call it inside their transaction."""

from django.apps import apps
from django.db import models

from portal.middleware import current_ip
from portal.models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    scope_code: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", "") or "system")[:254],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        scope_code=scope_code,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        ip=current_ip(),
    )


def _jsonable(data: dict) -> dict:
    return {
        str(k): v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v) for k, v in data.items()
    }


# ------------------------------------------------------------------------------
# Reading the log: readable labels for actions, objects and scopes (the staff page shows these,
# the stored codes stay as they were written).
# ------------------------------------------------------------------------------
_SCOPE_NAMERS: list = []


def register_scope_names(namer) -> None:
    """An app that owns scope codes (deputies: maslikhat codes) gives `namer(codes) -> {code: name}`."""
    _SCOPE_NAMERS.append(namer)


def scope_names(codes) -> dict[str, str]:
    names: dict[str, str] = {}
    codes = {code for code in codes if code}
    for namer in _SCOPE_NAMERS:
        names.update(namer(codes - names.keys()))
    return names


def action_label(action: str, object_type: str = "") -> str:
    """`petition.gathering_support` -> "Petition: Gathering first supporters" (the model's name and,
    when the verb is one of its statuses, the status's label, both translated); other verbs humanised."""
    kind, _dot, verb = action.partition(".")
    model = None
    if object_type:
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            model = None
    subject = str(model._meta.verbose_name) if model is not None else kind.replace("_", " ")
    status = getattr(model, "Status", None)
    labels = dict(status.choices) if status is not None else {}
    what = str(labels[verb]) if verb in labels else verb.replace("_", " ")
    return f"{subject[:1].upper()}{subject[1:]}: {what}" if what else subject
