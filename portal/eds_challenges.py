"""EDS challenges: issue the text to sign, find the one a CMS answers, consume it once.

The services of petitions and recalls call these inside their signing transaction; the subject names
what is signed (`petition:12`), so a challenge for one petition never signs another."""

import base64
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from portal import eds
from portal.models import EdsChallenge, User

KEEP_CANDIDATES = 10


def _lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "EDS_CHALLENGE_SECONDS", 600))


def eds_challenge_issue(*, user: User, subject: str, title: str, text: str) -> EdsChallenge:
    """A new challenge: a canonical text naming the subject, the SHA-256 of its text, the account and
    a nonce. Older unused challenges of the account for the subject stay valid until they expire."""
    if not eds.enabled():
        raise eds.EdsError("disabled")
    now = timezone.now()
    nonce = base64.urlsafe_b64encode(secrets.token_bytes(24)).decode().rstrip("=")
    lines = [
        "Dauys: electronic signature / электронная подпись / электрондық қолтаңба",
        f"Subject: {subject}",
        f"Title: {' '.join(title.split())[:300]}",
        f"Text SHA-256: {hashlib.sha256(text.encode()).hexdigest()}",
        f"Account: {user.pk}",
        f"Nonce: {nonce}",
        f"Issued: {now.isoformat(timespec='seconds')}",
    ]
    return EdsChallenge.objects.create(
        user=user, subject=subject, text="\n".join(lines) + "\n", created_at=now, expires_at=now + _lifetime()
    )


def challenge_bytes(challenge: EdsChallenge) -> bytes:
    return challenge.text.encode()


def eds_challenge_match(*, user: User, subject: str, cms: bytes) -> EdsChallenge:
    """The account's challenge for the subject that this CMS signs; raises EdsError `reused_challenge`
    when it matches one already used or expired, `wrong_challenge` when it matches none."""
    candidates = list(EdsChallenge.objects.filter(user=user, subject=subject).order_by("-created_at")[:KEEP_CANDIDATES])
    now = timezone.now()
    for challenge in candidates:
        if eds.cms_signs(cms, challenge_bytes(challenge)):
            if challenge.used_at is not None or challenge.expires_at <= now:
                raise eds.EdsError("reused_challenge")
            return challenge
    raise eds.EdsError("wrong_challenge")


def eds_challenge_consume(*, challenge: EdsChallenge) -> None:
    """Mark it used, once: a second consumer (a replay racing the first) gets `reused_challenge`."""
    now = timezone.now()
    updated = EdsChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if updated != 1:
        raise eds.EdsError("reused_challenge")


def eds_signature_verify(*, user: User, subject: str, cms_base64: str) -> tuple[eds.SignerIdentity, bytes]:
    """Decode, find the challenge, verify the signature and the certificate, consume the challenge.
    Call inside the signing transaction, so a refused insert gives the challenge back. Returns the
    signer and the CMS bytes (the evidence); raises EdsError."""
    if not eds.enabled():
        raise eds.EdsError("disabled")
    data = eds.decode_cms(cms_base64)
    challenge = eds_challenge_match(user=user, subject=subject, cms=data)
    identity = eds.verify_cms(data, challenge=challenge_bytes(challenge))
    eds_challenge_consume(challenge=challenge)
    return identity, data
