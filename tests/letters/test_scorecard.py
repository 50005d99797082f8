"""The deputies' reply rate on the maslikhat scorecard (letters' metric) against a hand-counted fixture."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from deputies.models import Deputy
from letters.models import Message
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _letter(deputy, status, *, delivered_days_ago=30, due_in_days=-10, moderation=Message.Moderation.OK):
    now = timezone.now()
    replied = status == Message.Status.REPLIED
    return Message.objects.create(
        deputy=deputy,
        maslikhat_id=deputy.maslikhat_id,
        author=UserFactory(),
        language="kk",
        status=status,
        delivered_at=None if status == Message.Status.QUEUED else now - timedelta(days=delivered_days_ago),
        reply_due_on=timezone.localdate() + timedelta(days=due_in_days),
        replied_at=now - timedelta(days=delivered_days_ago - 2) if replied else None,
        reply_working_days=2 if replied else None,
        moderation=moderation,
    )


@pytest.fixture
def letters(city, astana):
    """Hand count with the shipped rules (365 days, a rate from 5 messages):
    kz-75, counted: Бірінші 5 (3 replied, one of them 360 days ago; one "no reply"; one sent and
      unanswered past its term), Екінші 1 (forwarded, unanswered), a former deputy 1 (replied)
      -> 7 counted, 4 replied, 57%.
      Not counted: a reply 400 days ago, a message still inside its reply term, a reply removed by
      moderators, a message still queued, a message with the staff (the party-list deputy).
    kz-71: 4 counted, all replied: one under the minimum -> "not enough letters"."""
    replied, first, second = Message.Status.REPLIED, city["smd1"], city["smd2"]
    for days in (30, 100, 360):
        _letter(first, replied, delivered_days_ago=days)
    _letter(first, Message.Status.NO_REPLY)
    _letter(first, Message.Status.SENT)
    _letter(second, Message.Status.FORWARDED)
    _letter(second, replied, delivered_days_ago=400)
    _letter(second, Message.Status.SENT, delivered_days_ago=3, due_in_days=5)
    _letter(second, replied, moderation=Message.Moderation.REMOVED)
    _letter(second, Message.Status.QUEUED)
    _letter(city["list"], Message.Status.STAFF_QUEUE)
    former = DeputyFactory(maslikhat=city["maslikhat"], party_list=True, full_name="Бұрынғы Депутат")
    _letter(former, replied)
    Deputy.objects.filter(pk=former.pk).update(status=Deputy.Status.RESIGNED)
    astana_deputy = DeputyFactory(maslikhat=astana, party_list=True, full_name="Астана Депутаты")
    for _i in range(4):
        _letter(astana_deputy, replied)
    return {"former": former}


def _figures(client, code=None):
    data = client.get("/en/scorecards.json").json()
    assert "deputies_reply_rate" in [m["key"] for m in data["metrics"]]
    row = next(
        m for m in data["maslikhats"] if m["code"] == code or code is None and m["code"] not in ("kz-75", "kz-71")
    )
    return row["figures"]["deputies_reply_rate"]


def test_reply_rate_matches_the_hand_count(client, letters):
    almaty = _figures(client, "kz-75")
    assert (almaty["numerator"], almaty["denominator"], almaty["value"]) == (4, 7, round(4 / 7, 4))
    assert almaty["note"] is None and almaty["url"] == "/en/maslikhats/kz-75/#letters-table"
    astana = _figures(client, "kz-71")
    assert (astana["numerator"], astana["denominator"], astana["value"]) == (4, 4, None)
    assert astana["note"] == "not enough letters"
    # A maslikhat without letters has nothing to show either.
    assert _figures(client)["value"] is None and _figures(client)["note"] is None


def test_scorecard_pages_show_the_rate_its_method_and_its_rows(client, letters, english):
    page = client.get("/en/scorecards/kz-75/").content.decode()
    assert '<a href="/en/maslikhats/kz-75/#letters-table">57%</a> <small>(4 of 7)</small>' in page
    assert "Deputies&#x27; reply rate to residents" in page and 'href="/en/messages/method/"' in page
    assert (
        '<a href="/en/maslikhats/kz-71/#letters-table">not enough letters</a>'
        in client.get("/en/scorecards/kz-71/").content.decode()
    )
    table = client.get("/en/scorecards/").content.decode()
    assert "not enough letters" in table and ">57%</a>" in table
    # The rows behind the figure: the maslikhat page's table of its deputies adds up to 4 of 7,
    # the former deputy included and marked.
    rows = client.get("/en/maslikhats/kz-75/").content.decode()
    assert 'id="letters-table"' in rows and 'Бұрынғы Депутат</a> <span class="help">(Resigned)</span>' in rows


def test_reply_rate_in_russian_says_too_few(client, letters):
    page = client.get("/ru/scorecards/kz-71/").content.decode()
    assert "недостаточно писем" in page


def test_comparison_csv_has_the_reply_rate_column(client, letters):
    text = client.get("/en/scorecards.csv").content.decode()
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["kz-75"]["deputies_reply_rate"] == str(round(4 / 7, 4))
    assert rows["kz-71"]["deputies_reply_rate"] == ""  # under the minimum: no figure
