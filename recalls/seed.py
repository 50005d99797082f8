"""Demo data for `manage.py seed_demo` (order 25): a recall collecting signatures against a demo
single-mandate deputy of Almaty, with an initiative group and a few signatures. IINs are generated
here, at seed time, from random demo birth dates (never the documented test numbers)."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from deputies.addresses import house_in_rule
from deputies.convocations import convocation_current
from deputies.models import AddressCoverage, Deputy, ElectoralDistrict, Maslikhat
from deputies.selectors import address_lookup
from portal.crypto import keyed_hash
from portal.demo import demo_user
from portal.iin import make_iin
from portal.models import Role, RoleGrant
from portal.workdays import add_working_days
from recalls.models import RecallGroupMember, RecallHistory, RecallRequest
from recalls.rules import rules_in_force, signature_threshold
from recalls.services import recall_sign

DEMO_STREETS = [("ул. Байзакова", "байзакова"), ("ул. Шарипова", "шарипова"), ("ул. Муканова", "муканова")]


def _demo_iin(rng: random.Random) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    return make_iin(born, female=rng.random() < 0.5, serial=rng.randrange(1, 9000))


def _address_in(district) -> str | None:
    """A house address that the address lookup places in this district, if its coverage has one."""
    for row in district.coverage.all()[:5]:
        for number in range(1, 300):
            if house_in_rule(str(number), row.houses):
                text = f"{row.settlement}, {row.street} {number}"
                lookup = address_lookup(text)
                if any(d.pk == district.pk for m in lookup.matches for d in m.districts):
                    return text
                break
    return None


def _demo_deputy():
    almaty = Maslikhat.objects.get(code="kz-75")
    candidates = (
        Deputy.objects.filter(
            maslikhat=almaty, mandate="single_mandate", status="active", is_demo=True, district__coverage__isnull=False
        )
        .select_related("district")
        .distinct()
        .order_by("pk")
    )
    for deputy in candidates:
        if not RecallRequest.objects.open().filter(deputy=deputy).exists():
            address = _address_in(deputy.district)
            if address:
                if not deputy.district.registered_voters:
                    deputy.district.registered_voters = 24000
                    deputy.district.save(update_fields=["registered_voters"])
                return deputy, address
    number = max(ElectoralDistrict.objects.filter(maslikhat=almaty).values_list("number", flat=True), default=0) + 1
    district = ElectoralDistrict.objects.create(
        maslikhat=almaty,
        convocation=convocation_current(almaty),
        number=number,
        name_kk=f"№ {number} демо сайлау округі",
        name_ru=f"Демо-округ № {number}",
        name_en=f"Demo district No. {number}",
        registered_voters=24000,
        is_demo=True,
    )
    street, key = next(
        (
            (s, k)
            for s, k in DEMO_STREETS
            if not AddressCoverage.objects.filter(settlement_key="алматы", street_key=k).exists()
        ),
        DEMO_STREETS[0],
    )
    AddressCoverage.objects.create(
        district=district, settlement="Алматы", settlement_key="алматы", street=street, street_key=key, houses="all"
    )
    deputy = Deputy.objects.create(
        maslikhat=almaty,
        full_name="Демо Депутат Қайтарылатын",
        party="",
        mandate="single_mandate",
        district=district,
        elected_on=date(2023, 3, 19),
        is_demo=True,
    )
    return deputy, f"Алматы, {street} 12"


def seed_recalls(stdout=None) -> str:
    if RecallRequest.objects.filter(is_demo=True).exists():
        return "demo recall already present"
    today = timezone.localdate()
    rules = rules_in_force(today)
    if rules is None:
        return "no recall rules in force: skipped"
    rng = random.Random()  # noqa: S311 - demo data, not security
    with transaction.atomic():
        deputy, address = _demo_deputy()
        commission = demo_user("commission@demo.dauys.kz", first_name="Комиссия", last_name="Демо")
        if not RoleGrant.objects.active().filter(user=commission, role=Role.COMMISSION, scope_code="kz-75").exists():
            RoleGrant.objects.create(user=commission, role=Role.COMMISSION, scope_code="kz-75")
        members = [
            demo_user(
                f"recall-group-{n}@demo.dauys.kz",
                first_name="Бастамашы",
                last_name=f"Демо{n}",
                is_citizen=True,
                address=address,
            )
            for n in range(1, rules.min_group_size + 1)
        ]
        voters = deputy.district.registered_voters
        registered_on = today - timedelta(days=7)
        recall = RecallRequest.objects.create(
            deputy=deputy,
            district=deputy.district,
            maslikhat=deputy.maslikhat,
            rules=rules,
            initiator=members[0],
            status=RecallRequest.Status.COLLECTING,
            ground=RecallRequest.Ground.PROGRAMME_UNFULFILLED,
            grounds=(
                "Демо: сайлауалды бағдарламадағы аулаларды абаттандыру және мектеп салу туралы уәделер "
                "орындалмады, депутат сайлаушылармен кездесулер өткізбеді."
            ),
            group_size=len(members),
            submitted_at=timezone.now() - timedelta(days=12),
            group_due_on=add_working_days(today - timedelta(days=20), rules.group_forming_working_days),
            registration_due_on=add_working_days(today - timedelta(days=12), rules.registration_review_working_days),
            registered_on=registered_on,
            registered_voters=voters,
            signature_threshold=signature_threshold(voters, rules),
            collection_ends_on=add_working_days(registered_on, rules.collection_working_days),
            is_demo=True,
        )
        for index, user in enumerate(members):
            iin = _demo_iin(rng)
            RecallGroupMember.objects.create(
                recall=recall,
                user=user,
                full_name=f"{user.last_name} {user.first_name}",
                iin=iin,
                iin_hash=keyed_hash(iin),
                address=address,
                is_initiator=index == 0,
            )
        for from_status, to_status, days_ago, actor in [
            ("", "group_forming", 20, members[0]),
            ("group_forming", "registration_review", 12, members[0]),
            ("registration_review", "collecting", 7, commission),
        ]:
            RecallHistory.objects.create(
                recall=recall,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                created_at=timezone.now() - timedelta(days=days_ago),
            )
    signed = 0
    for n in range(1, 6):
        signer = demo_user(
            f"recall-signer-{n}@demo.dauys.kz",
            first_name="Сайлаушы",
            last_name=f"Демо{n}",
            is_citizen=True,
            address=address,
        )
        recall_sign(user=signer, recall=recall, iin=_demo_iin(rng), address=address, today=today)
        signed += 1
    return f"demo recall #{recall.pk} against {deputy.full_name}: collecting, {signed} signatures"
