"""Account-security email: sent to the person concerned whatever their notification settings (a
role granted or revoked, an alert to every superuser). Rendered in the recipient's language from
`emails/<template>_subject.txt` and `_message.txt`, sent after the change commits; a mail-server
fault is logged and never undoes the change (the audit log holds it either way)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)


def _send(user, template: str, context: dict) -> None:
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    ctx = {"user": user, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
        body = render_to_string(f"emails/{template}_message.txt", ctx)
    EmailMessage(f"{settings.SITE_NAME}: {subject}", body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()


def security_mail(*, users, template: str, context: dict | None = None) -> None:
    """Queue one email per user for when the current transaction commits."""
    recipients = [u for u in users if u.email and u.is_active]

    def send_all():
        for user in recipients:
            try:
                _send(user, template, context or {})
            except Exception:  # noqa: BLE001 - one bad address or a mail outage must not stop the rest
                log.exception("Security email %s could not be sent to user %s", template, user.pk)

    transaction.on_commit(send_all)
