"""Forms of the recall pages. They only shape input; the services decide."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from recalls.models import RecallRequest


class IINInput(forms.TextInput):
    """Digits on a phone keypad; never autofilled or remembered by the browser."""

    def __init__(self, attrs=None):
        base = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "14",
            "spellcheck": "false",
            "pattern": "[0-9 \\-]*",
        }
        super().__init__({**base, **(attrs or {})})


def iin_field() -> forms.CharField:
    return forms.CharField(
        label=_("IIN"),
        max_length=14,
        widget=IINInput(),
        help_text=_(
            "Your 12-digit individual identification number. It is stored encrypted, shown only to the "
            "election commission that verifies the signatures, and deleted after the procedure."
        ),
    )


def address_field() -> forms.CharField:
    return forms.CharField(
        label=_("Home address"),
        max_length=200,
        help_text=_(
            "Settlement, street and house, e.g. “Almaty, Abai avenue 10”. It must be in the deputy's district."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


def voter_confirmation() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I am a citizen of Kazakhstan, at least 18 years old, and a voter of this district."), required=True
    )


class RecallStartForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    iin = iin_field()
    address = address_field()
    ground = forms.ChoiceField(label=_("Ground for the recall"), choices=RecallRequest.Ground.choices)
    grounds = forms.CharField(
        label=_("Statement of grounds"),
        max_length=5000,
        widget=forms.Textarea,
        help_text=_(
            "Explain why the voters have lost confidence in the deputy, e.g. which promises of the election "
            "programme were not kept. At least 50 characters. This text is public."
        ),
    )
    confirm = voter_confirmation()


class RecallJoinForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    iin = iin_field()
    address = address_field()
    confirm = voter_confirmation()


class RecallSignForm(forms.Form):
    iin = iin_field()
    address = address_field()
    confirm = voter_confirmation()


class RecallReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Published beside the recall request."),
    )


class RecallWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the group withdraws (public)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecallRegisterForm(forms.Form):
    collection_working_days = forms.IntegerField(label=_("Collection period (working days)"), min_value=1)

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rules is not None:
            field = self.fields["collection_working_days"]
            field.max_value = rules.collection_working_days
            field.initial = rules.collection_working_days
            field.widget.attrs["max"] = rules.collection_working_days
            field.validators.append(MaxValueValidator(rules.collection_working_days))


class RecallRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal (public)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RecallVoteForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the vote"), widget=forms.DateInput(attrs={"type": "date"}))
    voters = forms.IntegerField(label=_("Voters on the list"), min_value=1)
    turnout = forms.IntegerField(label=_("Voters who took part"), min_value=0)
    votes_for = forms.IntegerField(label=_("Votes for the recall"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against the recall"), min_value=0)
