"""Petition builders: petitions are made through the services, stage by stage, as people would."""

from deputies.models import AddressCoverage
from petitions import services, transitions
from petitions.models import Petition
from tests.deputies.factories import ElectoralDistrictFactory

TEXT = "Просим маслихат высадить деревья вдоль улицы и установить скамейки у остановок общественного транспорта."
TITLE = "Озеленить улицу Абая и остановки"


def petition_districts(almaty, astana):
    """District 1 covers Abai street, district 2 Dostyk avenue (Almaty); Astana's district 1 covers
    Kenesary street (outside Almaty's territory)."""
    d1 = ElectoralDistrictFactory(maslikhat=almaty, number=1, name_ru="Округ № 1")
    d2 = ElectoralDistrictFactory(maslikhat=almaty, number=2, name_ru="Округ № 2")
    outside = ElectoralDistrictFactory(maslikhat=astana, number=1)
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
        district=outside,
        settlement="Астана",
        settlement_key="астана",
        street="ул. Кенесары",
        street_key="кенесары",
        houses="all",
    )
    return d1, d2, outside


# The maslikhat chairperson on whose behalf staff publish an answer in tests (no chair in the register).
CHAIRPERSON = "Төрағаева Айжан Серікқызы"


def petition_at(stage: str = Petition.Status.DRAFT, *, author, staff, maslikhat, title: str = TITLE) -> Petition:
    """A petition by `author` in `maslikhat`, taken through the services up to `stage` (`staff`
    moderates and answers)."""
    petition = services.petition_create(
        author=author, title=title, text=TEXT, maslikhat=maslikhat, topic=Petition.Topic.ENVIRONMENT
    )
    steps = [
        (Petition.Status.SUBMITTED, lambda p: services.petition_submit(petition=p, actor=author)),
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
            lambda p: services.petition_answer(
                petition=p, actor=staff, text="Ответ маслихата.", chairperson=CHAIRPERSON
            ),
        ),
    ]
    for status, step in steps:
        if petition.status == stage:
            break
        petition = step(petition)
    petition.refresh_from_db()
    assert petition.status == stage
    return petition
