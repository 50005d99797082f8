"""Reference data of petitions: the law's numbers as the first rules version, and the population of
the tier-1 units. Loaded by a data migration and again after a database is emptied (post_migrate,
e.g. a test's flush). Idempotent: existing rules and known populations are left alone, so staff's
edits in the admin survive."""

import datetime
from decimal import Decimal

from django.utils import timezone

LEGAL_REFERENCE = (
    "Law of the Republic of Kazakhstan of 2 October 2023 on amendments concerning petitions "
    "(Administrative Procedural Code, chapter on petitions); official petitions portal since 4 April 2024"
)
EFFECTIVE_FROM = datetime.date(2024, 4, 4)
UNCONFIRMED = (
    "Confirmed: moderation 20 working days; 50 early supporters within 10 working days; 2% of the "
    "population for oblast and city maslikhats; 5,000 for district maslikhats over 50,000 people. "
    "Unconfirmed: the threshold for smaller districts (10% of the population in the 2022 draft), the "
    "collection period (6 months in the draft), and whether the 20-day answer deadline counts working or "
    "calendar days. The excluded topics are listed as the press reports the Code (17 points), each with "
    "its source; none is checked against the Code's text, and those no source names are marked unconfirmed."
)

# Where each excluded topic is reported. The Code's text (Law of 2 October 2023, chapter on petitions)
# was not available to check; these are the public statements that name the topics.
SOURCE_SENATE = (
    "Senate plenary of 21 Sep 2023, the law presented by senator R. Rustemov (zakon.kz; politic.kz citing nur.kz)"
)
SOURCE_KADYROV = "Vice-minister of culture and information D. Kadyrov, 3 Nov 2023 (mtrk.kz)"
SOURCE_VLAST = "Vice-minister D. Kadyrov on the law's 17 points, as reported by Vlast (eurasiatoday.ru, 2023)"
SOURCE_APPOINTMENTS = (
    "Vice-minister D. Kadyrov in the Senate, 21 Sep 2023 (KazTAG via kaspi-info.com; Bizmedia.kz): posts "
    "within the remit of the President, both chambers of Parliament and the Government"
)
SOURCE_MINDIGITAL = (
    "Ministry of Digital Development's instruction for the official portal, April 2024 (nur-news.net): no "
    "resignation of akims and ministers, no interference in the work of the Interior Ministry, no change "
    "of the functions of state bodies"
)
CATEGORIES_REFERENCE = "Administrative Procedural Code, chapter on petitions (Law of 2 October 2023)"
NO_SOURCE = (
    "No source names it among the petitions law's excluded topics; kept as a ground of Dauys's own moderation "
    "(incitement and calls to violence are offences under the Criminal Code; articles not checked)"
)


def _category(code: str, en: str, ru: str, kk: str, *sources: str, unconfirmed: bool = False) -> dict:
    return {
        "code": code,
        "en": en,
        "ru": ru,
        "kk": kk,
        "reference": CATEGORIES_REFERENCE,
        "source": "; ".join(sources),
        "unconfirmed": unconfirmed,
    }


