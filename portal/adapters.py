"""allauth adapter: emails go out in the recipient's language and under the project's name; new
users keep the language they signed up in; signing up with an email that has an account costs the
same work as a new account (no timing oracle)."""

import secrets
from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import translation


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
        # allauth's templates name the site from the sites framework ("example.com" by default).
        domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
        context = {**context, "current_site": SimpleNamespace(name=settings.SITE_NAME, domain=domain)}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def send_account_already_exists_mail(self, email):
        """A new account costs one password hash (the slow part of sign-up, by design); an email that
        already has one would answer hundreds of milliseconds sooner and so tell who has an account.
        Do the same work (issue 13, finding 8)."""
        make_password(secrets.token_urlsafe(24))
        return super().send_account_already_exists_mail(email)
