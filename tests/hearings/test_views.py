from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from deputies.models import StandingCommission
from hearings.models import AgendaDocument, Hearing, Question, QuestionVote, Registration
from hearings.services import question_moderate, question_submit, question_vote, registration_create
from portal.models import AuditEntry, Role
from tests.factories import UserFactory, grant, tiny_pdf
from tests.hearings.factories import days_ahead

pytestmark = pytest.mark.django_db

PDF = tiny_pdf()


def test_public_list_calendar_and_detail_with_bounded_queries(schedule, client, django_assert_max_num_queries):
    hearings = [schedule(starts_at=days_ahead(30 + i), venue_address=f"Зал {i}") for i in range(6)]
    for hearing in hearings[:2]:
        registration_create(user=UserFactory(), hearing=hearing)
    with django_assert_max_num_queries(8):
        response = client.get("/kk/hearings/")
    assert response.status_code == 200 and hearings[0].topic_kk in response.content.decode()
    month = hearings[0].starts_at.strftime("%Y-%m")
    with django_assert_max_num_queries(8):
        response = client.get(f"/kk/hearings/calendar/?month={month}&maslikhat=kz-75")
    assert response.status_code == 200 and hearings[0].get_absolute_url() in response.content.decode()
    with django_assert_max_num_queries(14):
        response = client.get(hearings[0].get_absolute_url())
    assert response.status_code == 200
    assert client.get("/ru/hearings/?type=urban_planning").content.decode().count("/ru/hearings/") >= 1


