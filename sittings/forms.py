"""Staff console forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sittings.models import AgendaItem, Session, SessionDocument


class SessionForm(forms.ModelForm):
    maslikhat = forms.ModelChoiceField(queryset=None, label=_("Maslikhat"))
    starts_at = forms.DateTimeField(
        label=_("Starts at (Almaty time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Session
        fields = ["number", "kind", "title_kk", "title_ru", "starts_at", "place", "broadcast_url"]

    def __init__(self, *args, maslikhats=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["maslikhat"].queryset = maslikhats
        self.order_fields(["maslikhat"])


class SessionUpdateForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at (Almaty time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Session
        fields = ["status", "title_kk", "title_ru", "starts_at", "place", "broadcast_url", "video_url"]


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title_kk", "title_ru", "kind", "rapporteur", "related_petition_id", "related_hearing_id"]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionDocument.Kind.choices)
    item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False, empty_label=_("The whole session")
    )
    file = forms.FileField(label=_("File (PDF or DOCX)"))

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            self.fields["item"].queryset = session.items.all()


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=40, required=False)
    adopted = forms.BooleanField(label=_("Adopted"), required=False)
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstained"), min_value=0, required=False)
    votes_not_voting = forms.IntegerField(label=_("Did not vote"), min_value=0, required=False)
