"""The signer card: what a signature needs of its signer, kept in the session at sign-in, so that the
sign endpoint does not read the user row (and the user's roles) on every request.

Django authenticates a signed-in request by reading the user row and comparing the session's hash
with the current password's; the officials' MFA requirement then reads the user's roles. For a
signature that is two database round trips before the one that matters, the INSERT. The card moves
both checks into the INSERT: the signature row is written only if the user row still is what the
card says (same id, active, not a superuser, no active role, the same email, address and
citizenship, and the same password: a fingerprint of its hash), in the same statement as the row
itself (petitions.signing). So what the card trusts is checked against the database at the moment
of writing, not against a copy:

- a changed password (the other sessions must end), a deactivated account, a role granted since
  sign-in (officials must pass MFA), a changed address or email: the INSERT writes nothing, and
  the request goes the ordinary way (Django's authentication, the MFA requirement, the user row),
  which also renews the card;
- a session without a card (signed in before the card existed, or an official) goes the ordinary
  way as well.

The card holds the account's email and address, as the user row does; it lives and dies with the
session (signing out, deleting the account: docs/performance.md)."""

import hashlib

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY

from portal.models import RoleGrant, User

CARD_SESSION_KEY = "_dauys_signer"


def password_fingerprint(password: str) -> str:
    """The card's trace of the password hash: SHA-256 hex of the stored hash (itself salted and
    slow), compared with the same function of the user row in SQL (PASSWORD_FINGERPRINT_SQL)."""
    return hashlib.sha256(password.encode()).hexdigest()


def card_for(user, *, official: bool | None = None) -> dict | None:
    """The card of a signed-in user, or None for those who always go the ordinary way: officials
    (the MFA requirement), inactive accounts. `official`: already known (else read)."""
    from portal.access import is_official

    if not user.is_active or (is_official(user) if official is None else official):
        return None
    return {
        "id": user.pk,
        "email": user.email,
        "address": user.address,
        "is_citizen": bool(user.is_citizen),
        "password": password_fingerprint(user.password),
    }


def remember(request, user) -> None:
    """Put the user's card in the session (or take a stale one out); on sign-in, and when the sign
    endpoint went the ordinary way."""
    session = getattr(request, "session", None)
    if session is None:
        return
    card = card_for(user)
    if card is None:
        session.pop(CARD_SESSION_KEY, None)
    elif session.get(CARD_SESSION_KEY) != card:
        session[CARD_SESSION_KEY] = card


def on_login(sender, request=None, user=None, **kwargs) -> None:
    if request is not None and user is not None:
        remember(request, user)


class CardSigner:
    """The signer as the card describes them, for petitions.signing; `condition()` is what the
    INSERT checks against the user row."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, card: dict):
        self.pk = self.id = card["id"]
        self.email = card["email"]
        self.address = card["address"]
        self.is_citizen = card["is_citizen"]
        self._password = card["password"]

    def condition(self) -> tuple[str, list]:
        """SQL (for a WHERE clause) true when the user row is still what the card says."""
        user, grant = User._meta.db_table, RoleGrant._meta.db_table
        # Any role grant not revoked makes an official: a stricter reading than RoleGrant.active()
        # could only send more signers the ordinary way.
        return (
            f"EXISTS (SELECT 1 FROM {user} u WHERE u.id = %s AND u.is_active AND NOT u.is_superuser "  # noqa: S608
            "AND u.email = %s AND u.address = %s AND u.is_citizen = %s "
            "AND encode(sha256(convert_to(u.password, 'UTF8')), 'hex') = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {grant} g WHERE g.user_id = u.id AND g.revoked_at IS NULL))",
            [self.pk, self.email, self.address, self.is_citizen, self._password],
        )


def session_signer(request) -> CardSigner | None:
    """The signer of a session that carries a card for its signed-in user; None otherwise (and on
    any database but PostgreSQL, whose sha256() the check uses)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    session = request.session
    card = session.get(CARD_SESSION_KEY)
    if not card or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    if str(session.get(SESSION_KEY)) != str(card.get("id")):
        return None
    return CardSigner(card)
