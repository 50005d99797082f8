"""Demo data for `manage.py seed_demo` (order 10): districts on real street names in Almaty, Astana,
Shymkent and Talgar (Almaty Region, with its district maslikhat), demo deputies, standing commissions
and a few district boundaries for the map. Every row is marked is_demo and pages label it "demo data".
Idempotent: a second run changes nothing."""

import datetime
from pathlib import Path

from deputies.admin_map import maslikhat_names
from deputies.convocations import eighth_convocation_defaults
from deputies.geo import boundaries_changed
from deputies.imports import deputies_import, deputies_import_rows, districts_import, districts_import_rows
from deputies.models import (
    AdministrativeUnit,
    CommissionMembership,
    Convocation,
    Deputy,
    ElectoralDistrict,
    Maslikhat,
    StandingCommission,
)

DATA = Path(__file__).resolve().parent / "data"
ELECTED_ON = datetime.date(2023, 3, 19)
TALGAR = {
    "code": "kz-19-talgar",
    "kind": "district",
    "parent": "kz-19",
    "name": {"kk": "Талғар ауданы", "ru": "Талгарский район", "en": "Talgar District"},
}

# maslikhat, district, settlement, street, houses (the sample file adds Almaty districts 1 and 2)
COVERAGE = [
    ("kz-75", 1, "Алматы", "ул. Жибек Жолы", "1-60"),
    ("kz-75", 2, "Алматы", "ул. Гоголя", "чет 2-88"),
    ("kz-75", 3, "Алматы", "пр. Достык", "1-150"),
    ("kz-75", 3, "Алматы", "пр. Абая", "нечет 1-71"),
    ("kz-75", 3, "Алматы", "ул. Кабанбай батыра", "все"),
    ("kz-75", 4, "Алматы", "пр. Абая", "чет 2-70"),
    ("kz-75", 4, "Алматы", "ул. Сатпаева", "нечет 1-89"),
    ("kz-75", 4, "Алматы", "мкр. Орбита-1", "все"),
    ("kz-75", 5, "Алматы", "пр. Аль-Фараби", "все"),
    ("kz-75", 5, "Алматы", "ул. Тимирязева", "все"),
    ("kz-75", 6, "Алматы", "пр. Райымбека", "все"),
    ("kz-75", 6, "Алматы", "ул. Богенбай батыра", "1-200"),
    ("kz-71", 1, "Астана", "пр. Республики", "все"),
    ("kz-71", 1, "Астана", "ул. Кенесары", "1-70"),
    ("kz-71", 2, "Астана", "пр. Кабанбай батыра", "все"),
    ("kz-71", 2, "Астана", "пр. Мангилик Ел", "1-60"),
    ("kz-71", 3, "Астана", "ул. Сыганак", "все"),
    ("kz-71", 3, "Астана", "ул. Достык", "все"),
    ("kz-71", 3, "Астана", "пр. Абая", "все"),
    ("kz-79", 1, "Шымкент", "пр. Тауке хана", "нечет 1-99"),
    ("kz-79", 2, "Шымкент", "пр. Тауке хана", "чет 2-100"),
    ("kz-79", 2, "Шымкент", "ул. Байтурсынова", "все"),
    ("kz-79", 3, "Шымкент", "пр. Республики", "все"),
    ("kz-79", 3, "Шымкент", "мкр. Нурсат", "все"),
    # Talgar: the district maslikhat's districts and, over them, one district of the oblast maslikhat
    ("kz-19-talgar", 1, "Талгар", "ул. Абая", "все"),
    ("kz-19-talgar", 1, "Талгар", "ул. Лермонтова", "1-80"),
    ("kz-19-talgar", 2, "Талгар", "ул. Бокейханова", "все"),
    ("kz-19-talgar", 2, "Талгар", "ул. Конаева", "все"),
    ("kz-19", 7, "Талгар", "ул. Абая", "все"),
    ("kz-19", 7, "Талгар", "ул. Лермонтова", "1-80"),
    ("kz-19", 7, "Талгар", "ул. Бокейханова", "все"),
    ("kz-19", 7, "Талгар", "ул. Конаева", "все"),
]

