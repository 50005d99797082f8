import copy
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from deputies.models import Convocation, Deputy
from portal.models import Role
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory, grant, maslikhat

NAMES = ["Иванов Иван Иванович", "Сейтқали Асқар", "Петрова Анна", "Нұрланов Ерлан"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def almaty(db):
    m = maslikhat("kz-75")
    Convocation.objects.get_or_create(maslikhat=m, number=8, defaults={"elected_on": date(2023, 3, 19)})
    return m


@pytest.fixture
def deputies(almaty) -> dict[str, Deputy]:
    return {name.split()[0]: DeputyFactory(maslikhat=almaty, full_name=name, party_list=True) for name in NAMES}


@pytest.fixture
def staff(almaty):
    user = UserFactory(mfa=True)
    grant(user, Role.STAFF, "kz-75")
    return user


def future(days: int = 30) -> str:
    return (timezone.localtime() + timedelta(days=days)).replace(microsecond=0, tzinfo=None).isoformat()


# Hand-counted fixture (see test_record_counts and test_scorecard_figures):
#   session 1: present Иванов, Сейтқали, Петрова; Нұрланов absent with a reason; video published
#     item 1 budget: Иванов for, Сейтқали against, Петрова for (2/1/0/0)
#     item 2 regulation: the three present for (3/0/0/0)
#   session 2: present Иванов, Петрова, Нұрланов; Сейтқали absent
#     item 1 budget_amendment: totals only 3/0/0/0
#     item 2 other: Иванов abstain, Петрова for, Нұрланов not_voting (1/0/1/1)
#   session 3: planned, in the future
GOOD = {
    "maslikhat": "kz-75",
    "sessions": [
        {
            "number": 21,
            "kind": "regular",
            "starts_at": "2025-02-20T10:00",
            "title": {"kk": "XXI сессия", "ru": "XXI сессия"},
            "broadcast_url": "",
            "video_url": "https://example.kz/video/21",
            "attendance": [
                {"deputy": "Иванов Иван Иванович", "present": True},
                {"deputy": "Сейтқали Асқар", "present": True},
                {"deputy": "Петрова Анна", "present": True},
                {"deputy": "Нұрланов Ерлан", "present": False, "reason": "командировка"},
            ],
            "items": [
                {
                    "number": 1,
                    "title": {"kk": "Бюджет туралы", "ru": "О бюджете"},
                    "kind": "budget",
                    "decision": {
                        "number": "21/1",
                        "adopted": True,
                        "document_url": "https://example.kz/d/21-1.pdf",
                        "votes": {"for": 2, "against": 1, "abstain": 0, "not_voting": 0},
                        "roll_call": [
                            {"deputy": "Иванов Иван Иванович", "vote": "for"},
                            {"deputy": "Сейтқали Асқар", "vote": "against"},
                            {"deputy": "Петрова Анна", "vote": "for"},
                        ],
                    },
                },
                {
                    "number": 2,
                    "title": {"kk": "Қағидалар", "ru": "Правила"},
                    "kind": "regulation",
                    "decision": {
                        "number": "21/2",
                        "adopted": True,
                        "roll_call": [
                            {"deputy": "Иванов Иван Иванович", "vote": "for"},
                            {"deputy": "Сейтқали Асқар", "vote": "for"},
                            {"deputy": "Петрова Анна", "vote": "for"},
                        ],
                    },
                },
            ],
        },
        {
            "number": 22,
            "kind": "extraordinary",
            "starts_at": "2025-03-20T10:00:00+05:00",
            "title": {"ru": "XXII внеочередная сессия"},
            "attendance": [
                {"deputy": "Иванов Иван Иванович", "present": True},
                {"deputy": "Сейтқали Асқар", "present": False},
                {"deputy": "Петрова Анна", "present": True},
                {"deputy": "Нұрланов Ерлан", "present": True},
            ],
            "items": [
                {
                    "number": 1,
                    "title": {"ru": "Об уточнении бюджета"},
                    "kind": "budget_amendment",
                    "decision": {"number": "22/1", "adopted": True, "votes": {"for": 3, "against": 0, "abstain": 0}},
                },
                {
                    "number": 2,
                    "title": {"ru": "Разное"},
                    "kind": "other",
                    "decision": {
                        "number": "22/2",
                        "adopted": False,
                        "roll_call": [
                            {"deputy": "Иванов Иван Иванович", "vote": "abstain"},
                            {"deputy": "Петрова Анна", "vote": "for"},
                            {"deputy": "Нұрланов Ерлан", "vote": "not_voting"},
                        ],
                    },
                },
            ],
        },
        {
            "number": 23,
            "kind": "regular",
            "starts_at": future(),
            "title": {"ru": "XXIII сессия"},
            "broadcast_url": "https://example.kz/live",
            "items": [{"number": 1, "title": {"ru": "Бюджет на следующий год"}, "kind": "budget"}],
        },
    ],
}


@pytest.fixture
def good_data():
    return copy.deepcopy(GOOD)


@pytest.fixture
def imported(deputies, good_data):
    from sittings.imports import sessions_import_data

    report = sessions_import_data(good_data)
    assert report.ok, report.errors
    return report
