"""Deputies' builders: electoral districts, deputies, the streets a district covers."""

import factory
from factory.django import DjangoModelFactory

from deputies.convocations import convocation_current
from deputies.models import AddressCoverage, Deputy, ElectoralDistrict, Maslikhat


class ElectoralDistrictFactory(DjangoModelFactory):
    class Meta:
        model = ElectoralDistrict

    maslikhat = factory.LazyFunction(lambda: Maslikhat.objects.get(code="kz-75"))
    # The generation in force today, as the staff pages and imports give it.
    convocation = factory.LazyAttribute(lambda o: convocation_current(o.maslikhat))
    number = factory.Sequence(lambda n: n + 1)
    name_ru = factory.LazyAttribute(lambda o: f"Округ № {o.number}")
    registered_voters = 30000


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    maslikhat = factory.LazyFunction(lambda: Maslikhat.objects.get(code="kz-75"))
    full_name = factory.Sequence(lambda n: f"Депутатов Депутат {n}")
    party = "Amanat"
    mandate = Deputy.Mandate.SINGLE_MANDATE
    district = factory.SubFactory(ElectoralDistrictFactory, maslikhat=factory.SelfAttribute("..maslikhat"))

    class Params:
        party_list = factory.Trait(mandate=Deputy.Mandate.PARTY_LIST, district=None)


def cover(district, settlement, street, houses="all"):
    """An address coverage row. Keys passed as the other apps' tests do; the model derives the real ones."""
    return AddressCoverage.objects.create(
        district=district,
        settlement=settlement,
        settlement_key=settlement.lower(),
        street=street,
        street_key=street.lower(),
        houses=houses,
    )
