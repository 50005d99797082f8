"""Who may see and do what with a recall request. "Not yours" answers 404 like "missing"."""

from django.http import Http404

from portal.access import has_role, scopes_for
from portal.models import Role
from recalls.models import RecallRequest


def access_recall_for_viewer(pk) -> RecallRequest:
    """The public recall page: every stage is reachable by its link (lists show registered ones)."""
    try:
        return RecallRequest.objects.with_related().get(pk=pk)
    except (RecallRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_commission_for(user, recall: RecallRequest) -> bool:
    """The election commission for the recall's territory: a COMMISSION grant on the maslikhat's code.
    Superusers are deliberately not included: full IINs are for the verifying commission only."""
    return has_role(user, Role.COMMISSION, recall.maslikhat.code)


def commission_scopes(user) -> set[str]:
    return scopes_for(user, Role.COMMISSION)


def access_recall_for_commission(user, pk) -> RecallRequest:
    recall = access_recall_for_viewer(pk)
    if not is_commission_for(user, recall):
        raise Http404
    return recall


def is_deputy_user(user, deputy) -> bool:
    """The deputy in person: the account linked to the Deputy row, or a DEPUTY role granted on the
    scope `deputy:<id>` (a maslikhat-wide DEPUTY grant does not say which deputy the user is)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if deputy.user_id is not None and deputy.user_id == user.pk:
        return True
    return has_role(user, Role.DEPUTY, f"deputy:{deputy.pk}")


def access_recall_for_deputy(user, pk) -> RecallRequest:
    recall = access_recall_for_viewer(pk)
    if not is_deputy_user(user, recall.deputy):
        raise Http404
    return recall


def is_initiator(user, recall: RecallRequest) -> bool:
    return getattr(user, "is_authenticated", False) and recall.initiator_id == user.pk