# The topics a petition may not concern: the 17 the press reports from the Code, each with where it
# is reported; then the grounds no source names (marked unconfirmed). Codes kept from the first
# version where the meaning is the same, so the rejected petitions' categories still read.
EXCLUDED_CATEGORIES = [
    _category(
        "constitutional_order",
        "Changing the constitutional order",
        "Изменение конституционного строя",
        "Конституциялық құрылысты өзгерту",
        SOURCE_VLAST,
    ),
    _category(
        "form_of_government",
        "Changing the form of government",
        "Изменение формы правления",
        "Басқару нысанын өзгерту",
        SOURCE_SENATE,
        SOURCE_KADYROV,
    ),
    _category(
        "administrative_structure",
        "Changing the administrative-territorial structure",
        "Изменение административно-территориального устройства",
        "Әкімшілік-аумақтық құрылысты өзгерту",
        SOURCE_SENATE,
        SOURCE_KADYROV,
        SOURCE_VLAST,
    ),
    _category(
        "state_border",
        "The state border",
        "Государственная граница",
        "Мемлекеттік шекара",
        SOURCE_SENATE,
        SOURCE_KADYROV,
        SOURCE_VLAST,
    ),
    _category(
        "state_language",
        "Language questions: the state language and other languages",
        "Языковые вопросы: государственный и другие языки",
        "Тіл мәселелері: мемлекеттік тіл және басқа тілдер",
        SOURCE_VLAST,
    ),
    _category(
        "elections_referendums",
        "Elections and referendums",
        "Выборы и референдумы",
        "Сайлау және референдумдар",
        SOURCE_VLAST,
    ),
    _category(
        "courts",
        "Justice and the courts",
        "Правосудие и судебная система",
        "Сот төрелігі және сот жүйесі",
        SOURCE_SENATE,
        SOURCE_KADYROV,
        SOURCE_VLAST,
    ),
    _category(
        "prosecution",
        "The activity of the prosecutor's office",
        "Деятельность прокуратуры",
        "Прокуратураның қызметі",
        SOURCE_VLAST,
    ),
    _category(
        "national_security",
        "National security",
        "Национальная безопасность",
        "Ұлттық қауіпсіздік",
        SOURCE_SENATE,
        SOURCE_KADYROV,
    ),
    _category(
        "special_services",
        "The activity of the special state bodies",
        "Деятельность специальных государственных органов",
        "Арнаулы мемлекеттік органдардың қызметі",
        SOURCE_VLAST,
    ),
    _category(
        "state_secrets",
        "State secrets",
        "Государственные секреты",
        "Мемлекеттік құпиялар",
        SOURCE_VLAST,
    ),
    _category(
        "president",
        "The powers of the President",
        "Полномочия Президента",
        "Президенттің өкілеттіктері",
        SOURCE_VLAST,
    ),
    _category(
        "parliament",
        "The chambers of Parliament and their powers",
        "Палаты Парламента и их полномочия",
        "Парламент палаталары және олардың өкілеттіктері",
        SOURCE_VLAST,
    ),
    _category("amnesty", "Amnesty", "Амнистия", "Рақымшылық", SOURCE_SENATE, SOURCE_KADYROV),
    _category(
        "appointments",
        "Appointment to and dismissal from posts within the remit of the President, Parliament and the "
        "Government (so no petition to dismiss an akim or a minister)",
        "Назначение на должности и освобождение от должностей, отнесённых к ведению Президента, Парламента и "
        "Правительства (поэтому нельзя требовать отставки акима или министра)",
        "Президенттің, Парламенттің және Үкіметтің қарауындағы лауазымдарға тағайындау және лауазымнан босату "
        "(сондықтан әкімді немесе министрді қызметтен босатуды талап етуге болмайды)",
        SOURCE_APPOINTMENTS,
        SOURCE_MINDIGITAL,
    ),
    _category(
        "law_enforcement",
        "The activity of law-enforcement bodies",
        "Деятельность правоохранительных органов",
        "Құқық қорғау органдарының қызметі",
        SOURCE_MINDIGITAL,
    ),
    _category(
        "state_body_functions",
        "Changing the functions of state bodies",
        "Изменение функций государственных органов",
        "Мемлекеттік органдардың функцияларын өзгерту",
        SOURCE_MINDIGITAL,
    ),
    _category(
        "discord",
        "Incitement of social, racial, national, religious, class or clan discord",
        "Разжигание социальной, расовой, национальной, религиозной, сословной или родовой розни",
        "Әлеуметтік, нәсілдік, ұлттық, діни, тектік-топтық немесе рулық араздықты қоздыру",
        NO_SOURCE,
        unconfirmed=True,
    ),
    _category(
        "violence_extremism",
        "Calls for violence, extremism or terrorism",
        "Призывы к насилию, экстремизму или терроризму",
        "Зорлық-зомбылыққа, экстремизмге немесе терроризмге шақыру",
        NO_SOURCE,
        unconfirmed=True,
    ),
]
REPORTED_CATEGORY_COUNT = 17  # the number of points the law has, as reported (SOURCE_VLAST)

# The categories of the first version that no source names: a rules row that still lists them
# (unedited) gets a corrected version (correct_petition_reference).
FIRST_VERSION_CODES = frozenset(
    {
        "constitutional_order",
        "territorial_integrity",
        "administrative_structure",
        "form_of_government",
        "state_language",
        "elections_referendums",
        "courts",
        "prosecution",
        "national_security",
        "president",
        "parliament",
        "amnesty_pardon",
        "discord",
        "violence_extremism",
        "private_life",
        "foreign_policy",
        "outside_competence",
    }
)

# Population estimates, 1 January 2025 (Bureau of National Statistics, rounded). Operators update
# them in the admin; a threshold is fixed at publication from the figure then.
POPULATION_AS_OF = datetime.date(2025, 1, 1)
POPULATIONS = {
    "kz-10": 604_000,
    "kz-11": 786_000,
    "kz-15": 939_000,
    "kz-19": 1_535_000,
    "kz-23": 703_000,
    "kz-27": 690_000,
    "kz-31": 1_222_000,
    "kz-33": 699_000,
    "kz-35": 1_135_000,
    "kz-39": 829_000,
    "kz-43": 843_000,
    "kz-47": 791_000,
    "kz-55": 748_000,
    "kz-59": 532_000,
    "kz-61": 2_144_000,
    "kz-62": 221_000,
    "kz-63": 714_000,
    "kz-71": 1_500_000,
    "kz-75": 2_300_000,
    "kz-79": 1_250_000,
}


