"""Staff maintain deputies and coverage of their own maslikhat only; every change is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deputies.models import AddressCoverage, Deputy, ElectoralDistrict
from deputies.services import coverage_add, coverage_remove, deputy_create, deputy_update, district_create
from portal.models import AuditEntry, Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    user = UserFactory(mfa=True)
    grant(user, Role.STAFF, "kz-75")
    return user


def test_staff_of_another_maslikhat_get_404(client, almaty_deputies):
    other = UserFactory(mfa=True)
    grant(other, Role.STAFF, "kz-71")
    client.force_login(other)
    d1 = almaty_deputies["d1"]
    for url in [
        "/en/staff/deputies/kz-75/",
        f"/en/staff/deputies/kz-75/deputies/{almaty_deputies['smd1'].pk}/",
        f"/en/staff/deputies/kz-75/districts/{d1.pk}/coverage/",
        "/en/staff/deputies/kz-75/deputies/new/",
        f"/en/staff/deputies/kz-71/deputies/{almaty_deputies['smd1'].pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    row = d1.coverage.first()
    assert client.post(f"/en/staff/deputies/kz-75/districts/{d1.pk}/coverage/{row.pk}/remove/").status_code == 404
    assert AddressCoverage.objects.filter(pk=row.pk).exists()
    # and the services refuse too
    with pytest.raises(PermissionDenied):
        coverage_remove(actor=other, coverage=row)
    assert not AuditEntry.objects.exists()


def test_citizens_do_not_reach_the_staff_area(client, citizen):
    client.force_login(citizen)
    assert client.get("/en/staff/deputies/").status_code == 403


def test_staff_add_a_street_and_overlaps_are_refused(client, clerk, almaty_deputies):
    client.force_login(clerk)
    d1 = almaty_deputies["d1"]
    url = f"/en/staff/deputies/kz-75/districts/{d1.pk}/coverage/"
    response = client.post(url, {"settlement": "Алматы", "street": "Abylai Khan avenue", "houses": "even 2-10"})
    assert response.status_code == 200 and "overlap district № 2" in response.content.decode()
    response = client.post(url, {"settlement": "Алматы", "street": "ул. Жибек Жолы", "houses": "нечет 1-61"})
    assert response.status_code == 302
    row = AddressCoverage.objects.get(street="ул. Жибек Жолы")
    assert row.street_key == "jibek jol"
    entry = AuditEntry.objects.get(action="coverage.add")
    assert entry.actor == clerk and entry.scope_code == "kz-75" and entry.after["houses"] == "нечет 1-61"
    response = client.post(url, {"settlement": "Алматы", "street": "ул. Жибек Жолы", "houses": "1-"})
    assert "is not a house" in response.content.decode()
    client.post(f"{url}{row.pk}/remove/")
    assert not AddressCoverage.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(action="coverage.remove").count() == 1


def test_staff_edit_a_deputy_and_the_change_is_audited(client, clerk, almaty_deputies):
    client.force_login(clerk)
    deputy = almaty_deputies["smd1"]
    url = f"/en/staff/deputies/kz-75/deputies/{deputy.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": deputy.full_name,
            "party": "Amanat",
            "mandate": "single_mandate",
            "district": deputy.district_id,
            "role": "member",
            "status": "resigned",
            "status_changed_on": "2025-09-01",
            "reception_hours": "Tue 10-12",
        },
    )
    assert response.status_code == 302, response.content.decode()
    deputy.refresh_from_db()
    assert deputy.status == "resigned" and deputy.reception_hours == "Tue 10-12"
    entry = AuditEntry.objects.get(action="deputy.update")
    assert entry.before["status"] == "active" and entry.after["status"] == "resigned"


def test_deputy_rules_are_checked_by_the_service(clerk, almaty_deputies):
    kz75 = almaty_deputies["maslikhat"]
    with pytest.raises(ValidationError) as error:
        deputy_create(
            actor=clerk,
            maslikhat=kz75,
            data={
                "full_name": "Жаңа Депутат",
                "mandate": "single_mandate",
                "district": almaty_deputies["d1"],
                "role": "member",
                "status": "active",
            },
        )
    assert "already has a sitting deputy" in str(error.value)
    with pytest.raises(ValidationError):
        deputy_create(
            actor=clerk,
            maslikhat=kz75,
            data={
                "full_name": "Жаңа Депутат",
                "mandate": "party_list",
                "district": almaty_deputies["d1"],
                "role": "member",
                "status": "active",
            },
        )
    with pytest.raises(ValidationError):
        deputy_update(actor=clerk, deputy=almaty_deputies["smd2"], data={"status": "recalled"})  # needs the date
    created = deputy_create(
        actor=clerk,
        maslikhat=kz75,
        data={
            "full_name": "  Жаңа   Депутат ",
            "mandate": "party_list",
            "district": None,
            "role": "member",
            "status": "active",
        },
    )
    assert created.full_name == "Жаңа Депутат"
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["deputy.create"]
    assert Deputy.objects.filter(full_name="Жаңа Депутат").count() == 1


def test_staff_create_a_district_with_a_boundary(clerk, almaty_deputies):
    bad = {
        "number": 9,
        "name_kk": "",
        "name_ru": "",
        "name_en": "",
        "registered_voters": None,
        "boundary": {"type": "Point"},
    }
    with pytest.raises(ValidationError):
        district_create(actor=clerk, maslikhat=almaty_deputies["maslikhat"], data=bad)
    square = {"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.9, 43.2]]]}
    district = district_create(actor=clerk, maslikhat=almaty_deputies["maslikhat"], data={**bad, "boundary": square})
    assert district.boundary == square and AuditEntry.objects.filter(action="district.create").count() == 1
    with pytest.raises(ValidationError):
        district_create(
            actor=clerk, maslikhat=almaty_deputies["maslikhat"], data={**bad, "boundary": None}
        )  # number taken
    with pytest.raises(PermissionDenied):
        coverage_add(actor=UserFactory(), district=district, settlement="Алматы", street="Абая", houses="all")
    assert ElectoralDistrict.objects.filter(number=9).count() == 1


def test_staff_upload_is_limited_to_their_maslikhat(client, clerk, almaty_deputies):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    text = (
        "maslikhat,district,settlement,street,houses\nkz-75,5,Алматы,ул. Жибек Жолы,all\nkz-71,1,Астана,Кенесары,all\n"
    )
    response = client.post(
        "/en/staff/deputies/import/", {"kind": "districts", "file": SimpleUploadedFile("d.csv", text.encode())}
    )
    assert response.status_code == 200 and "do not maintain maslikhat kz-71" in response.content.decode()
    assert not ElectoralDistrict.objects.filter(number=5).exists()
    text = "maslikhat,district,settlement,street,houses\nkz-75,5,Алматы,ул. Жибек Жолы,all\n"
    response = client.post(
        "/en/staff/deputies/import/", {"kind": "districts", "file": SimpleUploadedFile("d.csv", text.encode())}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="districts.import").after["created"] == 1


def test_staff_home_shows_the_section(client, clerk):
    client.force_login(clerk)
    assert "/en/staff/deputies/" in client.get("/en/staff/").content.decode()
    assert client.get("/en/staff/deputies/").status_code == 302  # one maslikhat: straight to it
