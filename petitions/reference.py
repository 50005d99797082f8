"""Reference data of petitions: the law's numbers as the first rules version, and the population of
the tier-1 units. Loaded by a data migration and again after a database is emptied (post_migrate,
e.g. a test's flush). Idempotent: existing rules and known populations are left alone, so staff's
edits in the admin survive."""

import datetime
from decimal import Decimal

LEGAL_REFERENCE = (
    "Law of the Republic of Kazakhstan of 2 October 2023 on amendments concerning petitions "
    "(Administrative Procedural Code, chapter on petitions); official petitions portal since 4 April 2024"
)
EFFECTIVE_FROM = datetime.date(2024, 4, 4)
UNCONFIRMED = (
    "Confirmed: moderation 20 working days; 50 early supporters within 10 working days; 2% of the "
    "population for oblast and city maslikhats; 5,000 for district maslikhats over 50,000 people; "
    "17 excluded topic categories. Unconfirmed: the threshold for smaller districts (10% of the "
    "population in the 2022 draft), the collection period (6 months in the draft), and whether the "
    "20-day answer deadline counts working or calendar days."
)

# The 17 categories a petition may not concern, summarised from the law; edit the wording in the
# admin when the official text is checked.
EXCLUDED_CATEGORIES = [
    {
        "code": "constitutional_order",
        "en": "Changing the constitutional order",
        "ru": "Изменение конституционного строя",
        "kk": "Конституциялық құрылысты өзгерту",
    },
    {
        "code": "territorial_integrity",
        "en": "Territorial integrity and state borders",
        "ru": "Территориальная целостность и государственная граница",
        "kk": "Аумақтық тұтастық және мемлекеттік шекара",
    },
    {
        "code": "administrative_structure",
        "en": "Administrative-territorial structure",
        "ru": "Административно-территориальное устройство",
        "kk": "Әкімшілік-аумақтық құрылыс",
    },
    {"code": "form_of_government", "en": "Form of government", "ru": "Форма правления", "kk": "Басқару нысаны"},
    {
        "code": "state_language",
        "en": "Status of the state language and other languages",
        "ru": "Статус государственного и других языков",
        "kk": "Мемлекеттік тіл мен басқа тілдердің мәртебесі",
    },
    {
        "code": "elections_referendums",
        "en": "Elections and referendums",
        "ru": "Выборы и референдумы",
        "kk": "Сайлау және референдумдар",
    },
    {
        "code": "courts",
        "en": "Courts and the administration of justice",
        "ru": "Суды и отправление правосудия",
        "kk": "Соттар және сот төрелігі",
    },
    {
        "code": "prosecution",
        "en": "Prosecutors, criminal prosecution and investigations",
        "ru": "Прокуратура, уголовное преследование и расследования",
        "kk": "Прокуратура, қылмыстық қудалау және тергеу",
    },
    {
        "code": "national_security",
        "en": "National security and defence",
        "ru": "Национальная безопасность и оборона",
        "kk": "Ұлттық қауіпсіздік және қорғаныс",
    },
    {
        "code": "president",
        "en": "Status and powers of the President",
        "ru": "Статус и полномочия Президента",
        "kk": "Президенттің мәртебесі мен өкілеттіктері",
    },
    {
        "code": "parliament",
        "en": "Status and powers of Parliament and its deputies",
        "ru": "Статус и полномочия Парламента и его депутатов",
        "kk": "Парламент пен оның депутаттарының мәртебесі мен өкілеттіктері",
    },
    {
        "code": "amnesty_pardon",
        "en": "Amnesty and pardon",
        "ru": "Амнистия и помилование",
        "kk": "Рақымшылық және кешірім жасау",
    },
    {
        "code": "discord",
        "en": "Incitement of social, racial, national, religious, class or clan discord",
        "ru": "Разжигание социальной, расовой, национальной, религиозной, сословной или родовой розни",
        "kk": "Әлеуметтік, нәсілдік, ұлттық, діни, тектік-топтық немесе рулық араздықты қоздыру",
    },
    {
        "code": "violence_extremism",
        "en": "Calls for violence, extremism or terrorism",
        "ru": "Призывы к насилию, экстремизму или терроризму",
        "kk": "Зорлық-зомбылыққа, экстремизмге немесе терроризмге шақыру",
    },
    {
        "code": "private_life",
        "en": "The private life or personal data of individuals",
        "ru": "Частная жизнь и персональные данные граждан",
        "kk": "Азаматтардың жеке өмірі және дербес деректері",
    },
    {
        "code": "foreign_policy",
        "en": "International treaties and foreign policy",
        "ru": "Международные договоры и внешняя политика",
        "kk": "Халықаралық шарттар және сыртқы саясат",
    },
    {
        "code": "outside_competence",
        "en": "Matters outside the addressee's competence or already decided by a court",
        "ru": "Вопросы вне компетенции адресата или уже решённые судом",
        "kk": "Адресаттың құзыретінен тыс немесе сот шешкен мәселелер",
    },
]

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
        Route.objects.create(
            maslikhat=None,
            route="appeal",
            legal_reference=ROUTE_LEGAL_REFERENCE,
            effective_from=ROUTE_EFFECTIVE_FROM,
            answer_working_days=15,
            extended_working_days=30,
            answer_term_unconfirmed=True,
            official_portal_url="https://epetition.kz/",
            notes=ROUTE_NOTES,
        )


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
