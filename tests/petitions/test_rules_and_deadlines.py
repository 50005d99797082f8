"""Rules as versioned data, thresholds from population, and every deadline in Kazakhstan working
days across Nauryz 2026 (21-25 March are days off), with the beat task safe to run twice."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from deputies.models import AdministrativeUnit, Maslikhat
from petitions import deadlines, services
from petitions.models import Petition, PetitionHistory, PetitionRules
from petitions.selectors import rules_for_maslikhat
from petitions.tasks import petition_deadlines_task
from tests.factories import UserFactory
from tests.petitions.factories import CHAIRPERSON

pytestmark = pytest.mark.django_db
S = Petition.Status
ALMATY_TZ = ZoneInfo("Asia/Almaty")


def at(day: str, hour: int = 10):
    return time_machine.travel(datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=ALMATY_TZ), tick=False)


def _district_maslikhat(code: str, population: int | None) -> Maslikhat:
    parent = AdministrativeUnit.objects.get(code="kz-19")
    unit = AdministrativeUnit.objects.create(
        code=code, kind="district", parent=parent, name_kk=code, name_ru=code, name_en=code, population=population
    )
    return Maslikhat.objects.create(unit=unit, code=code, level="district", name_kk=code, name_ru=code, name_en=code)


def test_seeded_rules_carry_the_law_and_mark_unconfirmed_numbers():
    rules = PetitionRules.objects.order_by("level", "population_over")
    assert rules.count() == 3
    for row in rules:
        assert row.legal_reference and row.effective_from == datetime.date(2024, 4, 4)
        reported = [c for c in row.excluded_categories if not c["unconfirmed"]]
        assert len(reported) == 17 and all(c["source"] and c["reference"] for c in row.excluded_categories)
        assert (row.moderation_working_days, row.support_gate_signatures, row.support_gate_working_days) == (20, 50, 10)
        assert (row.collection_months, row.collection_unconfirmed, row.answer_days) == (6, True, 20)
    small = PetitionRules.objects.get(level="district", population_over__isnull=True)
    assert small.threshold_unconfirmed and small.threshold_percent == Decimal("10.00")


def test_thresholds_follow_population_and_level():
    almaty = Maslikhat.objects.select_related("unit").get(code="kz-75")
    assert rules_for_maslikhat(almaty).threshold_for(almaty.unit.population) == 46_000
    ulytau = Maslikhat.objects.select_related("unit").get(code="kz-62")
    assert rules_for_maslikhat(ulytau).threshold_for(ulytau.unit.population) == 4_420
    large = _district_maslikhat("kz-19-large", 120_000)
    assert rules_for_maslikhat(large).threshold_for(120_000) == 5_000
    small = _district_maslikhat("kz-19-small", 50_000)  # not over 50,000
    assert rules_for_maslikhat(small).threshold_for(50_000) == 5_000  # 10% of 50,000 (unconfirmed rule)
    assert rules_for_maslikhat(small).threshold_for(8_000) == 800
    assert rules_for_maslikhat(small).population_over is None
    unknown = _district_maslikhat("kz-19-unknown", None)
    assert rules_for_maslikhat(unknown).threshold_for(None) is None


def test_publication_refused_while_population_unknown(make_petition, staff, superuser):
    unknown = _district_maslikhat("kz-19-nopop", None)
    petition = make_petition(S.SUBMITTED, maslikhat=unknown)
    with pytest.raises(ValidationError):
        services.petition_approve(petition=petition, actor=superuser)
    assert Petition.objects.get(pk=petition.pk).status == S.SUBMITTED  # the whole approval rolled back


def test_a_petition_keeps_the_rules_in_force_when_published(make_petition, staff, districts):
    with at("2026-03-02"):
        old = make_petition(S.GATHERING_SUPPORT)
    first = old.rules
    newer = PetitionRules.objects.get(pk=first.pk)
    newer.pk = None
    newer.effective_from = datetime.date(2026, 6, 1)
    newer.threshold_percent = Decimal("1.00")
    newer.support_gate_signatures = 30
    newer.legal_reference = "Amendment of 2026 (test)"
    newer.save()
    with at("2026-05-29"):
        before = make_petition(S.GATHERING_SUPPORT, title="До вступления поправок в силу")
    with at("2026-06-02"):
        after = make_petition(S.GATHERING_SUPPORT, title="После вступления поправок в силу")
    old.refresh_from_db()
    assert (old.rules, old.threshold, old.support_gate) == (first, 46_000, 50)
    assert before.rules == first
    assert (after.rules, after.threshold, after.support_gate) == (newer, 23_000, 30)


def test_moderation_target_skips_nauryz(make_petition):
    with at("2026-03-19"):  # Thursday before Nauryz
        petition = make_petition(S.SUBMITTED)
    assert petition.moderation_due == datetime.date(2026, 4, 21)  # 20 working days, 21-25 March off


def test_support_gate_deadline_and_lapse_across_nauryz(make_petition, districts):
    with at("2026-03-19"):
        petition = make_petition(S.GATHERING_SUPPORT)
    assert petition.support_due == datetime.date(2026, 4, 7)  # 10 working days
    with at("2026-04-07", 23):
        petition_deadlines_task.delay()
        assert Petition.objects.get(pk=petition.pk).status == S.GATHERING_SUPPORT  # the last day still counts
    with at("2026-04-08", 0):
        petition_deadlines_task.delay()
        petition_deadlines_task.delay()  # twice: nothing more happens
    petition.refresh_from_db()
    assert petition.status == S.LAPSED
    assert PetitionHistory.objects.filter(petition=petition, to_status=S.LAPSED).count() == 1


def test_collection_period_closes_or_sends_for_answer(make_petition, districts):
    with at("2026-03-20"):
        below = make_petition(S.OPEN, title="Ниже порога до конца сбора")
        reached = make_petition(S.THRESHOLD_REACHED, title="Порог достигнут до конца сбора")
    assert below.collection_ends == datetime.date(2026, 9, 20)
    with at("2026-09-21"):
        result = deadlines.petition_deadlines()
        assert deadlines.petition_deadlines() == {"lapsed": 0, "closed": 0, "sent": 0, "overdue": 0}
    assert (result["closed"], result["sent"]) == (1, 1)
    below.refresh_from_db()
    reached.refresh_from_db()
    assert below.status == S.CLOSED
    assert reached.status == S.AWAITING_ANSWER
    # 20 working days from Monday 21 September 2026.
    assert reached.answer_due == datetime.date(2026, 10, 19)


def test_answer_deadline_across_nauryz_and_overdue_shown_publicly(make_petition, client, staff):
    with at("2026-03-19"):
        petition = make_petition(S.AWAITING_ANSWER)
    assert petition.answer_due == datetime.date(2026, 4, 21)
    with at("2026-04-21", 18):
        deadlines.petition_deadlines()
    assert Petition.objects.get(pk=petition.pk).answer_overdue_at is None
    with at("2026-04-22"):
        assert deadlines.petition_deadlines()["overdue"] == 1
        assert deadlines.petition_deadlines()["overdue"] == 0
    petition.refresh_from_db()
    assert petition.answer_is_overdue
    assert PetitionHistory.objects.filter(petition=petition, kind="answer_overdue").count() == 1
    page = client.get(f"/en/petitions/{petition.pk}/")
    assert "Overdue: the answer was due on" in page.content.decode()
    # A late answer still closes it; the overdue stamp stays on record.
    services.petition_answer(petition=petition, actor=staff, text="Поздний ответ.", chairperson=CHAIRPERSON)
    assert Petition.objects.get(pk=petition.pk).answer_overdue_at is not None


def test_calendar_day_answer_rules(make_petition):
    PetitionRules.objects.update(answer_days_working=False)
    with at("2026-03-19"):
        petition = make_petition(S.AWAITING_ANSWER)
    assert petition.answer_due == datetime.date(2026, 4, 8)


def test_withdrawn_by_author_only_before_threshold(make_petition):
    petition = make_petition(S.OPEN)
    services.petition_withdraw(petition=petition, actor=petition.author)
    assert Petition.objects.get(pk=petition.pk).status == S.WITHDRAWN
    reached = make_petition(S.THRESHOLD_REACHED, title="Порог достигнут: отозвать нельзя")
    with pytest.raises(ValidationError):
        services.petition_withdraw(petition=reached, actor=reached.author)
    with pytest.raises(PermissionDenied):  # someone else's petition: only its author may withdraw it
        services.petition_withdraw(
            petition=make_petition(S.OPEN, title="Чужая петиция для проверки"), actor=UserFactory()
        )
