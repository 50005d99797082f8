"""Reads of the deputies app. `address_lookup` is the contract other apps rely on:
petitions and recalls use it to place a signer in electoral districts."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from deputies.addresses import house_in_rule, normalise, split_house, validate_address_text
from deputies.models import AddressCoverage, ElectoralDistrict


@dataclass
class AddressMatch:
    label: str
    settlement: str
    street: str
    house: str
    districts: list[ElectoralDistrict] = field(default_factory=list)  # one per maslikhat level, lowest first


@dataclass
class AddressLookup:
    matches: list[AddressMatch]
    hint: str = ""


def address_lookup(text: str) -> AddressLookup:
    """Resolve typed text to electoral districts. Raises AddressInputError on malformed input."""
    text = validate_address_text(text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return AddressLookup([], hint=_("Write the settlement, the street and the house number, e.g. “Almaty, Abai avenue 10”."))
    settlement_key = normalise(parts[0])
    street_key, house = split_house(" ".join(parts[1:]))
    rows = AddressCoverage.objects.filter(settlement_key=settlement_key, street_key=street_key).select_related(
        "district__maslikhat__unit"
    )
    districts = [row.district for row in rows if house_in_rule(house, row.houses)]
    if not districts:
        return AddressLookup([], hint=_("We could not find this address. Check the spelling or ask your maslikhat."))
    districts.sort(key=lambda d: (d.maslikhat.level != "district", d.maslikhat.code))
    first = rows[0]
    return AddressLookup(
        [AddressMatch(label=f"{first.settlement}, {first.street}, {house}", settlement=first.settlement,
                      street=first.street, house=house, districts=districts)]
    )
