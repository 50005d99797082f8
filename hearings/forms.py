from django import forms
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy, Maslikhat, StandingCommission
from hearings.models import LANGUAGE_CHOICES, HearingType, Question
from portal.dates import validate_date_in_range

DATETIME_WIDGET = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format=DATETIME_FORMAT),
    )


class _ByMaslikhat:
    """Options carry their maslikhat (data-maslikhat), so static/js/staff-pickers.js can show only the
    chosen maslikhat's commissions and deputies."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-maslikhat"] = str(instance.maslikhat_id)
        return option


class MaslikhatSelect(_ByMaslikhat, forms.Select):
    pass


class MaslikhatSelectMultiple(_ByMaslikhat, forms.SelectMultiple):
    pass


class CommissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.maslikhat.name}"


class DeputyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} · {obj.maslikhat.name}"


class HearingScheduleForm(forms.Form):
    maslikhat = forms.ModelChoiceField(label=_("Maslikhat"), queryset=Maslikhat.objects.none())
    commission = CommissionChoiceField(
        label=_("Organising standing commission"), queryset=StandingCommission.objects.none(), widget=MaslikhatSelect
    )
    hearing_type = forms.ChoiceField(label=_("Type"), choices=HearingType.choices)
    topic_kk = forms.CharField(label=_("Topic in Kazakh"), max_length=300, required=False)
    topic_ru = forms.CharField(label=_("Topic in Russian"), max_length=300, required=False)
    topic_en = forms.CharField(label=_("Topic in English"), max_length=300, required=False)
    description_kk = forms.CharField(
        label=_("Description in Kazakh"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_ru = forms.CharField(
        label=_("Description in Russian"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the hearing"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_at = _datetime_field(_("Starts at"), help_text=_("Local time (Asia/Almaty)."))
    ends_at = _datetime_field(_("Ends at"))
    registration_deadline = _datetime_field(
        _("Registration closes at"), required=False, help_text=_("Empty: registration stays open until the start.")
    )
    venue_address = forms.CharField(label=_("Venue address"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity (seats)"), min_value=1, required=False, help_text=_("Empty: no limit (online only).")
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Step-free access, sign language interpretation, hearing loop…"),
    )
    broadcast_url = forms.URLField(label=_("Online broadcast link"), required=False, assume_scheme="https")
    deputies = DeputyChoiceField(
        label=_("Related deputies"), queryset=Deputy.objects.none(), required=False, widget=MaslikhatSelectMultiple
    )
    related_petition_id = forms.IntegerField(label=_("Related petition number"), min_value=1, required=False)
    related_petition_url = forms.URLField(label=_("Related petition link"), required=False, assume_scheme="https")
    related_petition_title = forms.CharField(label=_("Related petition title"), max_length=300, required=False)
    agenda = forms.FileField(
        label=_("Agenda (PDF)"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    def __init__(self, *args, maslikhats=None, confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        maslikhats = maslikhats if maslikhats is not None else Maslikhat.objects.none()
        self.fields["maslikhat"].queryset = maslikhats
        # Pickers filtered by the chosen maslikhat: on the server once one is chosen (or the person has
        # only one), in the browser as soon as it changes (static/js/staff-pickers.js).
        chosen = maslikhats
        picked = (self.data.get("maslikhat") if self.data else None) or self.initial.get("maslikhat")
        if picked and str(picked).isdigit() and maslikhats.filter(pk=picked).exists():
            chosen = maslikhats.filter(pk=picked)
        self.fields["commission"].queryset = StandingCommission.objects.filter(maslikhat__in=chosen).select_related(
            "maslikhat"
        )
        self.fields["deputies"].queryset = Deputy.objects.filter(
            maslikhat__in=chosen, status=Deputy.Status.ACTIVE
        ).select_related("maslikhat")
        if confirm or (self.data and self.data.get("confirm_same_day")):
            self.fields["confirm_same_day"] = forms.BooleanField(
                label=_("I know the commission has another hearing that day; schedule this one too"), required=False
            )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        agenda = data.pop("agenda", None)
        data["agenda_documents"] = [agenda] if agenda else []
        data["confirm_same_day"] = bool(data.get("confirm_same_day"))
        data["deputies"] = list(data["deputies"])
        return data


class DetailsForm(forms.Form):
    """What staff may correct without postponing (hearings.services.hearing_update_details)."""

    topic_kk = HearingScheduleForm.base_fields["topic_kk"]
    topic_ru = HearingScheduleForm.base_fields["topic_ru"]
    topic_en = HearingScheduleForm.base_fields["topic_en"]
    description_kk = HearingScheduleForm.base_fields["description_kk"]
    description_ru = HearingScheduleForm.base_fields["description_ru"]
    description_en = HearingScheduleForm.base_fields["description_en"]
    languages = HearingScheduleForm.base_fields["languages"]
    capacity = HearingScheduleForm.base_fields["capacity"]
    accessibility_notes = HearingScheduleForm.base_fields["accessibility_notes"]
    broadcast_url = HearingScheduleForm.base_fields["broadcast_url"]
    related_petition_id = HearingScheduleForm.base_fields["related_petition_id"]
    related_petition_url = HearingScheduleForm.base_fields["related_petition_url"]
    related_petition_title = HearingScheduleForm.base_fields["related_petition_title"]

    @classmethod
    def initial_for(cls, hearing) -> dict:
        return {name: getattr(hearing, name) for name in cls.base_fields}


class PostponeForm(forms.Form):
    starts_at = _datetime_field(_("New start"))
    ends_at = _datetime_field(_("New end"))
    registration_deadline = _datetime_field(_("Registration closes at"), required=False)
    reason = forms.CharField(label=_("Reason (registrants will read it)"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (registrants will read it)"), widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(forms.Form):
    minutes_text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
    decisions = forms.CharField(
        label=_("Decisions and recommendations"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    video_url = forms.URLField(label=_("Video recording link"), required=False, assume_scheme="https")
    minutes_file = forms.FileField(
        label=_("Minutes as PDF"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(label=_("File (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ModerateForm(forms.Form):
    status = forms.ChoiceField(choices=Question.Status.choices)
    answer = forms.CharField(required=False, max_length=4000)


class HearingFilterForm(forms.Form):
    maslikhat = forms.ModelChoiceField(
        label=_("Maslikhat"),
        queryset=Maslikhat.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All maslikhats"),
    )
    type = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *HearingType.choices], required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
