"""Who may see and act on which petition. "Not yours" answers 404 like "missing"."""

from django.http import Http404

from deputies.models import Deputy
from petitions.models import Petition
from portal.access import has_role, scopes_for
from portal.models import Role


def moderation_codes(user) -> set[str] | None:
    """Maslikhat codes whose petitions the user moderates; None means all (superuser)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    return scopes_for(user, Role.STAFF) | scopes_for(user, Role.MODERATOR)


def answer_codes(user) -> set[str] | None:
    """Maslikhat codes whose petitions the user may answer (and whose delivered appeals they keep the
    record of): by law the head of the body answers, so the maslikhat's chairperson, and its staff
    on the chairperson's behalf. Other deputies see their maslikhat's petitions (`deputy_codes`) but
    do not answer them. None means all (superuser, on the chairperson's behalf)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    codes = scopes_for(user, Role.STAFF)
    chair = sitting_chair(user)
    if chair is not None:
        codes = codes | {chair.maslikhat.code}
    return codes


def sitting_chair(user) -> Deputy | None:
    """The maslikhat chairperson this account is: a sitting deputy with the role chair, linked to the
    account (Deputy.user), who also holds the deputy role for that maslikhat (or for that deputy).
    The grant is what makes the account an official, and officials must pass MFA
    (portal.access.is_official): the link alone, set in the register, would skip it."""
    deputy = sitting_deputy(user)
    if deputy is None or deputy.role != Deputy.Role.CHAIR:
        return None
    granted = scopes_for(user, Role.DEPUTY)
    if deputy.maslikhat.code in granted or f"deputy:{deputy.pk}" in granted:
        return deputy
    return None


def deputy_codes(user) -> set[str]:
    """Maslikhats whose deputy the user is (a deputy grant, or a sitting deputy linked to the
    account): they see its petitions as officials do, without acting on them."""
    codes = set(scopes_for(user, Role.DEPUTY))
    deputy = sitting_deputy(user)
    if deputy is not None:
        codes.add(deputy.maslikhat.code)
    return codes


def paper_codes(user) -> set[str] | None:
    """Maslikhat codes whose petitions' paper sheets the user enters: the maslikhat's staff only
    (least privilege: not its deputies, who answer the petition, nor content moderators)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    return scopes_for(user, Role.STAFF)


def sitting_deputy(user) -> Deputy | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault("_dauys_deputy", [])
    if not cache:
        cache.append(Deputy.objects.select_related("maslikhat").filter(user=user, status=Deputy.Status.ACTIVE).first())
    return cache[0]


def _in(codes: set[str] | None, code: str) -> bool:
    return codes is None or code in codes


def may_moderate(user, petition: Petition) -> bool:
    return _in(moderation_codes(user), petition.maslikhat.code)


def may_answer(user, petition: Petition) -> bool:
    return _in(answer_codes(user), petition.maslikhat.code)


def may_enter_paper(user, petition: Petition) -> bool:
    return _in(paper_codes(user), petition.maslikhat.code)


def is_official_of(user, petition: Petition) -> bool:
    return may_moderate(user, petition) or may_answer(user, petition) or petition.maslikhat.code in deputy_codes(user)


def may_view(user, petition: Petition, link: str = "") -> bool:
    if petition.is_listed:
        return True
    if getattr(user, "is_authenticated", False) and petition.author_id == user.pk:
        return True
    if petition.status == Petition.Status.GATHERING_SUPPORT and link and link == petition.share_token:
        return True
    return is_official_of(user, petition)


def may_view_text(user, petition: Petition) -> bool:
    """A rejected petition's text stays private (it may be what the law excludes); its title,
    category and published reason are public."""
    if petition.status != Petition.Status.REJECTED:
        return True
    return (getattr(user, "is_authenticated", False) and petition.author_id == user.pk) or is_official_of(
        user, petition
    )


def viewed_petitions():
    """What a page about one petition reads with it."""
    return Petition.objects.select_related("maslikhat", "rules", "author")


def access_petition_for_viewer(user, pk, link: str = "", queryset=None) -> Petition:
    queryset = queryset if queryset is not None else viewed_petitions()
    try:
        petition = queryset.get(pk=pk)
    except (Petition.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not may_view(user, petition, link):
        raise Http404
    return petition


def access_petition_for_moderator(user, pk) -> Petition:
    petition = access_petition_for_viewer(user, pk)
    if not may_moderate(user, petition):
        raise Http404
    return petition


def access_petition_for_answerer(user, pk) -> Petition:
    petition = access_petition_for_viewer(user, pk)
    if not may_answer(user, petition):
        raise Http404
    return petition


def access_petition_for_paper(user, pk) -> Petition:
    petition = access_petition_for_viewer(user, pk)
    if not may_enter_paper(user, petition):
        raise Http404
    return petition


def has_official_petition_role(user) -> bool:
    codes = moderation_codes(user)
    answers = answer_codes(user)
    return codes is None or answers is None or bool(codes) or bool(answers) or has_role(user, Role.MODERATOR)