ROUTE_LEGAL_REFERENCE = (
    "Administrative Procedural Code of the Republic of Kazakhstan of 29 June 2020 No. 350-VI: appeals of "
    "individuals (collective appeals) to administrative bodies and the term for considering them"
)
ROUTE_EFFECTIVE_FROM = datetime.date(2021, 7, 1)
OFFICIAL_PORTAL_URL = "https://epetition.kz/"
OFFICIAL_PORTAL_SOURCE = (
    "Named as the official petitions portal, opened on 4 April 2024, in press reports of the Ministry of Digital "
    "Development's instruction (nur-news.net, halyq-news.com, kyzylorda-news.kz, 5 April 2024; digitalrights.asia, "
    "12 April 2024). The law names no address; not checked against an official government page."
)
ROUTE_NOTES = (
    "Default route for every maslikhat: a petition that reaches its threshold is delivered as a collective "
    "appeal of its signers. Unconfirmed until checked against the Code's text: the answer term of 15 working "
    "days and its single extension, with a reason, to 30 working days. The duty of the petitions law (Law of "
    "2 October 2023) attaches only to petitions on the official petitions portal signed with an eGov digital "
    "signature; Dauys does not claim it."
)


def load_petition_route(apps) -> None:
    """The default route (no maslikhat): appeal, with its answer term marked unconfirmed."""
    try:
        Route = apps.get_model("petitions", "PetitionRoute")
    except LookupError:
        return
    if not Route.objects.filter(maslikhat__isnull=True).exists():
        values = {
            "maslikhat": None,
            "route": "appeal",
            "legal_reference": ROUTE_LEGAL_REFERENCE,
            "effective_from": ROUTE_EFFECTIVE_FROM,
            "answer_working_days": 15,
            "extended_working_days": 30,
            "answer_term_unconfirmed": True,
            "official_portal_url": OFFICIAL_PORTAL_URL,
            "official_portal_source": OFFICIAL_PORTAL_SOURCE,
            "official_portal_unconfirmed": True,
            "notes": ROUTE_NOTES,
        }
        # A migration's historical model may predate some fields (the portal's source came later).
        known = {f.name for f in Route._meta.get_fields()}
        Route.objects.create(**{name: value for name, value in values.items() if name in known})


def load_petition_reference(apps) -> None:
    """`apps` is a model registry: a migration's historical one or the global one."""
    try:
        Rules = apps.get_model("petitions", "PetitionRules")
        Unit = apps.get_model("deputies", "AdministrativeUnit")
    except LookupError:
        return
    common = {
        "legal_reference": LEGAL_REFERENCE,
        "effective_from": EFFECTIVE_FROM,
        "notes": UNCONFIRMED,
        "moderation_working_days": 20,
        "support_gate_signatures": 50,
        "support_gate_working_days": 10,
        "collection_months": 6,
        "collection_unconfirmed": True,
        "answer_days": 20,
        "answer_days_working": True,
        "answer_unconfirmed": True,
        "excluded_categories": EXCLUDED_CATEGORIES,
    }
    rows = [
        {
            "level": "regional",
            "population_over": None,
            "threshold_kind": "percent",
            "threshold_percent": Decimal("2.00"),
            "threshold_unconfirmed": False,
        },
        {
            "level": "district",
            "population_over": 50_000,
            "threshold_kind": "fixed",
            "threshold_fixed": 5000,
            "threshold_unconfirmed": False,
        },
        {
            "level": "district",
            "population_over": None,
            "threshold_kind": "percent",
            "threshold_percent": Decimal("10.00"),
            "threshold_unconfirmed": True,
        },
    ]
    if not Rules.objects.exists():
        Rules.objects.bulk_create([Rules(**common, **row) for row in rows])
    load_petition_route(apps)
    for code, population in POPULATIONS.items():
        Unit.objects.filter(code=code, population__isnull=True).update(
            population=population, population_as_of=POPULATION_AS_OF
        )
    correct_petition_reference(apps)


def correct_petition_reference(apps) -> None:
    """The corrections of issue 14, for installs made with the first version (a data migration runs
    it; idempotent). For each rules row in force (per level and population bracket) whose excluded
    topics are still the first version's, a new version with the same figures and the rewritten
    topics (a new row: petitions decided under the old one keep their categories' labels), keeping
    any topic staff added. The default route's portal address gets its source and stays unconfirmed."""
    try:
        Rules = apps.get_model("petitions", "PetitionRules")
        Route = apps.get_model("petitions", "PetitionRoute")
    except LookupError:
        return
    newest = {}
    for row in Rules.objects.order_by("-effective_from", "-pk"):
        newest.setdefault((row.level, row.population_over), row)
    shipped = {c["code"] for c in EXCLUDED_CATEGORIES}
    for row in newest.values():
        codes = {c.get("code") for c in row.excluded_categories or []}
        if shipped <= codes or not codes & FIRST_VERSION_CODES:
            continue  # already corrected, or a list of staff's own
        added_by_staff = [c for c in row.excluded_categories if c.get("code") not in FIRST_VERSION_CODES | shipped]
        row.pk = None
        row.excluded_categories = [*EXCLUDED_CATEGORIES, *added_by_staff]
        row.notes = UNCONFIRMED
        row.created_at = timezone.now()
        row.save()
    if "official_portal_source" in {f.name for f in Route._meta.get_fields()}:
        Route.objects.filter(official_portal_url=OFFICIAL_PORTAL_URL, official_portal_source="").update(
            official_portal_source=OFFICIAL_PORTAL_SOURCE, official_portal_unconfirmed=True
        )
