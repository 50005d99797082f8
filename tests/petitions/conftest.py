"""Fixtures for petition tests: Almaty's maslikhat with two covered districts, an author, staff."""

import pytest

from deputies.models import AddressCoverage, Maslikhat
from petitions import services, transitions
from petitions.models import Petition
from portal.models import Role
from tests.factories import ElectoralDistrictFactory, UserFactory, grant


def ensure_reference_data():
    """A transactional test's flush empties the reference tables; the foundation on main reloads
    the map after a flush (post_migrate), this keeps these tests independent of that order."""
    from django.apps import apps

    from deputies.admin_map import load_admin_map
    from petitions.reference import load_petition_reference

    if not Maslikhat.objects.exists():
        load_admin_map(apps)
    load_petition_reference(apps)


@pytest.fixture(autouse=True)
def _reference_data(db):
    ensure_reference_data()


@pytest.fixture
def almaty(db):
    return Maslikhat.objects.select_related("unit").get(code="kz-75")


@pytest.fixture
def districts(almaty):
    """District 1 covers Abai street, district 2 Dostyk avenue (Almaty); Astana's district 1 covers
    Kenesary street (outside Almaty's territory)."""
    d1 = ElectoralDistrictFactory(maslikhat=almaty, number=1, name_ru="Округ № 1")
    d2 = ElectoralDistrictFactory(maslikhat=almaty, number=2, name_ru="Округ № 2")
    astana = ElectoralDistrictFactory(maslikhat=Maslikhat.objects.get(code="kz-71"), number=1)
    AddressCoverage.objects.create(
        district=d1, settlement="Алматы", settlement_key="алматы", street="ул. Абая", street_key="абая", houses="all"
    )
    AddressCoverage.objects.create(
        district=d2,
        settlement="Алматы",
        settlement_key="алматы",
        street="пр. Достык",
        street_key="достык",
        houses="all",
    )
    AddressCoverage.objects.create(
        district=astana,
        settlement="Астана",
        settlement_key="астана",
        street="ул. Кенесары",
        street_key="кенесары",
        houses="all",
    )
    return d1, d2, astana


@pytest.fixture
def author(db):
    return UserFactory(first_name="Айгүл", last_name="Сейтова", is_citizen=True, address="Алматы, Абая 10")


@pytest.fixture
def staff(almaty):
    person = UserFactory(mfa=True, first_name="Staff", last_name="Member")
    grant(person, Role.STAFF, "kz-75")
    return person


@pytest.fixture
def moderator(almaty):
    person = UserFactory(mfa=True)
    grant(person, Role.MODERATOR, "kz-75")
    return person


@pytest.fixture
def stranger_staff(db):
    person = UserFactory(mfa=True)
    grant(person, Role.STAFF, "kz-71")
    return person


TEXT = "Просим маслихат высадить деревья вдоль улицы и установить скамейки у остановок общественного транспорта."


@pytest.fixture
def make_petition(almaty, author, staff):
    """make_petition(stage) builds a petition through the services up to the stage."""

    def build(
        stage: str = Petition.Status.DRAFT,
        *,
        title: str = "Озеленить улицу Абая и остановки",
        maslikhat=None,
        owner=None,
    ) -> Petition:
        owner = owner or author
        petition = services.petition_create(
            author=owner, title=title, text=TEXT, maslikhat=maslikhat or almaty, topic=Petition.Topic.ENVIRONMENT
        )
        steps = [
            (Petition.Status.SUBMITTED, lambda p: services.petition_submit(petition=p, actor=owner)),
            (Petition.Status.IN_MODERATION, lambda p: services.petition_take_for_moderation(petition=p, actor=staff)),
            (Petition.Status.GATHERING_SUPPORT, lambda p: services.petition_approve(petition=p, actor=staff)),
            (
                Petition.Status.OPEN,
                lambda p: transitions.petition_transition(petition=p, to=Petition.Status.OPEN, actor=None),
            ),
            (
                Petition.Status.THRESHOLD_REACHED,
                lambda p: transitions.petition_transition(petition=p, to=Petition.Status.THRESHOLD_REACHED, actor=None),
            ),
            (Petition.Status.AWAITING_ANSWER, lambda p: services.petition_send_for_answer(petition=p, actor=None)),
            (
                Petition.Status.ANSWERED,
                lambda p: services.petition_answer(petition=p, actor=staff, text="Ответ маслихата."),
            ),
        ]
        for status, step in steps:
            if petition.status == stage:
                break
            petition = step(petition)
        petition.refresh_from_db()
        assert petition.status == stage
        return petition

    return build
