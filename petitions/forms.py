from django import forms
from django.utils.translation import gettext_lazy as _

from deputies.models import Maslikhat
from petitions.models import Petition
from petitions.selectors import consent_label, consent_refused_message, delivery_notice


class MaslikhatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PetitionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, min_length=10, help_text=_("What should the maslikhat do? One sentence.")
    )
    text = forms.CharField(
        label=_("Text"),
        min_length=50,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Plain text. You may use **bold**, *italic*, lists starting with “- ” and links [text](https://...)."
        ),
    )
    maslikhat = MaslikhatChoiceField(
        label=_("Addressed to"), queryset=Maslikhat.objects.select_related("unit").order_by("level", "name_ru")
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Petition.Topic.choices)


class SignForm(forms.Form):
    address = forms.CharField(
        label=_("Your home address"),
        max_length=200,
        help_text=_(
            "Settlement, street and house, e.g. “Almaty, Abai avenue 10”. It decides your electoral district; it is never shown."  # noqa: E501
        ),
    )
    is_citizen = forms.BooleanField(label=_("I am a citizen of the Republic of Kazakhstan"), required=True)
    # What is sent and to whom is said in the label (selectors.delivery_notice), naming the maslikhat.
    consent = forms.BooleanField(
        label=_("I agree that my full name and district will be delivered to the maslikhat with the petition."),
        required=True,
    )
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, petition: Petition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if petition is not None:
            self.fields["consent"].label = consent_label(petition)
            self.fields["consent"].help_text = delivery_notice(petition)
            self.fields["consent"].error_messages["required"] = consent_refused_message(petition)


class RejectForm(forms.Form):
    category = forms.ChoiceField(label=_("Excluded category"))
    reason = forms.CharField(label=_("Published reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)
    note = forms.CharField(
        label=_("Note to the author (not published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *categories]


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author (not published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Official answer"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("Published on the petition's page and sent to the author and every signer."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, DOCX, PNG or JPEG; up to 5 files of 10 MB each.")
    )
    chairperson = forms.CharField(
        label=_("On behalf of the chairperson"),
        max_length=200,
        help_text=_(
            "By law the head of the body answers. You publish the answer on the maslikhat chairperson's behalf: "
            "their full name is published with it."
        ),
    )
    discussion_held_on = forms.DateField(
        label=_("Public discussion held on (if one was held)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    discussion = forms.CharField(
        label=_("The public discussion: where, who took part, what was said"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    announcement_url = forms.URLField(
        label=_("Link to the announcement of the result in the media"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    def __init__(self, *args, chair=None, signs_in_person=False, **kwargs):
        """`chair`: the chairperson in the register (prefills the name); `signs_in_person`: the
        chairperson answers themselves, so there is no one to name."""
        super().__init__(*args, **kwargs)
        if signs_in_person:
            del self.fields["chairperson"]
        elif chair is not None:
            self.fields["chairperson"].initial = chair.full_name


class InvalidateForm(forms.Form):
    ip_prefix = forms.CharField(label=_("Network (/24)"), required=False, max_length=49)
    email_domain = forms.CharField(label=_("Email domain"), required=False, max_length=100)
    hours = forms.IntegerField(label=_("Signed within the last hours"), min_value=1, max_value=24 * 365, initial=24)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class RegistrationForm(forms.Form):
    number = forms.CharField(label=_("Registration number given by the maslikhat's office"), max_length=60)


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("Extend the answer term to"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason for the extension (published)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class PaperSignatureForm(forms.Form):
    """One row of a paper sheet, in the sheet's order. The service judges every field at once
    (petitions.paper.paper_signature_check), so nothing here is required: an empty field is
    reported with the others' problems, not before them."""

    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "aria-required": "true"}),
    )
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false", "aria-required": "true"}
        ),
    )
    address = forms.CharField(
        label=_("Home address"),
        required=False,
        max_length=500,
        help_text=_("As written on the sheet: settlement, street and house."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "aria-required": "true"}),
    )
    signed_on = forms.DateField(
        label=_("Date on the sheet"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date", "aria-required": "true"}, format="%Y-%m-%d"),
    )

    def focus(self) -> None:
        """Autofocus the first field with an error, else the first field: the next row is typed at once."""
        first = next((name for name in self.fields if name in self.errors), "full_name")
        self.fields[first].widget.attrs["autofocus"] = True


class PaperWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
