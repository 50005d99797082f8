"""Links that work without an account: the deputy's reply link and the citizen's "did you get a
reply?" answers. Both are signed (Django's signing with their own salts); the reply link also names
a ReplyLink row, so it is single-use and revocable, and it expires after the rules' period."""

import secrets
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from letters.models import Message, ReplyLink
from notifications.emails import absolute

REPLY_SALT = "dauys.letters.reply"
FOLLOWUP_SALT = "dauys.letters.followup"


class LinkError(Exception):
    """A link that is malformed, expired, revoked or already used; `reason` says which."""

    def __init__(self, reason: str, message: Message | None = None):
        super().__init__(reason)
        self.reason = reason
        self.message = message


def reply_link_issue(message: Message) -> str:
    """A new reply token for the message; an older live link is revoked. Call inside a transaction."""
    now = timezone.now()
    ReplyLink.objects.filter(message=message, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    link = ReplyLink.objects.create(message=message, nonce=secrets.token_urlsafe(16)[:32], created_at=now)
    return signing.TimestampSigner(salt=REPLY_SALT).sign(f"{message.pk}.{link.nonce}")


def reply_url(token: str, language: str) -> str:
    with translation.override(language):
        return absolute(reverse("letters:reply", kwargs={"token": token}))


def reply_link_read(token: str, *, max_age_days: int) -> ReplyLink:
    """The live ReplyLink a token names. Raises LinkError("invalid" | "expired" | "revoked" | "used")."""
    try:
        value = signing.TimestampSigner(salt=REPLY_SALT).unsign(token, max_age=timedelta(days=max_age_days))
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    message_id, _dot, nonce = value.partition(".")
    link = ReplyLink.objects.select_related("message__deputy", "message__maslikhat").filter(nonce=nonce).first()
    if link is None or str(link.message_id) != message_id:
        raise LinkError("invalid")
    if link.used_at is not None:
        raise LinkError("used", link.message)
    if link.revoked_at is not None:
        raise LinkError("revoked", link.message)
    return link


def followup_token(message: Message) -> str:
    return signing.dumps({"m": message.pk}, salt=FOLLOWUP_SALT)


def followup_read(token: str) -> int | None:
    """The message id of a follow-up link (no expiry: a late answer still counts), or None."""
    try:
        return int(signing.loads(token, salt=FOLLOWUP_SALT)["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def followup_urls(message: Message) -> dict:
    token = followup_token(message)
    url = absolute(reverse("letters:followup", kwargs={"token": token}))
    return {"url": url, "yes": f"{url}?answer=yes", "no": f"{url}?answer=no"}
