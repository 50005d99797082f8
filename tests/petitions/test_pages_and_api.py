"""Pages, API, exports, feed, staff area and panels: query counts bounded, private data hidden."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory

from petitions import services, signing
from petitions.models import Petition
from petitions.tally import petitions_tally
from tests.factories import UserFactory, tiny_pdf

pytestmark = pytest.mark.django_db
S = Petition.Status


@pytest.fixture
def signed(make_petition, districts):
    petition = make_petition(S.OPEN)
    for i in range(3):
        signing.petition_sign(
            petition=petition,
            user=UserFactory(first_name=f"Имя{i}", last_name="Фамилия", is_citizen=True),
            address="Алматы, Абая 1",
            is_citizen=True,
            ip="192.0.2.1",
        )
    petitions_tally()
    petition.refresh_from_db()
    return petition


def test_list_filters_sorts_and_bounded_queries(client, make_petition, signed, django_assert_max_num_queries):
    make_petition(S.SUBMITTED, title="Черновик в модерации не виден")
    for i in range(5):
        make_petition(S.OPEN, title=f"Открытая петиция номер {i}")
    with django_assert_max_num_queries(8):
        page = client.get("/ru/petitions/?sort=popular")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Черновик в модерации не виден" not in body
    assert body.index(signed.title) < body.index("Открытая петиция номер 0")
    assert client.get("/ru/petitions/?status=answered").content.decode().count("petition-card") == 0
    for sort in ("newest", "closing"):
        assert client.get(f"/kk/petitions/?sort={sort}&maslikhat=kz-75&topic=environment").status_code == 200


def test_detail_shows_progress_districts_and_public_names_only(client, signed, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        page = client.get(f"/ru/petitions/{signed.pk}/")
    body = page.content.decode()
    assert '<progress class="progress" id="progress" max="46000" value="3"' in body
    assert '<svg class="district-chart"' in body
    assert "Имя0 Ф." in body
    assert "Фамилия" not in body and "@example.kz" not in body and "Абая 1" not in body
    assert "style=" not in body


def test_signer_sees_own_signature_at_once_and_html_signing_works(client, make_petition, districts):
    petition = make_petition(S.OPEN)
    person = UserFactory(is_citizen=True, address="Алматы, Абая 3")
    client.force_login(person)
    response = client.post(
        f"/ru/petitions/{petition.pk}/sign/", {"address": "Алматы, Абая 3", "is_citizen": "on", "consent": "on"}
    )
    assert response.status_code == 302
    body = client.get(f"/ru/petitions/{petition.pk}/").content.decode()
    assert "Withdraw my signature" in body or "Отозвать мою подпись" in body
    bad = client.post(
        f"/ru/petitions/{petition.pk}/sign/",
        {"address": "Алматы, Абая 3", "is_citizen": "on", "consent": "on", "website": "x"},
    )
    assert bad.status_code == 400


def test_gathering_petition_is_reachable_only_by_link(client, make_petition):
    petition = make_petition(S.GATHERING_SUPPORT)
    assert client.get(f"/kk/petitions/{petition.pk}/").status_code == 404
    assert client.get(f"/kk/petitions/{petition.pk}/?link={petition.share_token}").status_code == 200
    assert client.get(f"/api/v1/petitions/{petition.pk}/").status_code == 404
    assert client.get(f"/api/v1/petitions/{petition.pk}/?link={petition.share_token}").status_code == 200
    assert petition.pk not in [p["id"] for p in client.get("/api/v1/petitions/").json()["results"]]
    client.force_login(petition.author)
    assert client.get(f"/kk/petitions/{petition.pk}/").status_code == 200


def test_drafts_are_private_and_rejected_text_hidden(client, make_petition, staff):
    draft = make_petition(S.DRAFT)
    assert client.get(f"/kk/petitions/{draft.pk}/").status_code == 404
    rejected = make_petition(S.IN_MODERATION, title="Петиция про выборы и референдумы")
    services.petition_reject(
        petition=rejected, actor=staff, category="elections_referendums", reason="Исключено законом."
    )
    data = client.get(f"/api/v1/petitions/{rejected.pk}/").json()
    assert data["text"] == "" and data["rejection"]["reason"] == "Исключено законом."


def test_create_flow_shows_similar_petitions_before_submitting(client, author, signed, almaty):
    client.force_login(author)
    response = client.post(
        "/ru/petitions/new/",
        {
            "title": "Озеленить улицу Абая ещё раз",
            "text": "Просим высадить деревья вдоль улицы Абая " * 3,
            "maslikhat": almaty.pk,
            "topic": "environment",
        },
    )
    assert response.status_code == 302
    draft = Petition.objects.get(title="Озеленить улицу Абая ещё раз")
    page = client.get(response["Location"]).content.decode()
    assert signed.title in page  # similar petition suggested on the draft page
    client.post(f"/ru/petitions/{draft.pk}/act/submit/")
    assert Petition.objects.get(pk=draft.pk).status == S.SUBMITTED


def test_markdown_is_sanitised(author, almaty):
    petition = services.petition_create(
        author=author,
        title="Проверка безопасной разметки",
        maslikhat=almaty,
        topic="other",
        text="**Жирный** <script>alert(1)</script> [ссылка](https://example.kz) [плохая](javascript:alert(1))\n\n- один\n- два",  # noqa: E501
    )
    html = petition.text_html
    assert "<strong>Жирный</strong>" in html and "<script>" not in html
    assert 'href="https://example.kz"' in html and "<ul><li>один</li><li>два</li></ul>" in html
    assert 'href="javascript' not in html


def test_api_detail_and_count_fields(client, signed):
    data = client.get(f"/api/v1/petitions/{signed.pk}/").json()
    assert data["status"] == "open" and data["maslikhat"]["code"] == "kz-75"
    assert (data["signature_count"], data["resident_signature_count"], data["threshold"]) == (3, 3, 46000)
    assert data["deadline"] == signed.collection_ends.isoformat()
    assert sum(d["signatures"] for d in data["districts"]) == 3
    count = client.get(f"/api/v1/petitions/{signed.pk}/count/")
    assert count.json()["signature_count"] == 3 and "public" in count["Cache-Control"]
    listing = client.get("/api/v1/petitions/?maslikhat=kz-75&status=open").json()
    assert [p["id"] for p in listing["results"]] == [signed.pk]


def test_api_create_draft(client, author):
    client.force_login(author)
    response = client.post(
        "/api/v1/petitions/",
        {"title": "Новая петиция через API", "text": "Текст петиции " * 10, "maslikhat": "kz-75", "topic": "transport"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "draft"
    bad = client.post(
        "/api/v1/petitions/", {"title": "Коротко", "text": "x", "maslikhat": "kz-75"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "title" in bad.json()


def test_exports_and_feed_carry_no_personal_data(client, signed):
    csv_body = b"".join(client.get("/petitions/export.csv").streaming_content).decode()
    assert signed.title in csv_body and "@" not in csv_body
    data = json.loads(client.get("/petitions/export.json").content)
    assert data["petitions"][0]["resident_signature_count"] == 3
    districts = json.loads(client.get(f"/petitions/{signed.pk}/districts.json").content)
    assert sum(row["signatures"] for row in districts["districts"]) == 3
    assert b"district_number" in b"".join(client.get(f"/petitions/{signed.pk}/districts.csv").streaming_content)
    feed = client.get("/petitions/feed/kz-75.atom")
    assert feed.status_code == 200 and signed.title in feed.content.decode()


def test_moderation_queue_and_decision_pages(client, make_petition, staff, stranger_staff):
    petition = make_petition(S.SUBMITTED)
    client.force_login(stranger_staff)
    assert client.get(f"/ru/staff/petitions/{petition.pk}/moderate/").status_code == 404
    client.force_login(staff)
    queue = client.get("/ru/staff/petitions/").content.decode()
    assert petition.title in queue
    page = client.get(f"/ru/staff/petitions/{petition.pk}/moderate/").content.decode()
    assert "state_language" in page  # the excluded categories are the rejection reasons
    client.post(f"/ru/staff/petitions/{petition.pk}/moderate/", {"action": "reject", "category": "", "reason": ""})
    assert Petition.objects.get(pk=petition.pk).status == S.SUBMITTED
    client.post(f"/ru/staff/petitions/{petition.pk}/moderate/", {"action": "approve", "note": "Всё в порядке"})
    petition.refresh_from_db()
    assert petition.status == S.GATHERING_SUPPORT and petition.moderation_note == "Всё в порядке"


def test_answer_page_checks_attachments(client, make_petition, staff):
    petition = make_petition(S.AWAITING_ANSWER)
    client.force_login(staff)
    fake = SimpleUploadedFile("answer.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(f"/ru/staff/petitions/{petition.pk}/answer/", {"text": "Ответ", "attachments": [fake]})
    assert response.status_code == 200 and Petition.objects.get(pk=petition.pk).status == S.AWAITING_ANSWER
    good = SimpleUploadedFile("answer.pdf", tiny_pdf(), content_type="application/pdf")
    response = client.post(
        f"/ru/staff/petitions/{petition.pk}/answer/",
        {"text": "Ответ маслихата", "attachments": [good], "chairperson": "Төрағаева Айжан"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == S.ANSWERED and petition.answer_attachments.get().size == len(tiny_pdf())
    assert "answer.pdf" in client.get(f"/ru/petitions/{petition.pk}/").content.decode()


def test_sources_view_and_invalidation_preview_then_confirm(client, signed, staff):
    client.force_login(staff)
    page = client.get("/ru/staff/petitions/sources/?hours=2").content.decode()
    assert "192.0.2.0/24" in page
    preview = client.get(f"/ru/staff/petitions/{signed.pk}/invalidate/?ip_prefix=192.0.2.0/24&hours=2")
    assert preview.context["count"] == 3
    assert signed.signatures.filter(status="valid").count() == 3  # a preview changes nothing
    client.post(
        f"/ru/staff/petitions/{signed.pk}/invalidate/",
        {"ip_prefix": "192.0.2.0/24", "hours": 2, "reason": "Накрутка", "confirm": "1"},
    )
    assert signed.signatures.filter(status="invalidated").count() == 3


def test_author_dashboard(client, author, signed):
    client.force_login(author)
    assert signed.title in client.get("/kk/petitions/mine/").content.decode()


def test_panels_for_deputy_and_maslikhat_pages(make_petition, almaty, staff):
    from portal.models import Role
    from tests.deputies.factories import DeputyFactory
    from tests.factories import grant

    deputy_user = UserFactory(mfa=True)
    grant(deputy_user, Role.DEPUTY, almaty.code)
    deputy = DeputyFactory(maslikhat=almaty, user=deputy_user, role="chair")
    petition = make_petition(S.AWAITING_ANSWER)
    services.petition_answer(petition=petition, actor=deputy_user, text="Ответ председателя")
    request = RequestFactory().get("/")
    deputy_html = Template('{% load portal_tags %}{% panels "deputy.record" deputy=deputy %}').render(
        Context({"deputy": deputy, "request": request})
    )
    assert petition.title in deputy_html
    maslikhat_html = Template('{% load portal_tags %}{% panels "maslikhat.record" maslikhat=m %}').render(
        Context({"m": almaty, "request": request})
    )
    assert petition.title in maslikhat_html


def test_notification_emails_render_in_each_language(make_petition, staff):
    from notifications.emails import build_message
    from notifications.models import EmailDelivery

    petition = make_petition(S.IN_MODERATION)
    services.petition_reject(petition=petition, actor=staff, category="courts", reason="Причина")
    delivery = EmailDelivery.objects.get(event="petition.rejected")
    for language in ("kk", "ru", "en"):
        delivery.user.preferred_language = language
        message = build_message(delivery)
        assert petition.title in message.subject and "Причина" in message.body


@pytest.mark.parametrize(
    "stage",
    [
        "draft",
        "submitted",
        "in_moderation",
        "gathering_support",
        "open",
        "threshold_reached",
        "awaiting_answer",
        "answered",
    ],
)
def test_detail_renders_at_every_stage_for_author_and_staff(client, make_petition, staff, stage):
    petition = make_petition(stage)
    if petition.published_at:
        from datetime import timedelta

        from petitions.models import PetitionCountSample

        for hours, count in ((2, 1), (1, 4)):
            PetitionCountSample.objects.create(
                petition=petition,
                hour=petition.published_at - timedelta(hours=hours),
                signature_count=count,
                resident_signature_count=count,
            )
    for viewer in (petition.author, staff):
        client.force_login(viewer)
        for language in ("kk", "ru", "en"):
            response = client.get(f"/{language}/petitions/{petition.pk}/")
            assert response.status_code == 200
            assert "style=" not in response.content.decode()


def test_staff_home_shows_the_petitions_section(client, staff):
    client.force_login(staff)
    assert "/staff/petitions/" in client.get("/en/staff/").content.decode()


def test_api_schema_generates(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/petitions/{id}/signatures/" in response.content


@pytest.mark.parametrize("stage", [Petition.Status.OPEN, Petition.Status.THRESHOLD_REACHED])
def test_the_answer_form_is_offered_only_when_an_answer_is_due(client, make_petition, staff, stage):
    """Issue 19, bug 7: the form opened for an open petition, then refused ("Срок ответа — .")."""
    petition = make_petition(stage)
    client.force_login(staff)
    response = client.get(f"/ru/staff/petitions/{petition.pk}/answer/")
    assert response.status_code == 302 and response["Location"] == petition.get_absolute_url().replace("/kk/", "/ru/")
    response = client.post(f"/ru/staff/petitions/{petition.pk}/answer/", {"text": "Ответ"}, follow=True)
    html = response.content.decode()
    assert "не ожидает ответа" in html and "Срок ответа — ." not in html
    petition.refresh_from_db()
    assert petition.status == stage

    awaiting = make_petition(Petition.Status.AWAITING_ANSWER, title="Другая петиция об остановках")
    assert client.get(f"/ru/staff/petitions/{awaiting.pk}/answer/").status_code == 200


def test_petition_page_says_what_happens_next_with_the_current_step(client, make_petition):
    petition = make_petition(Petition.Status.OPEN)
    html = client.get(petition.get_absolute_url().replace("/kk/", "/ru/").replace("/en/", "/ru/")).content.decode()
    assert "Что будет дальше" in html
    current = html.split('aria-current="step"', 1)[1].split("</li>", 1)[0]
    assert "Подписи:" in current
