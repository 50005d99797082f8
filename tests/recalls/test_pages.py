import pytest
from django.urls import reverse
from django.utils import translation

from notifications.emails import build_message
from notifications.models import EmailDelivery
from portal.models import AuditEntry
from portal.panels import render_panels
from portal.staff import staff_sections_for
from recalls import services
from recalls.models import RecallRequest, RecallSignature
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory
from tests.recalls.factories import (
    GROUNDS,
    TODAY,
    address_for,
    collecting_recall,
    commission_member,
    forming_recall,
    iins,
    sign_many,
    smd_deputy,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_at_now", "english")]


S = RecallRequest.Status


def test_list_shows_registered_recalls_only_with_bounded_queries(client, django_assert_max_num_queries):
    commission = commission_member()
    forming = forming_recall(smd_deputy(street="Сатпаева"), members=1, iin_start=7000)
    for n, street in enumerate(["Абая", "Гоголя", "Жандосова"]):
        collecting_recall(smd_deputy(street=street), commission, iin_start=1000 + n * 100)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("recalls:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="card"') == 3
    assert forming.deputy.full_name not in body


def test_public_page_shows_progress_timeline_reply_and_masked_own_signature(client, django_assert_max_num_queries):
    deputy = smd_deputy(voters=30, user=UserFactory())
    recall = collecting_recall(deputy, commission_member())
    sign_many(recall, 3)
    voter = UserFactory()
    iin = iins(1, start=3000)[0]
    services.recall_sign(user=voter, recall=recall, iin=iin, address=address_for(deputy), today=TODAY)
    services.recall_reply(actor=deputy.user, recall=recall, text="Менің жауабым: бағдарлама орындалуда.")
    client.force_login(voter)
    with django_assert_max_num_queries(14):
        response = client.get(recall.get_absolute_url())
    body = response.content.decode()
    assert "4 of 9 signatures needed (44%)" in body
    assert 'value="4"' in body and "<progress" in body
    assert "Менің жауабым" in body
    assert "******" + iin[-4:] in body and iin not in body
    assert GROUNDS[:30] in body
    assert "Registration review by the election commission" in body  # timeline
    assert "ahead" in body


def test_party_list_start_page_explains_and_offers_no_form(client):
    deputy = DeputyFactory(party_list=True)
    client.force_login(UserFactory())
    response = client.get(reverse("recalls:start") + f"?deputy={deputy.pk}")
    body = response.content.decode()
    assert "party list" in body and 'name="iin"' not in body


def test_start_by_address_then_form_then_join_and_sign_pages(client):
    deputy = smd_deputy()
    pick = client.get(reverse("recalls:start"), {"address": address_for(deputy)})
    assert deputy.full_name in pick.content.decode()
    user = UserFactory()
    client.force_login(user)
    url = reverse("recalls:start") + f"?deputy={deputy.pk}"
    data = {
        "deputy": deputy.pk,
        "full_name": "Асқар Бекұлы",
        "iin": "900101300018",
        "address": address_for(deputy),
        "ground": "loss_of_confidence",
        "grounds": GROUNDS,
        "confirm": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "check digit" in refused.content.decode()
    assert refused["Cache-Control"] == "no-store"
    data["iin"] = iins(1, start=10)[0]
    response = client.post(url, data)
    recall = RecallRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == recall.get_absolute_url()
    assert recall.initiator == user and data["iin"] not in response["Location"]


def test_sign_form_shows_field_errors_and_records_the_signature(client):
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    voter = UserFactory()
    client.force_login(voter)
    url = reverse("recalls:sign", args=[recall.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"iin": iins(1, start=20)[0], "address": "Алматы, Жандосова 3", "confirm": "on"})
    assert wrong.status_code == 200 and 'id="id_address_error"' in wrong.content.decode()
    ok = client.post(url, {"iin": iins(1, start=20)[0], "address": address_for(deputy), "confirm": "on"})
    assert ok.status_code == 302
    assert RecallSignature.objects.filter(recall=recall, user=voter).count() == 1


def test_commission_queue_shows_full_iins_audited_and_marks_in_bulk(client, django_assert_max_num_queries):
    deputy = smd_deputy(voters=30)
    commission = commission_member()
    recall = collecting_recall(deputy, commission)
    signatures = sign_many(recall, 10)
    services.recall_submit_signatures(actor=recall.initiator, recall=recall, today=TODAY)
    queue_url = reverse("recalls:staff_signatures", args=[recall.pk])

    outsider = commission_member("kz-71")
    client.force_login(outsider)
    assert client.get(queue_url).status_code == 404
    assert client.get(reverse("recalls:staff_list")).status_code == 200

    client.force_login(commission)
    with django_assert_max_num_queries(16):
        response = client.get(queue_url)
    body = response.content.decode()
    assert signatures[0].iin in body
    assert AuditEntry.objects.filter(action="recall.iins_viewed", actor=commission).count() == 1
    client.post(queue_url, {"ids": [s.pk for s in signatures[:9]], "result": "valid", "reason": "", "bulk": "1"})
    client.post(queue_url, {"invalid_one": signatures[9].pk, f"reason_{signatures[9].pk}": "not_a_voter"})
    assert RecallSignature.objects.filter(recall=recall, result="valid").count() == 9
    assert RecallSignature.objects.get(pk=signatures[9].pk).invalid_reason == "not_a_voter"
    client.post(reverse("recalls:staff_finish", args=[recall.pk]))
    recall.refresh_from_db()
    assert recall.status == S.VOTE_PENDING
    client.post(
        reverse("recalls:staff_vote", args=[recall.pk]),
        {"held_on": "2025-06-01", "voters": 300, "turnout": 150, "votes_for": 100, "votes_against": 50},
    )
    recall.refresh_from_db()
    assert recall.status == S.RECALLED
    page = client.get(recall.get_absolute_url()).content.decode()
    assert "by-election" in page


def test_commission_detail_registers_and_sample_page_shows_size(client):
    deputy = smd_deputy(voters=100)
    commission = commission_member()
    recall = forming_recall(deputy)
    services.recall_submit_group(actor=recall.initiator, recall=recall, today=TODAY)
    client.force_login(commission)
    detail = client.get(reverse("recalls:staff_detail", args=[recall.pk])).content.decode()
    member = recall.members.get(is_initiator=True)
    assert member.iin in detail
    client.post(reverse("recalls:staff_register", args=[recall.pk]), {"collection_working_days": 20})
    recall.refresh_from_db()
    assert recall.status == S.COLLECTING
    sign_many(recall, 40)
    services.recall_submit_signatures(actor=recall.initiator, recall=recall, today=TODAY)
    queue = client.get(reverse("recalls:staff_signatures", args=[recall.pk])).content.decode()
    assert "Sample size: 39 of 40 signatures" in queue
    client.post(reverse("recalls:staff_sample", args=[recall.pk]))
    queue = client.get(reverse("recalls:staff_signatures", args=[recall.pk])).content.decode()
    assert "Random-sample mode: 39 of 40 signatures" in queue


def test_staff_section_is_for_commission_members(rf):
    assert [s.key for s in staff_sections_for(commission_member())] == ["recalls"]
    assert "recalls" not in [s.key for s in staff_sections_for(UserFactory())]


def test_deputy_record_and_representatives_panels(rf):
    request = rf.get("/")
    request.user = UserFactory()
    party = DeputyFactory(party_list=True)
    assert "party list" in "".join(render_panels("deputy.record", request, deputy=party))
    deputy = smd_deputy()
    recall = collecting_recall(deputy, commission_member())
    html = "".join(render_panels("deputy.record", request, deputy=deputy))
    assert recall.get_absolute_url() in html

    class Match:
        districts = [deputy.district]

    class Lookup:
        matches = [Match()]

    assert "vacant" not in "".join(render_panels("representatives.after", request, lookup=Lookup()))
    RecallRequest.objects.filter(pk=recall.pk).update(status=S.RECALLED, ended_on=TODAY, vote_held_on=TODAY)
    deputy.status = "recalled"
    deputy.save()
    html = "".join(render_panels("representatives.after", request, lookup=Lookup()))
    assert "vacant" in html and deputy.full_name in html


def test_stage_emails_render_in_the_recipients_language():
    deputy_user = UserFactory(preferred_language="ru")
    deputy = smd_deputy(user=deputy_user)
    recall = forming_recall(deputy)
    services.recall_submit_group(actor=recall.initiator, recall=recall, today=TODAY)
    delivery = EmailDelivery.objects.get(user=deputy_user, event="recall.registration_review")
    message = build_message(delivery)
    assert deputy.full_name in message.subject
    assert "Здравствуйте" in message.body
    assert "Инициативная группа подала инициативу об отзыве" in message.body
    with translation.override("ru"):
        assert recall.get_absolute_url() in message.body


def test_withdraw_and_reply_pages(client):
    deputy = smd_deputy(user=UserFactory())
    recall = forming_recall(deputy, members=1)
    client.force_login(UserFactory())
    assert client.get(reverse("recalls:reply", args=[recall.pk])).status_code == 404
    client.force_login(deputy.user)
    client.post(reverse("recalls:reply", args=[recall.pk]), {"text": "Жауап."})
    client.force_login(recall.initiator)
    client.post(reverse("recalls:withdraw", args=[recall.pk]), {"reason": ""})
    recall.refresh_from_db()
    assert recall.deputy_reply == "Жауап." and recall.status == S.WITHDRAWN


def test_superuser_sees_the_recalls_overview_and_the_staff_home_links_it_with_counts(client, superuser):
    """Issue 19, bug 6: no 403 for a superuser; the staff home lists every usable section and what waits."""
    commission = commission_member()
    recall = forming_recall(smd_deputy())
    services.recall_submit_group(actor=recall.initiator, recall=recall, today=TODAY)  # registration review
    client.force_login(superuser)
    home = client.get("/en/staff/").content.decode()
    assert 'href="/en/staff/recalls/"' in home
    response = client.get("/en/staff/recalls/")
    assert response.status_code == 200
    html = response.content.decode()
    assert recall.deputy.full_name in html
    assert f"/staff/recalls/{recall.pk}/" not in html  # the overview opens no IINs
    assert client.get(f"/en/staff/recalls/{recall.pk}/").status_code == 404

    client.force_login(commission)
    home = client.get("/en/staff/").content.decode()
    assert '<span class="badge">1</span> to verify' in home


def test_a_followed_recall_is_named_in_kazakh_on_my_follows(client):
    """Issue 19, bug 10: "Recall" stood untranslated on /kk/follows/."""
    from notifications.follows import follow_add

    recall = forming_recall(smd_deputy())
    follower = UserFactory()
    follow_add(user=follower, obj=recall)
    client.force_login(follower)
    html = client.get("/kk/follows/").content.decode()
    assert "Кері шақыру ·" in html and "Recall" not in html
