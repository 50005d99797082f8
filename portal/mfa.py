"""Two-factor authentication of officials: has *this session* passed MFA?

allauth keeps a log of the authentication steps of the current session (password, then "mfa" after
a TOTP or recovery code at sign-in or re-authentication). An authenticator that merely exists proves
nothing about the session: a session opened without the second factor (the old admin login, a role
granted after sign-in) must pass it before any power of the role shows. Tests:
tests/security/test_mfa_session.py."""

from allauth.account.internal.flows.login import get_authentication_records, record_authentication


def session_passed_mfa(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()


def _record_enrolment(sender, request=None, user=None, authenticator=None, **kwargs):
    """Enrolling a TOTP means typing a valid code from it: the second factor, proved in this session."""
    if request is not None and user is not None and authenticator is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def connect_signals() -> None:
    from allauth.mfa import signals

    signals.authenticator_added.connect(_record_enrolment, dispatch_uid="dauys-mfa-enrolment")
