"""Builders shared by the recall tests (plain functions, no fixtures, so nothing is shared with the
petitions tests by accident)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from deputies.models import AddressCoverage
from portal.iin import make_iin
from portal.models import Role
from recalls import services
from recalls.models import RecallRequest
from tests.factories import DeputyFactory, ElectoralDistrictFactory, UserFactory, grant

TODAY = date(2025, 6, 2)  # a Monday, well inside the 8th convocation's recall window
NOW = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))
ADDRESS = "Алматы, Абая 10"
GROUNDS = "Депутат сайлауалды бағдарламасын орындамады: мектеп салынбады, аулалар абаттандырылмады, кездесу өтпеді."


def iins(count: int, *, born: date = date(1988, 4, 12), start: int = 1) -> list[str]:
    """Distinct checksum-valid IINs generated at run time."""
    found: list[str] = []
    serial = start
    while len(found) < count:
        iin = make_iin(born, serial=serial)
        if iin not in found:
            found.append(iin)
        serial = int(iin[7:11]) + 1
    return found


def smd_deputy(*, voters: int = 300, street: str = "Абая", elected_on: date = date(2023, 3, 19), **kwargs):
    district = ElectoralDistrictFactory(registered_voters=voters)
    AddressCoverage.objects.create(
        district=district,
        settlement="Алматы",
        settlement_key="алматы",
        street=f"ул. {street}",
        street_key=street.casefold(),
        houses="all",
    )
    return DeputyFactory(district=district, maslikhat=district.maslikhat, elected_on=elected_on, **kwargs)


def commission_member(scope: str = "kz-75"):
    user = UserFactory(mfa=True)
    grant(user, Role.COMMISSION, scope)
    return user


def address_for(deputy_or_district) -> str:
    """A house address inside the deputy's (or district's) coverage."""
    district = getattr(deputy_or_district, "district", deputy_or_district)
    return f"Алматы, {district.coverage.first().street_key} 10"


def forming_recall(deputy, *, members: int = 10, today: date = TODAY, iin_start: int = 5000):
    """A recall whose group has `members` members (initiator included)."""
    numbers = iins(members, start=iin_start, born=date(1979, 9, 9))
    address = address_for(deputy)
    initiator = UserFactory()
    recall = services.recall_start(
        user=initiator,
        deputy=deputy,
        full_name="Бастамашы Б.",
        iin=numbers[0],
        address=address,
        ground=RecallRequest.Ground.PROGRAMME_UNFULFILLED,
        grounds=GROUNDS,
        today=today,
    )
    for number in numbers[1:]:
        services.recall_join(
            user=UserFactory(), recall=recall, full_name="Мүше М.", iin=number, address=address, today=today
        )
    recall.refresh_from_db()
    return recall


def collecting_recall(deputy, commission, *, days: int = 40, today: date = TODAY, **kwargs):
    recall = forming_recall(deputy, today=today, **kwargs)
    services.recall_submit_group(actor=recall.initiator, recall=recall, today=today)
    services.recall_register(actor=commission, recall=recall, collection_working_days=days, today=today)
    recall.refresh_from_db()
    return recall


def sign_many(recall, count: int, *, today: date = TODAY, start: int = 1):
    signatures = []
    address = address_for(recall.district)
    for number in iins(count, start=start):
        signature, _created = services.recall_sign(
            user=UserFactory(), recall=recall, iin=number, address=address, today=today
        )
        signatures.append(signature)
    return signatures


def ensure_reference_data() -> None:
    """Transactional tests start from a flushed database: put back what migrations load (the
    administrative map and the first recall rules row)."""
    from django.apps import apps

    from deputies.admin_map import load_admin_map
    from deputies.models import Maslikhat
    from recalls.reference import load_recall_rules

    if not Maslikhat.objects.filter(code="kz-75").exists():
        load_admin_map(apps)
    load_recall_rules(apps)
