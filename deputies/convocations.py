"""Which convocation a deputy, a district or an import belongs to. The electoral system is the
convocation's: a maslikhat elected in single-mandate districts only in one convocation and by the
mixed system in the next answers differently for each (a party-list deputy exists only in the
second)."""

from datetime import date

from django.utils import timezone

from deputies.models import CURRENT_CONVOCATION, CURRENT_CONVOCATION_ELECTED_ON, Convocation, Maslikhat


def eighth_convocation_defaults(maslikhat: Maslikhat) -> dict:
    """Every maslikhat's 8th convocation was elected on 19 March 2023 under the tier's system."""
    return {
        "elected_on": CURRENT_CONVOCATION_ELECTED_ON,
        "electoral_system": maslikhat.tier_electoral_system,
        "seats": maslikhat.seats,
    }


def convocation_on(maslikhat: Maslikhat, on: date) -> Convocation | None:
    """The maslikhat's convocation in force on a day: the latest elected on or before it. Where none
    is recorded for a day from 19 March 2023, the 8th is recorded (every maslikhat's was elected that
    day); an earlier day with no convocation recorded has none (None): its system is not known."""
    found = Convocation.objects.in_force(on).filter(maslikhat=maslikhat).first()
    if found is not None or on < CURRENT_CONVOCATION_ELECTED_ON:
        return found
    eighth, _created = Convocation.objects.get_or_create(
        maslikhat=maslikhat, number=CURRENT_CONVOCATION, defaults=eighth_convocation_defaults(maslikhat)
    )
    return eighth if eighth.elected_on <= on else None


def convocation_current(maslikhat: Maslikhat) -> Convocation:
    """The maslikhat's convocation in force today; the 8th when none is (recorded where missing)."""
    current = convocation_on(maslikhat, timezone.localdate())
    if current is not None:
        return current
    eighth, _created = Convocation.objects.get_or_create(
        maslikhat=maslikhat, number=CURRENT_CONVOCATION, defaults=eighth_convocation_defaults(maslikhat)
    )
    return eighth
