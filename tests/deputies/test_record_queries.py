"""The deputy's public record page within its query budget (<= 10) with every panel filled: signed in
(with a booking and a follow) and anonymous. The panels' per-deputy figures ride on the query that
loads the deputy (portal.panels annotations)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deputies.models import CommissionMembership, Convocation, StandingCommission
from letters.models import Booking, Message, ReceptionSlot
from notifications.follows import follow_add
from petitions.models import Petition
from sittings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DeclaredInterest,
    DeputyDeclaration,
    ElectionProgramme,
    Session,
    Vote,
    VoterReport,
)
from tests.factories import UserFactory
from tests.hearings.factories import make_hearing
from tests.recalls.factories import forming_recall, smd_deputy

pytestmark = pytest.mark.django_db
BUDGET = 10


def _letter(deputy, author, status, **extra):
    now = timezone.now()
    return Message.objects.create(
        deputy=deputy,
        maslikhat_id=deputy.maslikhat_id,
        author=author,
        language="ru",
        status=status,
        delivered_at=now - timedelta(days=40),
        reply_due_on=timezone.localdate() - timedelta(days=10),
        replied_at=now - timedelta(days=35) if status == Message.Status.REPLIED else None,
        reply_working_days=4 if status == Message.Status.REPLIED else None,
        **extra,
    )


@pytest.fixture
def full_record(almaty, staff, make_petition):
    deputy = smd_deputy(full_name="Толық Рекорд")
    convocation, _created = Convocation.objects.get_or_create(
        maslikhat=almaty, number=8, defaults={"elected_on": date(2023, 3, 19)}
    )
    commission = StandingCommission.objects.create(
        maslikhat=almaty, name_kk="Бюджет", name_ru="Бюджет", name_en="Budget"
    )
    CommissionMembership.objects.create(commission=commission, deputy=deputy, is_chair=True)
    # Sessions: attended the one held session, voted against an adopted decision (a dissent).
    session = Session.objects.create(
        maslikhat=almaty,
        convocation=convocation,
        number=40,
        title_ru="XL сессия",
        starts_at=timezone.now() - timedelta(days=20),
        status=Session.Status.HELD,
    )
    item = AgendaItem.objects.create(
        session=session, number=1, title_ru="О бюджете", title_en="The budget", kind="budget"
    )
    decision = Decision.objects.create(
        item=item, adopted=True, votes_for=5, votes_against=1, votes_abstain=0, published_at=timezone.now()
    )
    Attendance.objects.create(session=session, deputy=deputy, status=Attendance.Status.PRESENT)
    Vote.objects.create(decision=decision, deputy=deputy, choice=Vote.Choice.AGAINST)
    DeputyDeclaration.objects.create(deputy=deputy, occupation="Инженер", employer="ТОО Жол")
    DeclaredInterest.objects.create(deputy=deputy, description="Доля в ТОО Жол")
    VoterReport.objects.create(deputy=deputy, held_on=date(2025, 5, 1), place="Школа № 12")
    ElectionProgramme.objects.create(deputy=deputy, convocation=convocation, text_en="Parks in every district")
    # Letters: 5 counted (4 replied), one exchange published, a reception slot.
    author = UserFactory()
    for _i in range(4):
        _letter(deputy, author, Message.Status.REPLIED)
    _letter(
        deputy,
        author,
        Message.Status.REPLIED,
        subject="Аула жарығы",
        body="Жарық жоқ.",
        reply="Жөндедік.",
        author_consents=True,
        deputy_consents=True,
        publication=Message.Publication.PUBLISHED,
    )
    starts = timezone.now() + timedelta(days=3)
    slot = ReceptionSlot.objects.create(
        deputy=deputy,
        maslikhat=almaty,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Әкімдік, 5 кабинет",
        capacity=5,
        language="ru",
    )
    # A petition the deputy answered, a hearing with the deputy, a recall request against them.
    petition = make_petition(Petition.Status.ANSWERED, title="Светофор у школы номер пять")
    Petition.objects.filter(pk=petition.pk).update(answer_deputy=deputy)
    hearing = make_hearing(staff, almaty)
    hearing.deputies.add(deputy)
    forming_recall(deputy, members=2)
    citizen = UserFactory(verified=True)
    Booking.objects.create(slot=slot, user=citizen)
    follow_add(user=citizen, obj=deputy)
    return {"deputy": deputy, "citizen": citizen}


def _page(client, deputy) -> tuple[int, str]:
    url = f"/en/deputies/{deputy.pk}/"
    client.get(url)  # the first request warms per-process caches, as bench/bench_pages.py does
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _has_the_whole_record(html: str) -> None:
    for text in (
        "Budget",  # standing commission, chair
        "Attended 1 of 1 sessions",
        "Voted against the majority",
        "The budget",
        "Инженер",
        "Доля в ТОО Жол",
        "Parks in every district",
        "Школа № 12",
        "Replied to 5 of 5 messages (100%)",
        "Аула жарығы",
        "Әкімдік, 5 кабинет",
        "Светофор у школы номер пять",
        "Hearings: 1 · held: 0",  # the hearing record's counts
        "Upcoming hearings",
        "Recall requests",
    ):
        assert text in html, text


def test_signed_in_deputy_page_within_the_query_budget(client, full_record):
    client.force_login(full_record["citizen"])
    count, html = _page(client, full_record["deputy"])
    assert count <= BUDGET, count
    _has_the_whole_record(html)
    assert "You have booked a place." in html  # the visitor's own booking, read with the slots
    assert "Stop following" in html  # the follow state, read with the deputy


def test_anonymous_deputy_page_within_the_query_budget(client, full_record):
    count, html = _page(client, full_record["deputy"])
    assert count <= BUDGET, count
    _has_the_whole_record(html)
    assert "You have booked a place." not in html and "Stop following" not in html
