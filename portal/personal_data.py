"""A person's own data: export it, or delete the account while keeping what counts (signatures,
attendance) as anonymous aggregates. Apps register what they hold in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record
from portal.models import RoleGrant, User


@dataclass(frozen=True)
class PersonalDataHolder:
    name: str
    export: Callable  # (user) -> JSON-serialisable data
    # (user) -> None: remove or anonymise personal data; rows that count (signatures) stay, unlinked
    # from any identifying detail.
    erase: Callable | None = None


_HOLDERS: dict[str, PersonalDataHolder] = {}


def register_personal_data(holder: PersonalDataHolder) -> None:
    _HOLDERS[holder.name] = holder


def user_data_export(*, user: User) -> dict:
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "address": user.address,
            "is_citizen": user.is_citizen,
            "date_joined": user.date_joined.isoformat(),
            "emails": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
            "roles": [
                {"role": g.role, "scope": g.scope_code, "granted_at": g.granted_at.isoformat()}
                for g in RoleGrant.objects.active().filter(user=user)
            ],
        }
    }
    for name, holder in sorted(_HOLDERS.items()):
        data[name] = holder.export(user)
    return data


def user_account_delete(*, user: User) -> None:
    """Anonymise rather than delete the row: signatures and registrations keep counting, but nothing
    identifies the person any more. The action is audited without personal data."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for holder in _HOLDERS.values():
            if holder.erase:
                holder.erase(user)
        EmailAddress.objects.filter(user=user).delete()
        RoleGrant.objects.active().filter(user=user).update(revoked_at=timezone.now())
        user.email = f"deleted-{user.pk}@invalid.dauys"
        user.first_name = user.last_name = user.address = ""
        user.is_active = False
        user.is_citizen = False
        user.set_unusable_password()
        user.save()
        audit_record(actor=user, action="account.delete", obj=user)
    # Sign the person out everywhere.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session.session_key).delete()  # the engine's delete: its cached copy goes too
