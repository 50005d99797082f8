from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language", "address", "is_citizen"]
        help_texts = {
            "first_name": _("Shown publicly with the initial of your surname when you sign."),
            "address": _("Used to find your electoral district when you sign. Never shown publicly."),
        }


# The code from the authenticator app has one label wherever it is asked for (allauth says "Code" when
# signing in and "Authenticator code" when enrolling): settings.MFA_FORMS.
TOTP_CODE_LABEL = _("Code from your authenticator app")


class TOTPActivateForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = TOTP_CODE_LABEL


class MFAAuthenticateForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = TOTP_CODE_LABEL


class MFAReauthenticateForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = TOTP_CODE_LABEL
