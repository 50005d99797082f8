"""Reception appointments: staff turn a deputy's reception hours into slots (weekday, time, place,
capacity, language); citizens book a place, get an .ics and a reminder, and can cancel. Capacity is
held by a row lock on the slot, like hearing registrations: concurrent bookings are counted one
after another and never overbook."""

from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from letters.access import require_staff_of
from letters.events import follow_add, notify
from letters.models import Booking, ReceptionSlot
from portal.audit import audit_record

MAX_WEEKS = 26
REMINDER_AHEAD = timedelta(hours=24)


def reception_slots_create(
    *,
    actor,
    deputy: Deputy,
    first_day: date,
    start: time,
    end: time,
    place: str,
    capacity: int,
    language: str,
    weeks: int = 1,
) -> list[ReceptionSlot]:
    """Slots on `first_day`'s weekday, every week for `weeks` weeks. A slot already there (same
    deputy and start) is left alone. Audited."""
    require_staff_of(actor, deputy.maslikhat)
    place = place.strip()
    errors = {}
    if end <= start:
        errors["end"] = [_("The reception must end after it starts.")]
    if not place:
        errors["place"] = [_("Give the place of the reception.")]
    if capacity < 1:
        errors["capacity"] = [_("At least one place.")]
    if not 1 <= weeks <= MAX_WEEKS:
        errors["weeks"] = [_("From 1 to %(count)d weeks.") % {"count": MAX_WEEKS}]
    if first_day < timezone.localdate():
        errors["first_day"] = [_("The first day cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    created = []
    with transaction.atomic():
        for week in range(weeks):
            day = first_day + timedelta(weeks=week)
            starts_at = timezone.make_aware(datetime.combine(day, start))
            slot, made = ReceptionSlot.objects.get_or_create(
                deputy=deputy,
                starts_at=starts_at,
                defaults={
                    "maslikhat_id": deputy.maslikhat_id,
                    "ends_at": timezone.make_aware(datetime.combine(day, end)),
                    "place": place,
                    "capacity": capacity,
                    "language": language,
                },
            )
            if made:
                created.append(slot)
        audit_record(
            actor=actor,
            action="reception.slots_create",
            obj=deputy,
            after={"slots": [s.pk for s in created], "place": place, "capacity": capacity},
            scope_code=deputy.maslikhat.code,
        )
    return created


def reception_slot_cancel(*, actor, slot: ReceptionSlot) -> ReceptionSlot:
    require_staff_of(actor, slot.maslikhat)
    with transaction.atomic():
        slot = ReceptionSlot.objects.select_for_update().select_related("maslikhat").get(pk=slot.pk)
        if slot.status == ReceptionSlot.Status.CANCELLED:
            return slot
        slot.status = ReceptionSlot.Status.CANCELLED
        slot.save(update_fields=["status"])
        audit_record(actor=actor, action="reception.slot_cancel", obj=slot, scope_code=slot.maslikhat.code)
        notify(
            event="reception.cancelled",
            obj=slot,
            recipients=slot.bookings.active().values_list("user_id", flat=True).iterator(),
        )
    return slot


def booking_create(*, user, slot: ReceptionSlot, topic: str = "") -> tuple[Booking, str]:
    """Book a place: ("booked" | "already"). Refused when the slot is full, past or cancelled."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to book a reception."))
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise PermissionDenied(_("Confirm your email address before booking a reception."))
    topic = topic.strip()[:1000]
    with transaction.atomic():
        slot = ReceptionSlot.objects.select_for_update().get(pk=slot.pk)
        existing = Booking.objects.active().filter(slot=slot, user=user).first()
        if existing is not None:
            return existing, "already"
        if slot.status != ReceptionSlot.Status.OPEN:
            raise ValidationError(_("This reception has been cancelled."))
        if slot.starts_at <= timezone.now():
            raise ValidationError(_("This reception has already started."))
        if Booking.objects.active().filter(slot=slot).count() >= slot.capacity:
            raise ValidationError(_("All places at this reception are taken. Choose another time."))
        booking = Booking.objects.create(slot=slot, user=user, topic=topic)
        follow_add(user=user, obj=slot.deputy)
        notify(
            event="reception.booked", obj=slot, recipients=[user.pk], key=f"reception:{slot.pk}:booking:{booking.pk}"
        )
    return booking, "booked"


def booking_cancel(*, user, booking: Booking) -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk, user=user)
        if booking.status != Booking.Status.BOOKED:
            return booking
        if booking.slot.starts_at <= timezone.now():
            raise ValidationError(_("The reception has already started; the booking can no longer be cancelled."))
        booking.status, booking.cancelled_at = Booking.Status.CANCELLED, timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
    return booking


def reception_send_reminders(*, now: datetime | None = None) -> int:
    """Remind people booked for a slot starting within 24 hours, once (the key names the slot)."""
    now = now or timezone.now()
    total = 0
    slots = ReceptionSlot.objects.filter(
        status=ReceptionSlot.Status.OPEN, starts_at__gt=now, starts_at__lte=now + REMINDER_AHEAD
    )
    for slot in slots:
        with transaction.atomic():
            total += notify(
                event="reception.reminder",
                obj=slot,
                recipients=slot.bookings.active().values_list("user_id", flat=True).iterator(),
                key=f"reception:{slot.pk}:reminder:{slot.starts_at:%Y%m%dT%H%M}",
            )
    return total
