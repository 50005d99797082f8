"""Email to a deputy. A deputy need not have an account, so this is not a portal notification:
it goes straight over SMTP, in the deputy's language, with a stable Message-ID per message and kind
(a retried send is recognisably the same mail)."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import translation

from letters.models import LetterLanguage, Message


def deputy_language(deputy) -> str:
    """The deputy's account language, the deputy's own letter language, the maslikhat's, or the site's."""
    user = deputy.user if deputy.user_id else None
    if user is not None and user.preferred_language:
        return user.preferred_language
    choice = (
        LetterLanguage.objects.filter(deputy=deputy).values_list("language", flat=True).first()
        or LetterLanguage.objects.filter(maslikhat_id=deputy.maslikhat_id).values_list("language", flat=True).first()
    )
    return choice or settings.LANGUAGE_CODE


def _message_id(message: Message, kind: str) -> str:
    domain = urlparse(settings.SITE_URL).hostname or "dauys.kz"
    return f"<dauys.letter.{message.pk}.{kind}@{domain}>"


def deputy_email(message: Message, *, kind: str, context: dict) -> EmailMultiAlternatives:
    """kind: "message" (the citizen's message with a reply link) or "reminder"."""
    language = message.language
    with translation.override(language):
        context = {"message": message, "deputy": message.deputy, "language": language, **context}
        subject = " ".join(render_to_string(f"letters/email/deputy_{kind}_subject.txt", context).split())
        text = render_to_string(f"letters/email/deputy_{kind}_message.txt", context)
        html = render_to_string(f"letters/email/deputy_{kind}_message.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[message.deputy.email],
        headers={
            "Message-ID": _message_id(message, kind),
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def send(email: EmailMultiAlternatives) -> None:
    """Raises smtplib/OSError on failure: the caller's transaction rolls back and the task retries."""
    connection = mailers.default
    connection.send_messages([email])