# maslikhat, full_name, party, mandate, district, role, email, phone, reception
DEPUTIES = [
    ("kz-75", "Оспанова Гүлнар Демо", "Amanat", "single_mandate", 3, "chair", "", "", "Вт 15:00–17:00, Панфилова 98"),
    ("kz-75", "Жақыпов Ерлан Демо", "Ak Zhol", "single_mandate", 4, "member", "", "", "Чт 10:00–12:00"),
    ("kz-75", "Серікбаев Нұрлан Демо", "Amanat", "single_mandate", 6, "member", "", "", ""),
    ("kz-75", "Әбілова Дана Демо", "Amanat", "party_list", "", "commission_chair", "", "", "Ср 11:00–13:00"),
    ("kz-75", "Ким Виктор Демо", "Respublica", "party_list", "", "member", "", "", ""),
    ("kz-75", "Төлеуова Айжан Демо", "Auyl", "party_list", "", "member", "", "", ""),
    ("kz-75", "Бекова Мадина Демо", "JSDP", "party_list", "", "member", "", "", ""),
    ("kz-75", "Нұрмағамбетов Дәурен Демо", "QHP", "party_list", "", "member", "", "", ""),
    ("kz-71", "Құдайбергенов Асхат Демо", "Amanat", "single_mandate", 1, "chair", "", "", "Пн 10:00–12:00"),
    ("kz-71", "Иванова Ольга Демо", "", "single_mandate", 2, "member", "", "", "Ср 16:00–18:00"),
    ("kz-71", "Сапарова Әйгерім Демо", "Respublica", "single_mandate", 3, "commission_chair", "", "", ""),
    ("kz-71", "Бейсенов Талғат Демо", "Amanat", "party_list", "", "member", "", "", ""),
    ("kz-71", "Мұхтарова Жанар Демо", "Ak Zhol", "party_list", "", "member", "", "", ""),
    ("kz-71", "Ержанов Самат Демо", "Baytaq", "party_list", "", "member", "", "", ""),
    ("kz-79", "Турсынбаев Бауыржан Демо", "Amanat", "single_mandate", 1, "chair", "", "", "Вт 10:00–12:00"),
    ("kz-79", "Әлімова Зарина Демо", "Auyl", "single_mandate", 2, "member", "", "", ""),
    ("kz-79", "Юсупов Рустам Демо", "Ak Zhol", "single_mandate", 3, "member", "", "", ""),
    ("kz-79", "Садықова Ләззат Демо", "Amanat", "party_list", "", "member", "", "", ""),
    ("kz-79", "Омаров Ильяс Демо", "QHP", "party_list", "", "member", "", "", ""),
    ("kz-19", "Жұмабеков Марат Демо", "Amanat", "single_mandate", 7, "member", "", "", "Пт 10:00–12:00, Талгар"),
    ("kz-19", "Қасымова Сәуле Демо", "Amanat", "party_list", "", "chair", "", "", ""),
    ("kz-19", "Рахимов Ержан Демо", "Auyl", "party_list", "", "member", "", "", ""),
    ("kz-19", "Ли Анна Демо", "Respublica", "party_list", "", "member", "", "", ""),
    ("kz-19-talgar", "Есенова Гаухар Демо", "Amanat", "single_mandate", 1, "chair", "", "", "Пн 15:00–17:00"),
    ("kz-19-talgar", "Байжанов Ғалым Демо", "", "single_mandate", 2, "member", "", "", ""),
]

# A seat left vacant: its deputy resigned (shown as "vacant" in the answer).
RESIGNED = ("kz-75", 5, "Мұратов Айдар Демо", "Amanat", datetime.date(2025, 9, 1))

COMMISSIONS = {
    "kz-75": [
        (
            {
                "kk": "Бюджет және экономика жөніндегі тұрақты комиссия",
                "ru": "Постоянная комиссия по бюджету и экономике",
                "en": "Standing Commission on Budget and Economy",
            },
            ["Әбілова Дана Демо", "Ким Виктор Демо", "Жақыпов Ерлан Демо"],
        ),
        (
            {
                "kk": "Қала құрылысы және инфрақұрылым жөніндегі тұрақты комиссия",
                "ru": "Постоянная комиссия по градостроительству и инфраструктуре",
                "en": "Standing Commission on Urban Planning and Infrastructure",
            },
            ["Серікбаев Нұрлан Демо", "Төлеуова Айжан Демо", "Бекова Мадина Демо", "Үлгіұлы Демо"],
        ),
    ],
    "kz-71": [
        (
            {
                "kk": "Әлеуметтік мәселелер жөніндегі тұрақты комиссия",
                "ru": "Постоянная комиссия по социальным вопросам",
                "en": "Standing Commission on Social Affairs",
            },
            ["Сапарова Әйгерім Демо", "Иванова Ольга Демо", "Мұхтарова Жанар Демо"],
        ),
    ],
    "kz-79": [
        (
            {
                "kk": "Бюджет жөніндегі тұрақты комиссия",
                "ru": "Постоянная комиссия по бюджету",
                "en": "Standing Commission on the Budget",
            },
            ["Юсупов Рустам Демо", "Садықова Ләззат Демо", "Омаров Ильяс Демо"],
        ),
    ],
}


