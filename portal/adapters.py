"""allauth adapter: emails go out in the recipient's language and name the site from settings
(SITE_NAME, SITE_URL), never the sites framework's "example.com"; new users keep the language they
signed up in."""

from types import SimpleNamespace
from urllib.parse import urlparse

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation


def user_display(user) -> str:
    """How allauth names the person to themselves ("Signed in as ..."): the full name, else the email.
    Not the public initial form ("Азамат Д."), whose own full stop doubled the sentence's."""
    return " ".join(part for part in (user.first_name, user.last_name) if part) or user.email


def current_site() -> SimpleNamespace:
    """What allauth's email templates read as `current_site`: the name and the served host[:port]."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlparse(settings.SITE_URL).netloc or settings.SITE_URL)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "kk"
        user.preferred_language = language[:2] if language[:2] in {"kk", "ru", "en"} else "kk"
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        context = {**context, "current_site": current_site()}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
