"""Who may act on which session: staff of its maslikhat (every maslikhat for a superuser). Answers
404 alike for "missing" and "not yours"."""

from django.http import Http404

from deputies.access import staff_maslikhats
from sittings.models import Session


def staff_sessions(user):
    return Session.objects.filter(maslikhat__in=staff_maslikhats(user))


def access_session_for_staff(user, pk: int) -> Session:
    try:
        return staff_sessions(user).select_related("maslikhat").get(pk=pk)
    except Session.DoesNotExist:
        raise Http404 from None
