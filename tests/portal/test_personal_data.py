import json
import logging

import pytest
from allauth.account.models import EmailAddress

from portal.logging import PersonalDataFilter, mask_personal_data
from portal.models import AuditEntry, RoleGrant
from portal.personal_data import PersonalDataHolder, register_personal_data
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_a_person_downloads_their_own_data(client):
    person = UserFactory(first_name="Дана", address="Алматы, Абая 10")
    client.force_login(person)
    response = client.get("/kk/me/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == person.email
    assert data["account"]["address"] == "Алматы, Абая 10"


def test_data_export_needs_login(client):
    assert client.get("/kk/me/data.json").status_code == 302


def test_deleting_an_account_anonymises_it_and_keeps_what_counts(client):
    erased = []
    register_personal_data(PersonalDataHolder(name="test-holder", export=lambda u: {}, erase=erased.append))
    person = UserFactory(first_name="Дана", last_name="Ахметова", address="Алматы, Абая 10", mfa=True)
    grant(person, "staff", "kz-75")
    client.force_login(person)
    wrong = client.post("/ru/me/delete/", {"password": "wrong", "confirm": "on"})
    assert wrong.status_code == 200
    person.refresh_from_db()
    assert person.is_active
    response = client.post("/ru/me/delete/", {"password": "correct-horse-battery", "confirm": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert person.email.endswith("@invalid.dauys")
    assert person.first_name == person.last_name == person.address == ""
    assert not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not RoleGrant.objects.active().filter(user=person).exists()
    assert erased == [person]
    assert AuditEntry.objects.filter(action="account.delete").exists()
    assert client.get("/ru/me/").status_code == 302  # signed out


def test_logs_never_carry_an_iin_or_an_email(caplog):
    record = logging.LogRecord(
        "dauys", logging.INFO, __file__, 1, "signer %s iin %s", ("aigul@example.kz", "900101300017"), None
    )
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "signer <email> iin ********0017"
    assert "900101300017" not in mask_personal_data("IIN 900101300017 and 850515412343")
