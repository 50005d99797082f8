"""Reads of letters: a deputy's responsiveness, a maslikhat's table, a citizen's messages, the
staff queue, published exchanges and reception slots."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Count, Q
from django.utils import timezone

from deputies.models import Deputy
from letters.models import Booking, LetterRules, Message, ReceptionSlot


@dataclass
class Responsiveness:
    messages: int
    replied: int
    reply_rate: float | None
    median_reply_working_days: float | None
    period_days: int
    minimum: int
    unconfirmed: bool

    def as_api(self) -> dict:
        return {
            "messages": self.messages,
            "replied": self.replied,
            "reply_rate": self.reply_rate,
            "median_reply_working_days": self.median_reply_working_days,
            "period_days": self.period_days,
        }

    @property
    def shown(self) -> bool:
        return self.reply_rate is not None

    @property
    def percent(self) -> int | None:
        return None if self.reply_rate is None else round(self.reply_rate * 100)


def _rules(today) -> LetterRules | None:
    return LetterRules.objects.in_force(today)


def _window(rules: LetterRules, today):
    """Messages delivered within the period whose reply term has ended: a message still inside its
    term counts neither way, so a fresh message does not lower anyone's rate."""
    since = timezone.now() - timedelta(days=rules.period_days)
    return Q(delivered_at__gte=since, reply_due_on__lt=today)


def _figures(messages: int, replied: int, days: list[int], rules: LetterRules) -> Responsiveness:
    enough = messages >= rules.min_messages_for_rate
    return Responsiveness(
        messages=messages,
        replied=replied,
        reply_rate=round(replied / messages, 4) if enough and messages else None,
        median_reply_working_days=float(median(days)) if enough and days else None,
        period_days=rules.period_days,
        minimum=rules.min_messages_for_rate,
        unconfirmed=rules.unconfirmed,
    )


def deputy_responsiveness(deputy: Deputy, today=None) -> Responsiveness | None:
    today = today or timezone.localdate()
    rules = _rules(today)
    if rules is None:
        return None
    rows = list(
        Message.objects.counted()
        .filter(_window(rules, today), deputy=deputy)
        .values_list("status", "reply_working_days")
    )
    replied = [days for status, days in rows if status == Message.Status.REPLIED]
    return _figures(len(rows), len(replied), [d for d in replied if d is not None], rules)


def deputy_responsiveness_api(deputy: Deputy) -> dict | None:
    figures = deputy_responsiveness(deputy)
    return figures.as_api() if figures else None


def maslikhat_table(maslikhat, today=None) -> list[tuple[Deputy, Responsiveness]]:
    """Every sitting deputy of a maslikhat with their figures, best reply rate first (WriteToThem's
    league table); two queries whatever the number of deputies."""
    today = today or timezone.localdate()
    rules = _rules(today)
    if rules is None:
        return []
    deputies = list(Deputy.objects.filter(maslikhat=maslikhat, status=Deputy.Status.ACTIVE).order_by("full_name"))
    rows: dict[int, list] = {}
    for deputy_id, status, days in (
        Message.objects.counted()
        .filter(_window(rules, today), deputy__in=deputies)
        .values_list("deputy_id", "status", "reply_working_days")
    ):
        rows.setdefault(deputy_id, []).append((status, days))
    table = []
    for deputy in deputies:
        items = rows.get(deputy.pk, [])
        replied = [d for s, d in items if s == Message.Status.REPLIED]
        table.append((deputy, _figures(len(items), len(replied), [d for d in replied if d is not None], rules)))
    table.sort(key=lambda row: (row[1].reply_rate is None, -(row[1].reply_rate or 0), row[0].full_name))
    return table


def message_list_for_author(user):
    return Message.objects.filter(author=user).select_related("deputy", "maslikhat").order_by("-created_at")


def message_list_published(deputy: Deputy, limit: int = 10):
    return Message.objects.published().filter(deputy=deputy).order_by("-replied_at")[:limit]


def staff_queue(maslikhats) -> dict:
    base = Message.objects.filter(maslikhat__in=maslikhats).select_related("deputy", "maslikhat")
    return {
        "to_forward": base.filter(status=Message.Status.STAFF_QUEUE).order_by("created_at"),
        "reported": base.filter(moderation=Message.Moderation.REPORTED).order_by("created_at"),
        "to_publish": base.filter(publication=Message.Publication.PENDING).order_by("replied_at"),
    }


def slot_list_upcoming(deputy: Deputy):
    return (
        ReceptionSlot.objects.upcoming()
        .filter(deputy=deputy)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))
    )


def bookings_of_user_for(user, slots) -> dict[int, Booking]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return {b.slot_id: b for b in Booking.objects.active().filter(user=user, slot__in=slots)}


def reception_day(slots_queryset, day) -> list[ReceptionSlot]:
    """The day's list for staff or a deputy: slots of the day with their bookings (people)."""
    return list(
        slots_queryset.filter(starts_at__date=day)
        .select_related("deputy")
        .prefetch_related("bookings__user")
        .order_by("starts_at")
    )
