"""Demo data for `manage.py seed_demo` (order 40): two sessions per maslikhat with demo deputies, one
held (agenda, decisions, roll-call votes, attendance) and one planned, written through the importer
(so the demo follows the import rules), and a demo deputy's accountability data. Idempotent."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from deputies.models import Deputy, Maslikhat
from sittings.imports import sessions_import_data
from sittings.models import DeputyDeclaration, Session, VoterReport

HELD_NUMBER, PLANNED_NUMBER = 901, 902


def _at(day: date, hour: int = 10) -> str:
    return datetime.combine(day, time(hour, 0)).isoformat()


def _session_data(deputies: list[Deputy], today: date) -> list[dict]:
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    following = (today.replace(day=28) + timedelta(days=4)).replace(day=15)
    names = [d.full_name for d in deputies]
    absent, present = names[-1:], names[:-1]
    budget_votes = [{"deputy": n, "vote": "for"} for n in present]
    if len(present) >= 3:
        budget_votes[-1]["vote"] = "against"
    return [
        {
            "number": HELD_NUMBER,
            "kind": "regular",
            "starts_at": _at(previous),
            "title": {"kk": "Мәслихаттың кезекті сессиясы (демо)", "ru": "Очередная сессия маслихата (демо)"},
            "place": "Мәслихат ғимараты, мәжіліс залы",
            "video_url": "https://example.org/demo/session-video",
            "attendance": [{"deputy": n, "present": True} for n in present]
            + [{"deputy": n, "present": False, "reason": "іссапар / командировка"} for n in absent],
            "items": [
                {
                    "number": 1,
                    "kind": "budget_amendment",
                    "title": {
                        "kk": "Жергілікті бюджетке өзгерістер енгізу туралы",
                        "ru": "О внесении изменений в местный бюджет",
                    },
                    "decision": {"number": f"{HELD_NUMBER}/1", "adopted": True, "roll_call": budget_votes},
                },
                {
                    "number": 2,
                    "kind": "regulation",
                    "title": {"kk": "Абаттандыру қағидалары туралы", "ru": "О правилах благоустройства"},
                    "decision": {
                        "number": f"{HELD_NUMBER}/2",
                        "adopted": True,
                        "roll_call": [{"deputy": n, "vote": "for"} for n in present],
                    },
                },
            ],
        },
        {
            "number": PLANNED_NUMBER,
            "kind": "regular",
            "starts_at": _at(following),
            "title": {"kk": "Мәслихаттың кезекті сессиясы (демо)", "ru": "Очередная сессия маслихата (демо)"},
            "place": "Мәслихат ғимараты, мәжіліс залы",
            "broadcast_url": "https://example.org/demo/live",
            "items": [
                {
                    "number": 1,
                    "kind": "budget",
                    "title": {"kk": "Келесі жылға арналған бюджет туралы", "ru": "О бюджете на следующий год"},
                }
            ],
        },
    ]


def seed_sessions(stdout=None, **kwargs) -> str:
    today = timezone.localdate()
    seeded = 0
    for maslikhat in Maslikhat.objects.filter(deputies__is_demo=True).distinct().order_by("code"):
        deputies = list(
            Deputy.objects.filter(maslikhat=maslikhat, is_demo=True, status=Deputy.Status.ACTIVE).order_by("pk")
        )
        if not deputies:
            continue
        report = sessions_import_data({"maslikhat": maslikhat.code, "sessions": _session_data(deputies, today)})
        if report.errors:
            raise RuntimeError("; ".join(report.errors))
        Session.objects.filter(maslikhat=maslikhat, number__in=[HELD_NUMBER, PLANNED_NUMBER]).update(is_demo=True)
        seeded += 1
        first = deputies[0]
        DeputyDeclaration.objects.get_or_create(
            deputy=first, defaults={"occupation": "Мұғалім / учитель (демо)", "employer": "№ 1 мектеп / школа № 1"}
        )
        VoterReport.objects.get_or_create(
            deputy=first,
            held_on=today.replace(day=1),
            defaults={"place": "Мектеп акт залы / актовый зал школы", "text": "Демо есеп / демо-отчёт"},
        )
    return f"sessions for {seeded} maslikhats"
