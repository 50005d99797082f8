"""Issue 13, finding 2: separation of duties. The election commission is independent of the
maslikhat: commission roles only by a superuser (every other superuser alerted), never by staff; no
one grants a role to themselves; every grant and revoke is audited and told to the person."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from portal.access import has_role
from portal.models import AuditEntry, Role, RoleGrant
from portal.services import role_grant, role_revoke
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
A = "kz-75"


@pytest.fixture
def clerk():
    person = UserFactory(mfa=True, email="clerk@example.kz")
    grant(person, Role.STAFF, A)
    return person


def fresh(user):
    user.__dict__.pop("_dauys_scopes", None)
    return user


def test_staff_cannot_grant_themselves_the_commission_role_through_the_page(client, clerk):
    client.force_login(clerk)
    page = client.get("/en/staff/roles/").content.decode()
    assert 'value="commission"' not in page and 'value="moderator"' not in page
    response = client.post("/en/staff/roles/", {"email": clerk.email, "role": "commission", "maslikhat": A})
    assert response.status_code == 400
    assert not has_role(fresh(clerk), Role.COMMISSION)


@pytest.mark.parametrize("role", [Role.COMMISSION, Role.MODERATOR])
def test_staff_cannot_grant_commission_or_moderator_to_anyone(clerk, role):
    with pytest.raises(PermissionDenied):
        role_grant(actor=clerk, user=UserFactory(), role=role, scope_code=A)
    assert not RoleGrant.objects.filter(role=role).exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.STAFF])
def test_no_one_grants_a_role_to_themselves(clerk, superuser, role):
    for actor in (clerk, superuser):
        with pytest.raises(PermissionDenied):
            role_grant(actor=actor, user=actor, role=role, scope_code="kz-71")
    with pytest.raises(PermissionDenied):
        role_grant(actor=superuser, user=superuser, role=Role.COMMISSION, scope_code=A)
    assert not RoleGrant.objects.filter(scope_code="kz-71").exists()


def test_staff_cannot_revoke_the_real_commissions_grant(client, clerk, superuser):
    member = UserFactory(mfa=True)
    real = role_grant(actor=superuser, user=member, role=Role.COMMISSION, scope_code=A)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=clerk, grant=real)
    client.force_login(clerk)
    page = client.get("/en/staff/roles/").content.decode()
    assert f"/staff/roles/{real.pk}/revoke/" not in page
    assert client.post(f"/en/staff/roles/{real.pk}/revoke/").status_code == 403
    real.refresh_from_db()
    assert real.revoked_at is None


def test_a_commission_grant_is_audited_told_to_the_person_and_alerts_every_other_superuser(
    superuser, django_capture_on_commit_callbacks
):
    other_super = UserFactory(is_superuser=True, is_staff=True, mfa=True, email="second-super@example.kz")
    member = UserFactory(email="member@example.kz", preferred_language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        granted = role_grant(actor=superuser, user=member, role=Role.COMMISSION, scope_code=A)
    assert AuditEntry.objects.filter(action="role.grant", object_id=str(granted.pk), actor=superuser).exists()
    to = {tuple(m.to): m for m in mail.outbox}
    assert ("member@example.kz",) in to and ("second-super@example.kz",) in to
    assert (superuser.email,) not in to
    assert "избирательной комиссии" in to[("member@example.kz",)].subject + to[("member@example.kz",)].body
    assert "member@example.kz" in to[("second-super@example.kz",)].body
    assert other_super.is_superuser

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        role_revoke(actor=other_super, grant=granted)
    assert AuditEntry.objects.filter(action="role.revoke", object_id=str(granted.pk), actor=other_super).exists()
    recipients = {tuple(m.to) for m in mail.outbox}
    assert ("member@example.kz",) in recipients and (superuser.email,) in recipients


def test_every_grant_and_revoke_by_staff_is_told_to_the_person(clerk, django_capture_on_commit_callbacks):
    deputy = UserFactory(email="deputy@example.kz")
    with django_capture_on_commit_callbacks(execute=True):
        granted = role_grant(actor=clerk, user=deputy, role=Role.DEPUTY, scope_code=A)
    with django_capture_on_commit_callbacks(execute=True):
        role_revoke(actor=clerk, grant=granted)
    to_deputy = [m for m in mail.outbox if m.to == ["deputy@example.kz"]]
    assert len(to_deputy) == 2
    assert all(m.subject.startswith("Dauys: ") for m in to_deputy)
    assert AuditEntry.objects.filter(action__in=["role.grant", "role.revoke"]).count() == 2
