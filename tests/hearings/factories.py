"""Hearing builders: times in the portal's time zone, a standing commission, a hearing scheduled
through the service."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from deputies.models import StandingCommission

HEARING = {
    "hearing_type": "budget",
    "topic_kk": "Бюджет жобасы",
    "topic_ru": "Проект бюджета",
    "venue_address": "Алматы, пр. Абылай хана 91",
    "capacity": 10,
    "languages": ["kk", "ru"],
}


def local(day, hour=10, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days_ahead(days, hour=10):
    return local(timezone.localdate() + timedelta(days=days), hour)


def budget_commission(maslikhat) -> StandingCommission:
    """The maslikhat's budget commission (made on first use)."""
    commission, _created = StandingCommission.objects.get_or_create(
        maslikhat=maslikhat, name_ru="Бюджетная комиссия", defaults={"name_kk": "Бюджет комиссиясы"}
    )
    return commission


def make_hearing(actor, maslikhat, *, days: int = 30, capacity: int = 10):
    """A hearing scheduled through the service by `actor`, `days` from now, before the budget commission."""
    from hearings.services import hearing_schedule

    starts = timezone.now() + timedelta(days=days)
    return hearing_schedule(
        **{**HEARING, "capacity": capacity},
        actor=actor,
        maslikhat=maslikhat,
        commission=budget_commission(maslikhat),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
