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
