"""Who may act on which message or reception slot. "Not yours" is answered like "missing": 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from deputies.access import staff_maslikhats
from letters.models import Booking, Message, ReceptionSlot


def staff_may_manage(user, maslikhat) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return staff_maslikhats(user).filter(pk=maslikhat.pk).exists()


def require_staff_of(user, maslikhat) -> None:
    """Services call this so a task, a command or the API cannot bypass the view's check."""
    if not staff_may_manage(user, maslikhat):
        raise PermissionDenied


def access_message_for_author(user, pk: int) -> Message:
    try:
        return Message.objects.select_related("deputy__maslikhat", "maslikhat").get(pk=pk, author=user)
    except Message.DoesNotExist:
        raise Http404 from None


def messages_for_staff(user):
    return Message.objects.filter(maslikhat__in=staff_maslikhats(user))


def access_message_for_staff(user, pk: int) -> Message:
    try:
        return messages_for_staff(user).select_related("deputy", "maslikhat").get(pk=pk)
    except Message.DoesNotExist:
        raise Http404 from None


def slots_for_staff(user):
    return ReceptionSlot.objects.filter(maslikhat__in=staff_maslikhats(user))


def access_slot_for_staff(user, pk: int) -> ReceptionSlot:
    try:
        return slots_for_staff(user).select_related("deputy", "maslikhat").get(pk=pk)
    except ReceptionSlot.DoesNotExist:
        raise Http404 from None


def slot_may_see_list(user, slot: ReceptionSlot) -> bool:
    """The day's list: staff of the maslikhat, and the deputy (with an account linked to them)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return staff_may_manage(user, slot.maslikhat) or slot.deputy.user_id == user.pk


def access_booking_for_user(user, pk: int) -> Booking:
    try:
        return Booking.objects.select_related("slot__deputy", "slot__maslikhat").get(pk=pk, user=user)
    except Booking.DoesNotExist:
        raise Http404 from None


def staff_maslikhats_exist(user) -> bool:
    return getattr(user, "is_authenticated", False) and staff_maslikhats(user).exists()
