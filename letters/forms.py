from django import forms
from django.utils.translation import gettext_lazy as _

from letters.models import LANGUAGE_CHOICES, Message
from letters.services import BODY_MAX, REPLY_MAX, SUBJECT_MAX


def apply_errors(form, error) -> None:
    """A service's ValidationError onto the form: field errors to their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class WriteForm(forms.Form):
    address = forms.CharField(
        label=_("Your address"),
        max_length=200,
        help_text=_("Settlement, street and house: the deputy answers the people they represent."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Your message"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 10}))
    author_consents = forms.BooleanField(
        label=_("If the deputy agrees too, my message and the reply may be published on the deputy's page."),
        required=False,
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 10}))
    deputy_consents = forms.BooleanField(
        label=_("If the citizen agrees too, this message and my reply may be published on my page."), required=False
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowupForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Did the deputy reply?"),
        choices=[("yes", _("Yes")), ("no", _("No, not yet"))],
        widget=forms.RadioSelect,
    )
    via = forms.ChoiceField(
        label=_("How did the reply come?"),
        choices=[("", "—")] + [(v, label) for v, label in Message.ReplyVia.choices if v != Message.ReplyVia.PORTAL],
        required=False,
    )


class ForwardForm(forms.Form):
    how = forms.CharField(
        label=_("How was it passed to the deputy?"),
        max_length=300,
        help_text=_("For example: printed and handed over at the session on 12 May."),
    )


class SlotForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=None)
    first_day = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=300)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=10)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    weeks = forms.IntegerField(label=_("Repeat every week for (weeks)"), min_value=1, max_value=26, initial=1)

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies


class BookingForm(forms.Form):
    topic = forms.CharField(
        label=_("What you want to discuss (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
