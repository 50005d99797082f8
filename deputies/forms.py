from django import forms
from django.utils.translation import gettext_lazy as _

from portal.access import SUPERUSER_ONLY_ROLES
from portal.models import Role, User


class RoleGrantForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=[])
    maslikhat = forms.ChoiceField(label=_("Maslikhat"), choices=[])

    def __init__(self, *args, actor, maslikhats, **kwargs):
        super().__init__(*args, **kwargs)
        roles = Role.choices if actor.is_superuser else [c for c in Role.choices if c[0] not in SUPERUSER_ONLY_ROLES]
        self.fields["role"].choices = roles
        self.fields["maslikhat"].choices = [(m.code, m.name) for m in maslikhats]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        try:
            self.cleaned_data["user"] = User.objects.get(email=email)
        except User.DoesNotExist:
            raise forms.ValidationError(
                _("No account uses this email address. Ask the person to sign up first.")
            ) from None
        return email


class DeputyForm(forms.ModelForm):
    class Meta:
        from deputies.models import Deputy

        model = Deputy
        fields = [
            "full_name",
            "party",
            "mandate",
            "district",
            "role",
            "status",
            "elected_on",
            "by_election",
            "status_changed_on",
            "email",
            "phone",
            "website",
            "reception_hours",
            "photo",
            "biography_kk",
            "biography_ru",
            "biography_en",
        ]
        widgets = {
            "elected_on": forms.DateInput(attrs={"type": "date"}),
            "status_changed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, maslikhat, **kwargs):
        super().__init__(*args, **kwargs)
        # Every generation: the new one is staffed before it takes effect; the label names the convocation.
        self.fields["district"].queryset = maslikhat.districts.select_related("convocation").order_by(
            "-convocation__number", "number"
        )
        self.fields["district"].label_from_instance = lambda d: f"№ {d.number} · {d.convocation.number}"
        self.fields["district"].help_text = _("Only for single-mandate deputies.")

    def _post_clean(self):
        # The service checks the rules (and the database the invariants); the form only parses.
        pass


class DistrictForm(forms.ModelForm):
    boundary = forms.JSONField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude, latitude (WGS 84). Optional."),
    )

    class Meta:
        from deputies.models import ElectoralDistrict

        model = ElectoralDistrict
        fields = ["number", "name_kk", "name_ru", "name_en", "registered_voters", "boundary"]

    def _post_clean(self):
        pass


class CoverageForm(forms.Form):
    settlement = forms.CharField(label=_("Settlement"), max_length=120)
    street = forms.CharField(label=_("Street or microdistrict"), max_length=200)
    houses = forms.CharField(
        label=_("Houses"),
        max_length=500,
        initial="all",
        help_text=_(
            "Comma-separated: all; a house 12, 12А, 5/1; a range 1-25; odd 1-37 or even 2-40 (also нечет/чет, тақ/жұп)."
        ),
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("districts", _("Districts and address coverage (maslikhat,district,settlement,street,houses)")),
            ("deputies", _("Deputies (maslikhat,full_name,party,mandate,district,role,email,phone,reception)")),
        ],
    )
    file = forms.FileField(label=_("CSV file (UTF-8)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
