"""Each app registers what it holds about a person: the export shows it (IIN masked), account
deletion removes what identifies the person and keeps every count."""

import json

import pytest
from django.urls import reverse

from notifications.models import Follow, Notification
from petitions import services
from petitions.models import Petition, Signature
from petitions.tally import petitions_tally
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_and_deletion_cover_petitions_recalls_hearings_and_notifications(
    client, make_petition, staff, almaty, districts, time_machine
):
    from hearings.models import Question, Registration
    from hearings.services import question_submit, registration_create
    from recalls import services as recall_services
    from recalls.models import RecallSignature
    from tests.recalls.support import (
        address_for,
        collecting_recall,
        commission_member,
        ensure_reference_data,
        iins,
        smd_deputy,
    )
    from tests.security.conftest import make_hearing

    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)
    ensure_reference_data()
    person = UserFactory(is_citizen=True, first_name="Дана", last_name="Ахметова", address="Алматы, Абая 10")
    petition = make_petition(Petition.Status.OPEN)
    services.petition_sign(petition=petition, user=person, address="Алматы, Абая 10", is_citizen=True, ip="10.2.3.4")
    services.petition_sign(
        petition=petition, user=UserFactory(is_citizen=True), address="Алматы, Абая 12", is_citizen=True, ip="10.2.3.5"
    )
    petitions_tally()
    recall = collecting_recall(smd_deputy(street="Сатпаева"), commission_member())
    iin = iins(1, start=9300)[0]
    recall_services.recall_sign(user=person, recall=recall, iin=iin, address=address_for(recall.deputy))
    hearing = make_hearing(staff, almaty)
    registration_create(user=person, hearing=hearing)
    pending = question_submit(user=person, hearing=hearing, text="Когда отремонтируют школу № 12 на улице Абая?")
    published = Question.objects.create(
        hearing=hearing, author=person, text="Опубликованный вопрос о парке?", status=Question.Status.PUBLISHED
    )
    assert Follow.objects.filter(user=person).exists()  # registering follows the hearing
    Notification.objects.create(user=person, event="petition.answered", key="k", url="/")

    client.force_login(person)
    data = json.loads(client.get(reverse("data_export")).content)
    assert data["petitions"]["signatures"][0]["declared_address"] == "Алматы, Абая 10"
    assert data["recalls"]["signatures"][0]["iin"].endswith(iin[-4:])
    assert iin not in json.dumps(data)  # the IIN is masked in the file
    assert data["hearings"]["registrations"] and len(data["hearings"]["questions"]) == 2
    assert data["notifications"]["follows"] and data["notifications"]["notifications"]

    counts_before = (
        Petition.objects.get(pk=petition.pk).signature_count,
        Signature.objects.filter(petition=petition).count(),
        RecallSignature.objects.filter(recall=recall).count(),
        Registration.objects.filter(hearing=hearing).count(),
    )
    response = client.post("/ru/me/delete/", {"password": "correct-horse-battery", "confirm": "on"})
    assert response.status_code == 302
    petitions_tally()
    recount = (
        Petition.objects.get(pk=petition.pk).signature_count,
        Signature.objects.filter(petition=petition).count(),
        RecallSignature.objects.filter(recall=recall).count(),
        Registration.objects.filter(hearing=hearing).count(),
    )
    assert recount == counts_before == (2, 2, 1, 1)

    signature = Signature.objects.get(petition=petition, signer=person)
    assert (
        signature.status == "valid"
        and signature.address == ""
        and signature.ip_prefix == ""
        and signature.email_domain == ""
    )
    assert not RecallSignature.objects.filter(user=person).exists()
    assert not Question.objects.filter(pk=pending.pk).exists() and Question.objects.filter(pk=published.pk).exists()
    assert not Follow.objects.filter(user=person).exists() and not Notification.objects.filter(user=person).exists()
    page = client.get(hearing.get_absolute_url()).content.decode()
    assert "Ахметова" not in page and "Дана" not in page
