from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Role, User


class RoleGrantForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=[])
    maslikhat = forms.ChoiceField(label=_("Maslikhat"), choices=[])

    def __init__(self, *args, actor, maslikhats, **kwargs):
        super().__init__(*args, **kwargs)
        roles = Role.choices if actor.is_superuser else [c for c in Role.choices if c[0] != Role.MODERATOR]
        self.fields["role"].choices = roles
        self.fields["maslikhat"].choices = [(m.code, m.name) for m in maslikhats]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        try:
            self.cleaned_data["user"] = User.objects.get(email=email)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No account uses this email address. Ask the person to sign up first.")) from None
        return email
