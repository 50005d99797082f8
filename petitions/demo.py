"""Demo petitions for `manage.py seed_demo` (order 20, after the deputies' districts): open petitions
with tallied signatures, one in moderation, one awaiting the maslikhat's answer (so staff can try
answering), one answered, all addressed to Almaty (kz-75).

Almaty's real threshold (2% of its population) is far above demo numbers, so a demo petition meant to
have reached it gets a demo threshold equal to its signatures: the page then reads "60 of 60", in step
with its history ("threshold reached"), and carries the demo-data badge like every demo record.
Idempotent: a petition with the same demo title is left alone (apart from that threshold)."""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F

from deputies.addresses import normalise, split_house
from deputies.convocations import convocation_current
from deputies.models import AddressCoverage, ElectoralDistrict, Maslikhat
from deputies.selectors import address_lookup, maslikhat_chair
from portal.demo import demo_user
from portal.models import Role, RoleGrant, User

DEMO_SIGNERS = 180
HOME = "Алматы, пр. Абылай хана 15"
# Where demo signers live, by signer number modulo 10: streets of Almaty's demo districts
# (deputies/demo.py and its sample file), unevenly, so the map of signatures by district shows shades.
# An address the coverage does not place (a bare test database) falls back to HOME.
SIGNER_HOMES = [
    ("Алматы, пр. Абылай хана 15", 4),
    ("Алматы, пр. Абылай хана 20", 3),
    ("Алматы, пр. Достык 10", 2),
    ("Алматы, ул. Сатпаева 11", 1),
]
OPEN_TEXT = (
    "Жители микрорайонов вдоль **проспекта Абылай хана** просят маслихат предусмотреть в бюджете на следующий год:\n\n"
    "- высадку деревьев вдоль проспекта;\n- полив и уход за зелёными насаждениями;\n- скамейки в тени у остановок.\n\n"
    "Летом температура на остановках превышает 40 градусов, а деревьев почти нет."
)
DEMO_PETITIONS = [
    {
        "key": "open-trees",
        "title": "Озеленить проспект Абылай хана и остановки",
        "topic": "environment",
        "text": OPEN_TEXT,
        "signers": 150,
        "stage": "open",
    },
    {
        "key": "open-crossing",
        "title": "Жаяу жүргіншілер өткелін мектеп жанына салу",
        "topic": "safety",
        "text": "Мектеп жанындағы көшеде балалар жолды қауіпті жерден кесіп өтеді. Маслихаттан жаяу жүргіншілер өткелін "  # noqa: E501
        "және бағдаршам орнатуды қаржыландыруды сұраймыз.",
        "signers": 70,
        "stage": "open",
    },
    {
        "key": "moderation",
        "title": "Продлить работу общественного транспорта до полуночи",
        "topic": "transport",
        "text": "Просим рассмотреть продление работы автобусных маршрутов до 00:30, чтобы работники вечерних смен могли "  # noqa: E501
        "безопасно добираться домой.",
        "signers": 0,
        "stage": "moderation",
    },
    {
        "key": "awaiting",
        "title": "Жарықтандыру: Сәтбаев көшесіндегі саябаққа шамдар орнату",
        "topic": "safety",
        "text": "Сәтбаев көшесіндегі саябақ кешке қараңғы, жаяу жүргіншілерге қауіпті. Маслихаттан саябақ "
        "жолдарына шамдар орнатуды келесі жылдың бюджетіне енгізуді сұраймыз.",
        "signers": 80,
        "stage": "awaiting_answer",
    },
    {
        "key": "answered",
        "title": "Открыть детскую площадку во дворе на ул. Абая",
        "topic": "education",
        "text": "Во дворах вдоль улицы Абая нет ни одной детской площадки. Просим включить её строительство в план "
        "благоустройства района.",
        "signers": 60,
        "stage": "answered",
    },
]
ANSWER = (
    "Маслихат рассмотрел петицию на сессии. Строительство детской площадки включено в план благоустройства "
    "на следующий год; акимат района определит подрядчика до конца первого квартала."
)


DEMO_CHAIRPERSON = "Төраға Демо"  # only when the register has no chairperson for the maslikhat


def _demo_district(maslikhat: Maslikhat) -> ElectoralDistrict:
    """A district of the addressee with coverage of the demo citizen's street; the deputies seeder
    (order 10) normally provides one, this only fills the gap."""
    district = ElectoralDistrict.objects.filter(maslikhat=maslikhat).order_by("number").first()
    if district is None:
        district = ElectoralDistrict.objects.create(
            maslikhat=maslikhat,
            convocation=convocation_current(maslikhat),
            number=1,
            name_ru="Округ № 1 (демо)",
            name_kk="№ 1 округ (демо)",
            name_en="District 1 (demo)",
            is_demo=True,
        )
    for settlement, street in (("Алматы", "пр. Абылай хана"), ("Алматы", "ул. Абая")):
        street_key, _house = split_house(street + " 1")
        if not AddressCoverage.objects.filter(settlement_key=normalise(settlement), street_key=street_key).exists():
            AddressCoverage.objects.create(
                district=district,
                settlement=settlement,
                settlement_key=normalise(settlement),
                street=street,
                street_key=street_key,
                houses="all",
            )
    return district


