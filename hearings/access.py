"""Who may act on which hearing. "Not yours" is answered like "missing": 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from deputies.access import staff_maslikhats
from hearings.models import Hearing, Question


def staff_may_manage(user, maslikhat) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return staff_maslikhats(user).filter(pk=maslikhat.pk).exists()


def require_staff_of(user, maslikhat) -> None:
    """Services call this so a task, a command or the API cannot bypass the view's check."""
    if not staff_may_manage(user, maslikhat):
        raise PermissionDenied


def hearings_for_staff(user):
    return Hearing.objects.filter(maslikhat__in=staff_maslikhats(user))


def access_hearing_for_staff(user, pk: int) -> Hearing:
    try:
        return hearings_for_staff(user).select_related("maslikhat", "commission").get(pk=pk)
    except Hearing.DoesNotExist:
        raise Http404 from None


def access_question_for_staff(user, pk: int) -> Question:
    try:
        return Question.objects.select_related("hearing__maslikhat").get(
            pk=pk, hearing__maslikhat__in=staff_maslikhats(user)
        )
    except Question.DoesNotExist:
        raise Http404 from None
