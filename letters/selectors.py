"""Reads of letters: a deputy's responsiveness, a maslikhat's table, a citizen's messages, the
staff queue, published exchanges and reception slots."""

from dataclasses import dataclass
from statistics import median

from django.db.models import (
    Count,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject
from django.utils import timezone

from deputies.models import Deputy, Maslikhat
from letters.models import Booking, LetterRules, Message, ReceptionSlot
from portal.panels import with_annotations
from portal.portable_sql import array_agg, days_before


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


def _rules_in_force(today):
    """The rules row in force, as a one-row queryset (LetterRules.objects.in_force, kept lazy so it can
    sit inside the figures' query)."""
    return LetterRules.objects.filter(effective_from__lte=today).order_by("-effective_from")[:1]


def figures_annotations(group: str, today=None, now=None) -> dict:
    """Two annotations for a queryset of deputies (`group="deputy"`) or maslikhats (`"maslikhat"`):
    `letters_rules` (the rules in force: period, minimum, unconfirmed) and `letters_figures` (the
    counted messages, those replied and the reply days of the row's messages), both JSON.

    Rules and figures ride on the query that loads the rows, so a deputy's figures, a maslikhat's
    table and the scorecard column cost no query of their own (read back with `responsiveness_of`).
    The window: messages delivered within the rules' period whose reply term has ended (a message
    still inside its term counts neither way, so a fresh message lowers no one's rate)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    rules = _rules_in_force(today)
    replied = Q(status=Message.Status.REPLIED)
    figures = (
        Message.objects.counted()
        .filter(**{group: OuterRef("pk")}, reply_due_on__lt=today)
        .filter(delivered_at__gte=days_before(Value(now), Subquery(rules.values("period_days"))))
        .order_by()
        .values(group)
        .annotate(
            json=JSONObject(
                messages=Count("pk"),
                replied=Count("pk", filter=replied),
                days=array_agg("reply_working_days", filter=replied & Q(reply_working_days__isnull=False)),
            )
        )
        .values("json")
    )
    rules_json = rules.values(
        json=JSONObject(period_days="period_days", minimum="min_messages_for_rate", unconfirmed="unconfirmed")
    )
    return {
        "letters_rules": Subquery(rules_json, output_field=JSONField()),
        "letters_figures": Subquery(figures, output_field=JSONField()),
    }


LETTERS_FIELDS = ("letters_rules", "letters_figures")


def responsiveness_of(rules: dict | None, figures: dict | None) -> Responsiveness | None:
    """The figures from the two annotations of figures_annotations(); None when no rules are in force."""
    if rules is None:
        return None
    figures = figures or {}
    messages, replied = figures.get("messages", 0), figures.get("replied", 0)
    days = figures.get("days") or []
    enough = messages >= rules["minimum"]
    return Responsiveness(
        messages=messages,
        replied=replied,
        reply_rate=round(replied / messages, 4) if enough and messages else None,
        median_reply_working_days=float(median(days)) if enough and days else None,
        period_days=rules["period_days"],
        minimum=rules["minimum"],
        unconfirmed=rules["unconfirmed"],
    )


def deputy_responsiveness(deputy: Deputy, today=None) -> Responsiveness | None:
    """One query; none when the deputy page loaded the deputy with these annotations (portal.panels)."""
    deputy = with_annotations(deputy, figures_annotations("deputy", today))
    return responsiveness_of(deputy.letters_rules, deputy.letters_figures)


def deputy_responsiveness_api(deputy: Deputy) -> dict | None:
    figures = deputy_responsiveness(deputy)
    return figures.as_api() if figures else None


def maslikhat_table(maslikhat, today=None) -> list[tuple[Deputy, Responsiveness]]:
    """The maslikhat's sitting deputies, and any former one with messages in the window, with their
    figures, best reply rate first (WriteToThem's league table). One query whatever the number of
    deputies. These are the rows behind the maslikhat's figure on the scorecard (maslikhat_responsiveness)."""
    deputies = list(
        Deputy.objects.filter(maslikhat=maslikhat)
        .annotate(**figures_annotations("deputy", today))
        .filter(Q(status=Deputy.Status.ACTIVE) | Q(letters_figures__isnull=False))
        .order_by("full_name")
    )
    table = [(d, figures) for d in deputies if (figures := responsiveness_of(d.letters_rules, d.letters_figures))]
    table.sort(key=lambda row: (row[1].reply_rate is None, -(row[1].reply_rate or 0), row[0].full_name))
    return table


def maslikhat_responsiveness(maslikhat_ids, today=None) -> dict[int, Responsiveness | None]:
    """Per maslikhat: the messages to its deputies in the window, those replied, and the reply rate
    (null under the rules' minimum), in one query whatever the number of maslikhats."""
    rows = Maslikhat.objects.filter(pk__in=list(maslikhat_ids)).annotate(**figures_annotations("maslikhat", today))
    return {pk: responsiveness_of(rules, figures) for pk, rules, figures in rows.values_list("pk", *LETTERS_FIELDS)}


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


def slot_list_upcoming(deputy: Deputy, user=None):
    """Open slots to come, with the places booked and, for a signed-in visitor, `my_booking_id` (their
    booking in the slot, if any) in the same query."""
    slots = (
        ReceptionSlot.objects.upcoming()
        .filter(deputy=deputy)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))
    )
    if getattr(user, "is_authenticated", False):
        mine = Booking.objects.active().filter(slot=OuterRef("pk"), user=user).values("pk")[:1]
        slots = slots.annotate(my_booking_id=Subquery(mine))
    return slots


def reception_day(slots_queryset, day) -> list[ReceptionSlot]:
    """The day's list for staff or a deputy: slots of the day with their bookings (people)."""
    return list(
        slots_queryset.filter(starts_at__date=day)
        .select_related("deputy")
        .prefetch_related("bookings__user")
        .order_by("starts_at")
    )
