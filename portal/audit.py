"""The one way to write the audit log. Services call it inside their transaction."""

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