def test_register_through_the_page_and_see_the_code_and_qr(schedule, citizen, client):
    hearing = schedule()
    client.force_login(citizen)
    response = client.post(f"/kk/hearings/{hearing.pk}/register/", follow=True)
    registration = Registration.objects.get(user=citizen)
    page = response.content.decode()
    assert registration.code in page and f"/kk/hearings/{hearing.pk}/my-code.svg" in page
    qr = client.get(f"/kk/hearings/{hearing.pk}/my-code.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client.get(f"/kk/hearings/{hearing.pk}/my-code.png").content.startswith(b"\x89PNG")
    client.post(f"/kk/hearings/{hearing.pk}/unregister/")
    assert Registration.objects.get(user=citizen).status == Registration.Status.CANCELLED


def test_staff_console_schedules_with_warning_confirmation(staff, commission, client):
    client.force_login(staff)
    assert client.get("/kk/staff/hearings/").status_code == 200
    assert client.get("/kk/staff/").content.decode().count("/kk/staff/hearings/") >= 1
    start = days_ahead(25)
    data = {
        "maslikhat": commission.maslikhat.pk,
        "commission": commission.pk,
        "hearing_type": "social",
        "topic_kk": "Саябақ",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue_address": "Зал 1",
        "capacity": "30",
        "languages": ["kk", "ru"],
        "agenda": SimpleUploadedFile("agenda.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post("/kk/staff/hearings/new/", data)
    hearing = Hearing.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/staff/hearings/{hearing.pk}/")
    assert hearing.starts_at == start and hearing.agendadocuments.count() == 1
    assert client.get(AgendaDocument.objects.get().get_absolute_url()).status_code == 200

    data.update(
        venue_address="Зал 2",
        starts_at=(start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        agenda="",
    )
    response = client.post("/kk/staff/hearings/new/", data)
    assert response.status_code == 200 and 'name="confirm_same_day"' in response.content.decode()
    assert Hearing.objects.count() == 1
    response = client.post("/kk/staff/hearings/new/", {**data, "confirm_same_day": "on"})
    assert response.status_code == 302 and Hearing.objects.count() == 2


def test_staff_console_refuses_short_notice_and_a_fake_pdf(staff, commission, client):
    client.force_login(staff)
    start = days_ahead(3)
    response = client.post(
        "/en/staff/hearings/new/",
        {
            "maslikhat": commission.maslikhat.pk,
            "commission": commission.pk,
            "hearing_type": "budget",
            "topic_ru": "Т",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "venue_address": "Зал",
            "agenda": SimpleUploadedFile("agenda.pdf", b"<html>not a pdf</html>"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Too short a notice" in page and "is not a PDF" in page
    assert not Hearing.objects.exists()


def test_staff_of_another_maslikhat_gets_404_everywhere(schedule, client):
    hearing = schedule()
    registration_create(user=UserFactory(), hearing=hearing)
    stranger = UserFactory(mfa=True)
    grant(stranger, Role.STAFF, "kz-71")
    client.force_login(stranger)
    base = f"/kk/staff/hearings/{hearing.pk}"
    for url in (f"{base}/", f"{base}/registrations/", f"{base}/registrations.csv"):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/cancel/", f"{base}/postpone/", f"{base}/minutes/", f"{base}/agenda/"):
        assert client.post(url, {"cancel-reason": "x"}).status_code == 404, url
    assert hearing.__class__.objects.get().status == Hearing.Status.SCHEDULED
    assert hearing.topic not in client.get("/kk/staff/hearings/").content.decode()
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.get(f"{base}/").status_code == 404  # staff pages answer "not yours" like "missing"


def test_cancel_through_the_console_needs_a_reason(schedule, staff, client):
    hearing = schedule()
    client.force_login(staff)
    response = client.post(f"/kk/staff/hearings/{hearing.pk}/cancel/", {"cancel-reason": ""})
    assert response.status_code == 400
    response = client.post(f"/kk/staff/hearings/{hearing.pk}/cancel/", {"cancel-reason": "Нет кворума"})
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.CANCELLED and hearing.status_reason == "Нет кворума"


def test_registrations_csv_check_in_by_code_and_by_name(schedule, staff, client):
    hearing = schedule()
    people = [UserFactory(first_name=name) for name in ("Айдана", "=cmd", "Болат")]
    codes = [registration_create(user=p, hearing=hearing)[0].code for p in people]
    client.force_login(staff)
    csv_text = client.get(f"/kk/staff/hearings/{hearing.pk}/registrations.csv").content.decode("utf-8-sig")
    assert all(code in csv_text for code in codes) and "'=cmd" in csv_text
    with time_machine.travel(hearing.starts_at - timedelta(minutes=10), tick=False):
        client.force_login(staff)  # the session from a month earlier has expired
        client.post(f"/kk/staff/hearings/{hearing.pk}/registrations/", {"code": codes[0].lower()})
        client.get(f"/kk/staff/hearings/{hearing.pk}/registrations/")  # shows (and consumes) the success message
        page = client.get(f"/kk/staff/hearings/{hearing.pk}/registrations/?q=Болат").content.decode()
        assert "Болат" in page and "Айдана" not in page
        registration = Registration.objects.get(user=people[2])
        client.post(f"/kk/staff/hearings/{hearing.pk}/registrations/", {"registration": registration.pk})
        response = client.post(f"/kk/staff/hearings/{hearing.pk}/registrations/", {"code": "WRONG1"}, follow=True)
    assert response.status_code == 200
    assert Registration.objects.filter(status=Registration.Status.ATTENDED).count() == 2
    assert AuditEntry.objects.filter(action="hearing.check_in").count() == 2


def test_questions_submit_moderate_vote_once_and_sort_by_votes(schedule, staff, client):
    hearing = schedule()
    asker = UserFactory()
    first = question_submit(user=asker, hearing=hearing, text="Когда отремонтируют дорогу на Абая?")
    second = question_submit(user=asker, hearing=hearing, text="Сколько стоит новый парк в бюджете?")
    assert client.get(hearing.get_absolute_url()).content.decode().count("Абая?") == 0  # not yet moderated
    for question in (first, second):
        question_moderate(actor=staff, question=question, status=Question.Status.PUBLISHED)
    voters = UserFactory.create_batch(2)
    assert question_vote(user=voters[0], question=second) is True
    assert question_vote(user=voters[0], question=second) is False
    assert question_vote(user=voters[1], question=second) is True
    second.refresh_from_db()
    assert second.votes == 2 == QuestionVote.objects.filter(question=second).count()
    page = client.get(hearing.get_absolute_url()).content.decode()
    assert page.index("новый парк") < page.index("Абая?")
    client.force_login(staff)
    client.post(f"/kk/staff/hearings/questions/{second.pk}/moderate/", {"status": "answered", "answer": "500 млн"})
    second.refresh_from_db()
    assert second.status == Question.Status.ANSWERED and second.answer == "500 млн"
    other_staff = UserFactory(mfa=True)
    grant(other_staff, Role.STAFF, "kz-71")
    client.force_login(other_staff)
    assert client.post(f"/kk/staff/hearings/questions/{first.pk}/moderate/", {"status": "rejected"}).status_code == 404


def test_question_vote_through_the_page(schedule, staff, client):
    hearing = schedule()
    question = question_submit(user=UserFactory(), hearing=hearing, text="Будет ли сурдоперевод на слушаниях?")
    question_moderate(actor=staff, question=question, status=Question.Status.PUBLISHED)
    client.force_login(UserFactory())
    client.post(f"/kk/hearings/questions/{question.pk}/vote/")
    client.post(f"/kk/hearings/questions/{question.pk}/vote/")
    question.refresh_from_db()
    assert question.votes == 1


def test_representatives_panel_lists_upcoming_hearings_of_the_looked_up_maslikhats(schedule, rf):
    from types import SimpleNamespace

    from hearings.panels import representatives_after
    from tests.deputies.factories import ElectoralDistrictFactory

    hearing = schedule()
    district = ElectoralDistrictFactory()
    lookup = SimpleNamespace(matches=[SimpleNamespace(districts=[district])])
    assert hearing.topic in representatives_after(rf.get("/"), lookup=lookup)
    empty = SimpleNamespace(matches=[])
    assert representatives_after(rf.get("/"), lookup=empty) == ""


def test_seed_demo_is_idempotent(db):
    from hearings.seed import seed_hearings

    seed_hearings()
    count = Hearing.objects.count()
    seed_hearings()
    assert Hearing.objects.count() == count == 5
    assert Hearing.objects.minutes_overdue().count() == 1
    assert Hearing.objects.filter(minutes_published_at__isnull=False).count() == 1
    assert {h.maslikhat.code for h in Hearing.objects.upcoming()} == {"kz-75", "kz-71"}
    assert all(h.registration_is_open() for h in Hearing.objects.upcoming())
    assert StandingCommission.objects.filter(maslikhat__code="kz-75").exists()


def test_schedule_form_pickers_follow_the_chosen_maslikhat(client, superuser, almaty, astana, commission):
    """Issue 19: a superuser saw every maslikhat's commissions and deputies in one list."""
    other = StandingCommission.objects.create(maslikhat=astana, name_kk="Астана комиссиясы", name_ru="Комиссия Астаны")
    client.force_login(superuser)
    html = client.get("/ru/staff/hearings/new/").content.decode()
    assert f'data-maslikhat="{almaty.pk}"' in html and f'data-maslikhat="{astana.pk}"' in html
    assert "js/staff-pickers" in html
    html = client.post("/ru/staff/hearings/new/", {"maslikhat": almaty.pk}).content.decode()
    assert commission.name_ru in html and other.name_ru not in html
