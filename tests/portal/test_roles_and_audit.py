import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from portal.access import has_role, is_official
from portal.models import AuditEntry, Role
from portal.services import role_grant, role_revoke
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_superuser_grants_a_scoped_role_and_it_is_audited(superuser):
    clerk = UserFactory()
    role_grant(actor=superuser, user=clerk, role=Role.STAFF, scope_code="kz-75")
    assert has_role(clerk, Role.STAFF, "kz-75")
    assert not has_role(clerk, Role.STAFF, "kz-71")
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor == superuser
    assert entry.after == {"user": clerk.email, "role": "staff", "scope": "kz-75"}


def test_staff_grant_roles_only_in_their_own_maslikhat():
    clerk = UserFactory()
    grant(clerk, Role.STAFF, "kz-75")
    deputy = UserFactory()
    role_grant(actor=clerk, user=deputy, role=Role.DEPUTY, scope_code="kz-75")
    with pytest.raises(PermissionDenied):
        role_grant(actor=clerk, user=deputy, role=Role.DEPUTY, scope_code="kz-71")
    with pytest.raises(PermissionDenied):
        role_grant(actor=clerk, user=deputy, role=Role.MODERATOR, scope_code="kz-75")
    assert AuditEntry.objects.filter(action="role.grant").count() == 1


def test_citizen_cannot_grant_roles(citizen):
    with pytest.raises(PermissionDenied):
        role_grant(actor=citizen, user=citizen, role=Role.STAFF, scope_code="kz-75")
    assert not AuditEntry.objects.exists()


def test_granting_twice_is_refused_and_revoking_is_audited(superuser):
    clerk = UserFactory()
    first = role_grant(actor=superuser, user=clerk, role=Role.STAFF, scope_code="kz-75")
    with pytest.raises(ValidationError):
        role_grant(actor=superuser, user=clerk, role=Role.STAFF, scope_code="kz-75")
    role_revoke(actor=superuser, grant=first)
    clerk.__dict__.pop("_dauys_scopes", None)
    assert not is_official(clerk)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["role.revoke", "role.grant"]


def test_audit_log_is_append_only(superuser):
    role_grant(actor=superuser, user=UserFactory(), role=Role.STAFF, scope_code="kz-75")
    entry = AuditEntry.objects.get()
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get().action == "role.grant"


def test_staff_area_needs_mfa_and_a_role(client):
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.get("/kk/staff/").status_code == 403
    clerk = UserFactory()
    grant(clerk, Role.STAFF, "kz-75")
    client.force_login(clerk)
    response = client.get("/kk/staff/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    enrolled = UserFactory(mfa=True)
    grant(enrolled, Role.STAFF, "kz-75")
    client.force_login(enrolled)
    assert client.get("/kk/staff/").status_code == 200


def test_staff_role_page_lists_only_own_maslikhat_and_grants(client):
    clerk = UserFactory(mfa=True)
    grant(clerk, Role.STAFF, "kz-75")
    other = UserFactory()
    grant(other, Role.STAFF, "kz-71")
    newcomer = UserFactory()
    client.force_login(clerk)
    page = client.get("/ru/staff/roles/").content.decode()
    assert other.email not in page
    response = client.post("/ru/staff/roles/", {"email": newcomer.email, "role": "deputy", "maslikhat": "kz-75"})
    assert response.status_code == 302
    assert has_role(newcomer, Role.DEPUTY, "kz-75")
    refused = client.post("/ru/staff/roles/", {"email": newcomer.email, "role": "staff", "maslikhat": "kz-71"})
    assert refused.status_code == 400
    newcomer.__dict__.pop("_dauys_scopes", None)
    assert not has_role(newcomer, Role.STAFF)


def test_audit_log_shows_readable_actions_names_and_maslikhats(client, superuser):
    """Issue 19: not codes like `petition.gathering_support` and `kz-75`."""
    from petitions.models import Petition
    from portal.audit import audit_record
    from tests.factories import UserFactory as People
    from tests.factories import maslikhat

    almaty = maslikhat("kz-75")
    author = People(first_name="Сара", last_name="Хатшы")
    petition = Petition.objects.create(
        author=author, title="Озеленить", text="…", maslikhat=almaty, topic="environment"
    )
    audit_record(actor=author, action="petition.gathering_support", obj=petition, scope_code="kz-75")
    client.force_login(superuser)
    html = client.get("/ru/staff/audit/").content.decode()
    assert "Петиция: Сбор первых сторонников" in html
    assert almaty.name_ru in html
    assert "Сара Хатшы" in html
