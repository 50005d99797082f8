"""allauth adapter: emails go out in the recipient's language and under the project's name; new
users keep the language they signed up in; signing up with an email that has an account costs the
same work as a new account (no timing oracle); failed sign-ins lock an account per network, not
everywhere (so no one can lock an official out from afar), and the owner is told. Emails name the
site from settings (SITE_NAME, SITE_URL), never the sites framework's "example.com"."""

import ipaddress
import secrets
from types import SimpleNamespace
from urllib.parse import urlparse

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
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

    def send_account_already_exists_mail(self, email):
        """A new account costs one password hash (the slow part of sign-up, by design); an email that
        already has one would answer hundreds of milliseconds sooner and so tell who has an account.
        Do the same work (issue 13, finding 8)."""
        make_password(secrets.token_urlsafe(24))
        return super().send_account_already_exists_mail(email)

    # -- sign-in lockout per (account, network) -----------------------------------------------------
    @staticmethod
    def _network(request) -> str:
        from portal.middleware import client_ip

        try:
            address = ipaddress.ip_address(client_ip(request) or "")
        except ValueError:
            return "unknown"
        prefix = 24 if address.version == 4 else 48
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))

    def _get_login_attempts_cache_key(self, request, **credentials):
        """allauth locks the key after ACCOUNT_RATE_LIMITS["login_failed"] failures. Keyed by the
        account alone, anyone could lock an official out by failing five times; keyed by the account
        and the caller's network (/24, /48), only that network is locked out."""
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{login}|{self._network(request)}"

    def pre_authenticate(self, request, **credentials):
        from django.core.exceptions import ValidationError

        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            self._alert_lockout(request, credentials)
            raise

    def _alert_lockout(self, request, credentials) -> None:
        """Tell the owner, once per network and quarter of an hour, that sign-ins from there are locked."""
        from django.contrib.auth import get_user_model
        from django.core.cache import cache

        from portal.security_mail import security_mail

        login = credentials.get("email", credentials.get("username", "")).lower()
        network = self._network(request)
        if not login or not cache.add(f"login-lock-alert:{login}|{network}", 1, 900):
            return
        owner = get_user_model().objects.filter(email__iexact=login, is_active=True).first()
        if owner is not None:
            security_mail(users=[owner], template="login_locked", context={"network": network})
