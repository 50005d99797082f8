"""Who may act on which maslikhat. Answers 404 alike for "missing" and "not yours"."""

from django.http import Http404

from deputies.models import Maslikhat
from portal.access import scopes_for
from portal.models import Role


def staff_maslikhat_codes(user) -> set[str]:
    return scopes_for(user, Role.STAFF)


def staff_maslikhats(user):
    """Maslikhats whose staff the user is (all of them for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Maslikhat.objects.all()
    return Maslikhat.objects.filter(code__in=staff_maslikhat_codes(user))


def access_maslikhat_for_staff(user, code: str) -> Maslikhat:
    try:
        return staff_maslikhats(user).get(code=code)
    except Maslikhat.DoesNotExist:
        raise Http404 from None


def commission_territory_codes(user) -> set[str]:
    return scopes_for(user, Role.COMMISSION)