def _district_of(address: str, maslikhat: Maslikhat) -> ElectoralDistrict | None:
    districts = {
        d for match in address_lookup(address).matches for d in match.districts if d.maslikhat_id == maslikhat.pk
    }
    return districts.pop() if len(districts) == 1 else None


def _homes(maslikhat: Maslikhat, fallback: ElectoralDistrict) -> list[tuple[str, ElectoralDistrict]]:
    """(address, district) for signer numbers 0 to 9."""
    homes = []
    for address, weight in SIGNER_HOMES:
        district = _district_of(address, maslikhat)
        homes += [(address, district) if district is not None else (HOME, fallback)] * weight
    return homes


def _signers(count: int, homes: list[tuple[str, ElectoralDistrict]]) -> list[User]:
    emails = [f"signer{i:03d}@demo.dauys.kz" for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    names = ["Айгерим", "Нурлан", "Дана", "Ерлан", "Алия", "Тимур", "Сауле", "Арман", "Гульнара", "Бауыржан"]
    surnames = [
        "Ахметова",
        "Сериков",
        "Иванова",
        "Омаров",
        "Ким",
        "Жумабаев",
        "Нуриева",
        "Петров",
        "Касымова",
        "Абенов",
    ]
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=email,
                first_name=names[i % 10],
                last_name=surnames[(i // 10) % 10],
                password=unusable,
                is_citizen=True,
                address=homes[i % len(homes)][0],
            )
            for i, email in enumerate(emails)
            if email not in existing
        ]
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


def seed_petitions(stdout=None) -> str:
    from petitions import services, transitions
    from petitions.models import Petition, Signature
    from petitions.tally import petitions_tally

    maslikhat = Maslikhat.objects.select_related("unit").get(code="kz-75")
    district = _demo_district(maslikhat)
    author = demo_user(
        "citizen@demo.dauys.kz",
        first_name="Азамат",
        last_name="Демо",
        is_citizen=True,
        address=HOME,
    )
    staff = demo_user("petitions.staff@demo.dauys.kz", first_name="Мәслихат", last_name="Аппараты")
    RoleGrant.objects.get_or_create(user=staff, role=Role.STAFF, scope_code=maslikhat.code, revoked_at=None)
    homes = _homes(maslikhat, district)
    signers = _signers(DEMO_SIGNERS, homes)
    district_at = {address: home for address, home in homes}
    created = 0
    reached = [spec["title"] for spec in DEMO_PETITIONS if spec["stage"] in ("awaiting_answer", "answered")]
    # Earlier seeds left these with the real threshold ("60 of 46000" beside "threshold reached").
    Petition.objects.filter(is_demo=True, title__in=reached, threshold__gt=F("signature_count")).update(
        threshold=F("signature_count")
    )
    for spec in DEMO_PETITIONS:
        if Petition.objects.filter(title=spec["title"], is_demo=True).exists():
            continue
        with transaction.atomic():
            petition = services.petition_create(
                author=author, title=spec["title"], text=spec["text"], maslikhat=maslikhat, topic=spec["topic"]
            )
            Petition.objects.filter(pk=petition.pk).update(is_demo=True)
            services.petition_submit(petition=petition, actor=author)
            if spec["stage"] == "moderation":
                services.petition_take_for_moderation(petition=petition, actor=staff)
                created += 1
                continue
            services.petition_approve(petition=petition, actor=staff, note="")
            if spec["stage"] in ("awaiting_answer", "answered"):
                Petition.objects.filter(pk=petition.pk).update(threshold=spec["signers"])
            Signature.objects.bulk_create(
                [
                    Signature(
                        petition=petition,
                        signer=signer,
                        district=district_at.get(signer.address, district),
                        is_resident=True,
                        address=signer.address,
                        ip_prefix="198.51.100.0/24",
                        email_domain="demo.dauys.kz",
                    )
                    for signer in signers[: spec["signers"]]
                ],
                ignore_conflicts=True,
            )
        petitions_tally()  # crosses the support gate: the petition opens (and a demo threshold is reached)
        if spec["stage"] in ("awaiting_answer", "answered"):
            petition.refresh_from_db()
            if petition.status != Petition.Status.THRESHOLD_REACHED:
                petitions_tally()  # the gate and the threshold are crossed one tally apart
                petition.refresh_from_db()
            if petition.status != Petition.Status.THRESHOLD_REACHED:
                transitions.petition_transition(petition=petition, to=Petition.Status.THRESHOLD_REACHED, actor=None)
            services.petition_send_for_answer(petition=petition, actor=None)
        if spec["stage"] == "answered":
            # Staff publish on the chairperson's behalf: the register's (the deputies' demo seeds one),
            # or a demo name when the petitions are seeded alone.
            chairperson = "" if maslikhat_chair(maslikhat) else DEMO_CHAIRPERSON
            services.petition_answer(petition=petition, actor=staff, text=ANSWER, chairperson=chairperson)
        created += 1
    return f"{created} demo petitions created, {Petition.objects.filter(is_demo=True).count()} in total"