def _box(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


# Rough shapes placed on the real streets, for trying the map and the point search.
BOUNDARIES = {
    ("kz-75", 1): {
        "type": "Polygon",
        "coordinates": [
            [
                [76.925, 43.245],
                [76.9445, 43.245],
                [76.9445, 43.262],
                [76.932, 43.265],
                [76.925, 43.258],
                [76.925, 43.245],
            ]
        ],
    },
    ("kz-75", 2): _box(76.9445, 43.225, 76.965, 43.262),
    ("kz-75", 3): _box(76.945, 43.205, 76.985, 43.225),
    ("kz-75", 4): _box(76.90, 43.225, 76.9445, 43.245),
    ("kz-71", 1): _box(71.40, 51.155, 71.45, 51.19),
    ("kz-71", 2): _box(71.39, 51.10, 71.45, 51.135),
    ("kz-79", 1): _box(69.57, 42.31, 69.60, 42.33),
    ("kz-19-talgar", 1): _box(77.22, 43.29, 77.245, 43.315),
    ("kz-19-talgar", 2): _box(77.245, 43.29, 77.27, 43.315),
    ("kz-19", 7): _box(77.22, 43.29, 77.27, 43.315),
}


def _talgar_maslikhat() -> Maslikhat:
    oblast = AdministrativeUnit.objects.get(code=TALGAR["parent"])
    unit, _created = AdministrativeUnit.objects.get_or_create(
        code=TALGAR["code"],
        defaults={
            "kind": TALGAR["kind"],
            "parent": oblast,
            "centre_kk": "Талғар",
            "centre_ru": "Талгар",
            "centre_en": "Talgar",
            **{f"name_{lang}": TALGAR["name"][lang] for lang in ("kk", "ru", "en")},
        },
    )
    maslikhat, _created = Maslikhat.objects.get_or_create(
        code=unit.code,
        defaults={
            "unit": unit,
            "level": Maslikhat.Level.DISTRICT,
            "seats": 15,
            **maslikhat_names(unit.kind, TALGAR["name"]),
        },
    )
    return maslikhat


def _rows(items, columns):
    return [
        (number, dict(zip(columns, (str(v) for v in item), strict=True))) for number, item in enumerate(items, start=2)
    ]


def seed_deputies(stdout=None) -> str:
    from deputies.imports import DEPUTY_COLUMNS, DISTRICT_COLUMNS

    _talgar_maslikhat()
    reports = [
        districts_import(DATA / "sample_districts.csv", demo=True),
        districts_import_rows(_rows(COVERAGE, DISTRICT_COLUMNS), demo=True),
        deputies_import(DATA / "sample_deputies.csv", demo=True),
        deputies_import_rows(_rows(DEPUTIES, DEPUTY_COLUMNS), demo=True),
    ]
    for report in reports:
        if report.errors:
            raise RuntimeError("demo data does not import: " + "; ".join(report.errors))

    codes = {row[0] for row in COVERAGE}
    districts = {
        (d.maslikhat.code, d.number): d
        for d in ElectoralDistrict.objects.filter(maslikhat__code__in=codes).select_related("maslikhat")
    }
    for district in districts.values():
        if not district.is_demo:
            continue
        boundary = BOUNDARIES.get((district.maslikhat.code, district.number))
        if boundary and district.boundary != boundary:
            district.boundary = boundary
            district.registered_voters = district.registered_voters or 20000 + 1000 * district.number
            district.save(update_fields=["boundary", "registered_voters"])
    boundaries_changed()

    code, number, name, party, resigned_on = RESIGNED
    Deputy.objects.get_or_create(
        maslikhat=Maslikhat.objects.get(code=code),
        full_name=name,
        defaults={
            "party": party,
            "mandate": Deputy.Mandate.SINGLE_MANDATE,
            "district": districts[(code, number)],
            "status": Deputy.Status.RESIGNED,
            "status_changed_on": resigned_on,
            "is_demo": True,
        },
    )

    for maslikhat in Maslikhat.objects.filter(code__in=codes):
        convocation, _created = Convocation.objects.get_or_create(
            maslikhat=maslikhat,
            number=8,
            defaults={**eighth_convocation_defaults(maslikhat), "ends_on": datetime.date(2028, 3, 19)},
        )
        Deputy.objects.filter(maslikhat=maslikhat, is_demo=True, convocation__isnull=True).update(
            convocation=convocation, elected_on=ELECTED_ON
        )
    Deputy.objects.filter(is_demo=True, biography_en="").update(
        biography_kk="Бұл – демо-депутат: атауы мен деректері ойдан алынған.",
        biography_ru="Это демо-депутат: имя и данные вымышлены.",
        biography_en="This is a demo deputy: the name and details are made up.",
    )

    for code, commissions in COMMISSIONS.items():
        maslikhat = Maslikhat.objects.get(code=code)
        for names, members in commissions:
            commission, _created = StandingCommission.objects.get_or_create(
                maslikhat=maslikhat, name_ru=names["ru"], defaults={"name_kk": names["kk"], "name_en": names["en"]}
            )
            for position, full_name in enumerate(members):
                deputy = Deputy.objects.filter(maslikhat=maslikhat, full_name=full_name).first()
                if deputy is not None:
                    CommissionMembership.objects.get_or_create(
                        commission=commission, deputy=deputy, defaults={"is_chair": position == 0}
                    )
    total = Deputy.objects.filter(is_demo=True).count()
    return f"{len(districts)} districts, {total} demo deputies"
