"""Demo hearings for `manage.py seed_demo` (order 30, after deputies): upcoming hearings with
registration open in Almaty and Astana, one past hearing with minutes and one with minutes overdue.
Idempotent: each demo hearing is found by its Russian topic."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from deputies.models import Deputy, Maslikhat, StandingCommission
from hearings.models import Hearing, HearingHistory, HearingType
from hearings.services import hearing_schedule, minutes_due_on, normalise_venue, rules_for
from portal.demo import demo_user


def _at(days: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def _commission(code: str) -> StandingCommission:
    maslikhat = Maslikhat.objects.get(code=code)
    commission = maslikhat.commissions.order_by("pk").first()
    if commission is None:
        commission = StandingCommission.objects.create(
            maslikhat=maslikhat,
            name_kk="Әлеуметтік-мәдени даму мәселелері жөніндегі тұрақты комиссия (демо)",
            name_ru="Постоянная комиссия по вопросам социально-культурного развития (демо)",
            name_en="Standing commission on social and cultural development (demo)",
        )
    return commission


def _deputy(code: str) -> Deputy:
    maslikhat = Maslikhat.objects.get(code=code)
    deputy = maslikhat.deputies.filter(status=Deputy.Status.ACTIVE).order_by("-is_demo", "pk").first()
    if deputy is None:
        deputy = Deputy.objects.create(
            maslikhat=maslikhat,
            full_name="Демо Депутат Hearings",
            party="",
            is_demo=True,
            mandate=Deputy.Mandate.PARTY_LIST,
        )
    return deputy


UPCOMING = [
    {
        "code": "kz-75",
        "days": 30,
        "hour": 15,
        "type": HearingType.BUDGET,
        "capacity": 40,
        "venue": "Алматы, пр. Абылай хана 91, зал заседаний маслихата",
        "broadcast": "https://www.youtube.com/@dauys-demo",
        "topic_kk": "Алматы қаласының 2027 жылға арналған бюджеті жобасы (демо)",
        "topic_ru": "Проект бюджета города Алматы на 2027 год (демо)",
        "topic_en": "Draft budget of Almaty city for 2027 (demo)",
        "with_deputy": True,
    },
    {
        "code": "kz-75",
        "days": 14,
        "hour": 11,
        "type": HearingType.SOCIAL,
        "capacity": None,
        "venue": "",
        "broadcast": "https://meet.example.kz/dauys-demo-social",
        "topic_kk": "Мектепке дейінгі ұйымдардағы орындар (демо)",
        "topic_ru": "Места в дошкольных организациях (демо)",
        "topic_en": "Places in pre-school organisations (demo)",
        "with_deputy": False,
    },
    {
        "code": "kz-71",
        "days": 25,
        "hour": 16,
        "type": HearingType.URBAN_PLANNING,
        "capacity": 60,
        "venue": "Астана, ул. Бейбітшілік 11, актовый зал",
        "broadcast": "",
        "topic_kk": "Есіл ауданының егжей-тегжейлі жоспарлау жобасы (демо)",
        "topic_ru": "Проект детальной планировки района Есиль (демо)",
        "topic_en": "Detailed layout plan of Yesil district (demo)",
        "with_deputy": False,
    },
]

PAST = [
    {
        "code": "kz-75",
        "days": -20,
        "type": HearingType.SOCIAL,
        "minutes": True,
        "venue": "Алматы, пр. Абылай хана 91, зал заседаний маслихата",
        "topic_kk": "Қоғамдық көлік бағыттары (демо)",
        "topic_ru": "Маршруты общественного транспорта (демо)",
        "topic_en": "Public transport routes (demo)",
    },
    {
        "code": "kz-75",
        "days": -15,
        "type": HearingType.OTHER,
        "minutes": False,
        "venue": "Алматы, ул. Толе би 59, конференц-зал",
        "topic_kk": "Аулаларды абаттандыру (демо)",
        "topic_ru": "Благоустройство дворов (демо)",
        "topic_en": "Courtyard improvements (demo)",
    },
]


def seed_hearings(stdout=None) -> str:
    admin = demo_user("admin@demo.dauys.kz", first_name="Әкімші", last_name="Демо", superuser=True)
    created = 0
    for item in UPCOMING:
        if Hearing.objects.filter(is_demo=True, topic_ru=item["topic_ru"]).exists():
            continue
        commission = _commission(item["code"])
        deputies = [_deputy(item["code"])] if item["with_deputy"] else []
        hearing_schedule(
            actor=admin,
            maslikhat=commission.maslikhat,
            commission=commission,
            hearing_type=item["type"],
            starts_at=_at(item["days"], item["hour"]),
            ends_at=_at(item["days"], item["hour"] + 2),
            topic_kk=item["topic_kk"],
            topic_ru=item["topic_ru"],
            topic_en=item["topic_en"],
            description_kk="Демо тыңдау: тіркеліп, сұрақ қойып көріңіз.",
            description_ru="Демонстрационные слушания: попробуйте зарегистрироваться и задать вопрос.",
            description_en="Demo hearing: try registering and asking a question.",
            languages=["kk", "ru"],
            venue_address=item["venue"],
            capacity=item["capacity"],
            accessibility_notes="Пандус у главного входа; сурдоперевод по запросу." if item["venue"] else "",
            broadcast_url=item["broadcast"],
            deputies=deputies,
            confirm_same_day=True,
            is_demo=True,
        )
        created += 1
    for item in PAST:
        if Hearing.objects.filter(is_demo=True, topic_ru=item["topic_ru"]).exists():
            continue
        commission = _commission(item["code"])
        # Past hearings cannot go through hearing_schedule (it refuses the past): written directly.
        with transaction.atomic():
            rules = rules_for(item["type"], timezone.localdate() + timedelta(days=item["days"] - 30))
            starts_at = _at(item["days"], 15)
            hearing = Hearing(
                maslikhat=commission.maslikhat,
                commission=commission,
                hearing_type=item["type"],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                registration_deadline=starts_at,
                topic_kk=item["topic_kk"],
                topic_ru=item["topic_ru"],
                topic_en=item["topic_en"],
                description_ru="Демонстрационные слушания, уже прошедшие.",
                description_kk="Өткен демо тыңдау.",
                languages=["kk", "ru"],
                venue_address=item["venue"],
                venue_key=normalise_venue(item["venue"]),
                capacity=50,
                rules=rules,
                created_by=admin,
                is_demo=True,
                created_at=starts_at - timedelta(days=30),
            )
            hearing.minutes_due_on = minutes_due_on(hearing, rules)
            if item["minutes"]:
                hearing.status = Hearing.Status.HELD
                hearing.minutes_text = (
                    "Присутствовали 34 жителя и 3 депутата. Обсуждены изменения маршрутов № 12, 37 и 92. "
                    "Поступило 11 вопросов, ответы даны на месте."
                )
                hearing.decisions = "Рекомендовать акимату сохранить маршрут № 37 до ввода нового."
                hearing.video_url = "https://www.youtube.com/@dauys-demo"
                hearing.minutes_published_at = hearing.ends_at + timedelta(days=2)
            hearing.save()
            HearingHistory.objects.create(
                hearing=hearing, action="scheduled", actor=admin, created_at=hearing.created_at
            )
            if item["minutes"]:
                HearingHistory.objects.create(
                    hearing=hearing, action="minutes_published", actor=admin, created_at=hearing.minutes_published_at
                )
        created += 1
    return f"{created} demo hearings created ({Hearing.objects.filter(is_demo=True).count()} in all)"
