"""Staff console: plan, agenda, publish (followers notified), documents through the upload gate,
attendance and votes, publish a decision (item followers notified); scoped and audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notifications.follows import follow_add
from notifications.models import Notification
from portal.models import AuditEntry, Role
from sittings import services
from sittings.models import Attendance, Session
from tests.factories import UserFactory, grant, maslikhat, tiny_pdf

pytestmark = pytest.mark.django_db

PDF = tiny_pdf()  # a real PDF: the upload gate parses every PDF


@pytest.fixture
def planned(staff, almaty):
    return services.session_plan(
        actor=staff,
        maslikhat=almaty,
        number=30,
        starts_at=timezone.now() + timedelta(days=10),
        title_ru="Тридцатая сессия",
    )


def test_a_session_through_the_console(staff, almaty, deputies, planned, django_capture_on_commit_callbacks):
    follower, item_follower = UserFactory(), UserFactory()
    follow_add(user=follower, obj=almaty)
    item = services.agenda_item_add(actor=staff, session=planned, title_ru="О бюджете", kind="budget")
    follow_add(user=item_follower, obj=item)
    with django_capture_on_commit_callbacks(execute=False):
        services.agenda_publish(actor=staff, session=planned)
        services.agenda_publish(actor=staff, session=planned)  # a repeat notifies nobody twice
    assert Notification.objects.filter(event="session.agenda_published", user=follower).count() == 1
    doc = services.document_attach(
        actor=staff, session=planned, upload=SimpleUploadedFile("a.pdf", PDF), title="Проект", kind="draft", item=item
    )
    assert doc.size == len(PDF)
    with pytest.raises(ValidationError):
        services.document_attach(
            actor=staff, session=planned, upload=SimpleUploadedFile("a.pdf", b"<script>"), title="x", kind="draft"
        )
    ivanov, seitkali = deputies["Иванов"], deputies["Сейтқали"]
    services.attendance_record(
        actor=staff,
        session=planned,
        rows={ivanov.pk: ("present", ""), seitkali.pk: ("excused", "болен"), deputies["Петрова"].pk: ("present", "")},
    )
    assert Attendance.objects.get(session=planned, deputy=seitkali).reason == "болен"
    with pytest.raises(ValidationError):  # an absent deputy cannot vote
        services.decision_record(actor=staff, item=item, adopted=True, roll={seitkali.pk: "for"})
    with pytest.raises(ValidationError):  # totals that contradict the roll call
        services.decision_record(
            actor=staff, item=item, adopted=True, roll={ivanov.pk: "for"}, totals={"for": 2, "against": 0}
        )
    decision = services.decision_record(
        actor=staff, item=item, adopted=True, number="30/1", roll={ivanov.pk: "for", deputies["Петрова"].pk: "against"}
    )
    assert (decision.votes_for, decision.votes_against, decision.votes_abstain) == (1, 1, 0)
    assert decision.published_at is None
    services.decision_publish(actor=staff, decision=decision)
    assert Notification.objects.filter(event="session.decision_adopted", user=item_follower).count() == 1
    actions = set(AuditEntry.objects.filter(scope_code="kz-75").values_list("action", flat=True))
    assert {"session.plan", "session.agenda_publish", "session.decision_publish", "session.attendance"} <= actions


def test_staff_of_another_maslikhat_is_refused(planned, db):
    other = UserFactory(mfa=True)
    grant(other, Role.STAFF, "kz-71")
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=other, session=planned, title_ru="x")
    with pytest.raises(PermissionDenied):
        services.session_plan(actor=other, maslikhat=maslikhat("kz-75"), number=1, starts_at=planned.starts_at)


def test_console_pages_render(staff, planned, deputies, client):
    client.force_login(staff)
    assert client.get("/en/staff/sessions/").status_code == 200
    assert client.get(f"/en/staff/sessions/{planned.pk}/").status_code == 200
    response = client.post(
        f"/en/staff/sessions/{planned.pk}/items/", {"title_ru": "Пункт", "kind": "other"}, follow=True
    )
    assert "Пункт" in response.content.decode()
    client.post(f"/en/staff/sessions/{planned.pk}/attendance/", {f"attendance-{deputies['Иванов'].pk}": "present"})
    assert planned.attendance.count() == 1


def test_demo_seed_is_idempotent(db):
    from deputies.demo import seed_deputies
    from sittings.seed import seed_sessions

    seed_deputies()
    seed_sessions()
    count = Session.objects.filter(is_demo=True).count()
    assert count >= 4 and count % 2 == 0
    assert Attendance.objects.filter(session__is_demo=True).exists()
    seed_sessions()
    assert Session.objects.filter(is_demo=True).count() == count


def test_the_emails_render_in_the_followers_language(staff, almaty, planned, django_capture_on_commit_callbacks):
    from notifications.emails import build_message
    from notifications.models import EmailDelivery

    reader = UserFactory(preferred_language="ru")
    follow_add(user=reader, obj=almaty)
    item = services.agenda_item_add(actor=staff, session=planned, title_ru="О бюджете", title_kk="Бюджет туралы")
    follow_add(user=reader, obj=item)
    with django_capture_on_commit_callbacks(execute=False):
        services.agenda_publish(actor=staff, session=planned)
        decision = services.decision_record(
            actor=staff, item=item, adopted=True, totals={"for": 9, "against": 1, "abstain": 0, "not_voting": 0}
        )
        services.decision_publish(actor=staff, decision=decision)
    agenda = build_message(EmailDelivery.objects.get(user=reader, event="session.agenda_published"))
    assert agenda.subject.startswith("Опубликована повестка сессии") and "1. О бюджете" in agenda.body
    adopted = build_message(EmailDelivery.objects.get(user=reader, event="session.decision_adopted"))
    assert adopted.subject == "Решение принято: О бюджете"
    assert "За: 9 · против: 1 · воздержались: 0 · не голосовали: 0" in adopted.body
