"""The notification settings form: one control per topic and channel, and each kind of news on its own.

Each topic (the event types of one app: petitions, hearings...) has one control per channel (inbox,
email, and Telegram when a chat is linked); below it, in a disclosure, every event type keeps its own
row with the same channels (the per-event Telegram column among them). A topic's control applies to
every kind in it when the person changed it; left as shown, the rows below decide. A topic whose
kinds differ shows "Each kind as set below", which changes nothing."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference
from notifications.registry import Topic

Mode = NotificationPreference.Email
KEEP = ""  # the topic's control left on "each kind as set below"


def email_choices() -> list[tuple[str, str]]:
    """Email modes, the default first."""
    return [
        (Mode.AUTO, Mode.AUTO.label),
        (Mode.IMMEDIATE, Mode.IMMEDIATE.label),
        (Mode.DAILY, Mode.DAILY.label),
        (Mode.WEEKLY, Mode.WEEKLY.label),
        (Mode.OFF, Mode.OFF.label),
    ]


def telegram_choices() -> list[tuple[str, str]]:
    return [
        (Mode.OFF, _("Not in Telegram")),
        (Mode.IMMEDIATE, _("At once")),
        (Mode.DAILY, _("Daily digest")),
        (Mode.WEEKLY, _("Weekly digest")),
    ]


def inbox_choices() -> list[tuple[str, str]]:
    return [("on", _("Shown in the inbox")), ("off", _("Not in the inbox"))]


def _labelled(channel, what):
    """ "By email: A petition was answered": the field's name in the error summary and for screen readers."""
    return format_lazy("{}: {}", channel, what)


class PreferencesForm(forms.Form):
    def __init__(self, *args, topics: list[Topic], current: dict, telegram: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        self.telegram = telegram  # the person has a linked chat: a Telegram control and column
        self.topic_initial: dict[str, str] = {}
        for topic in topics:
            values: dict[str, set] = {"in_app": set(), "email": set(), "telegram": set()}
            for event in topic.events:
                pref = current.get(event.key)
                in_app = pref.in_app if pref else True
                email = (pref.email if pref else Mode.AUTO) if event.email else Mode.OFF
                self.fields[f"in_app:{event.key}"] = forms.BooleanField(
                    required=False, label=_labelled(_("In the inbox"), event.label), initial=in_app
                )
                self.fields[f"email:{event.key}"] = forms.ChoiceField(
                    choices=email_choices() if event.email else [(Mode.OFF, Mode.OFF.label)],
                    label=_labelled(_("By email"), event.label),
                    initial=email,
                )
                values["in_app"].add("on" if in_app else "off")
                if event.email:
                    values["email"].add(email)
                if telegram and event.email:
                    mode = pref.telegram if pref else Mode.OFF
                    self.fields[f"telegram:{event.key}"] = forms.ChoiceField(
                        choices=telegram_choices(), label=_labelled(_("In Telegram"), event.label), initial=mode
                    )
                    values["telegram"].add(mode)
            channels = [("in_app", inbox_choices(), _("In the inbox"))]
            if values["email"]:
                channels.append(("email", email_choices(), _("By email")))
            if values["telegram"]:
                channels.append(("telegram", telegram_choices(), _("In Telegram")))
            for channel, choices, label in channels:
                name = f"topic_{channel}:{topic.key}"
                # One value shared by every kind of the topic shows as the topic's; otherwise "keep".
                initial = next(iter(values[channel])) if len(values[channel]) == 1 else KEEP
                self.topic_initial[name] = initial
                field = forms.ChoiceField(
                    choices=[(KEEP, _("Each kind as set below")), *choices],
                    label=_labelled(label, topic.label),
                    initial=initial,
                    required=False,
                )
                field.channel_label = label  # shown; the topic is the group's heading
                self.fields[name] = field

    def groups(self) -> list[dict]:
        """What the template draws: per topic its controls and its rows."""
        groups = []
        for topic in self.topics:
            controls = [
                self[f"topic_{channel}:{topic.key}"]
                for channel in ("in_app", "email", "telegram")
                if f"topic_{channel}:{topic.key}" in self.fields
            ]
            rows = [
                {
                    "event": event,
                    "in_app": self[f"in_app:{event.key}"],
                    "email": self[f"email:{event.key}"],
                    "telegram": self[f"telegram:{event.key}"] if f"telegram:{event.key}" in self.fields else None,
                }
                for event in topic.events
            ]
            # A kind with an error opens its disclosure, so the error summary's link lands on it.
            has_errors = any(bool(cell.errors) for row in rows for cell in row.values() if hasattr(cell, "errors"))
            groups.append({"topic": topic, "controls": controls, "rows": rows, "open": has_errors})
        return groups

    def _topic_choice(self, channel: str, topic: Topic) -> str:
        """The topic's control when the person changed it (it then applies to every kind), else KEEP."""
        name = f"topic_{channel}:{topic.key}"
        if name not in self.fields:
            return KEEP
        value = self.cleaned_data.get(name) or KEEP
        return KEEP if value == self.topic_initial[name] else value

    def choices(self) -> dict[str, tuple[bool, str]]:
        """{event key: (in inbox, email mode)} for services.preferences_save."""
        result = {}
        for topic in self.topics:
            in_app, email = self._topic_choice("in_app", topic), self._topic_choice("email", topic)
            for event in topic.events:
                shown = self.cleaned_data[f"in_app:{event.key}"] if in_app == KEEP else in_app == "on"
                mode = self.cleaned_data[f"email:{event.key}"]
                if email != KEEP and event.email:
                    mode = email
                result[event.key] = (shown, mode)
        return result

    def telegram_modes(self) -> dict[str, str]:
        """{event key: Telegram mode} for the kinds with a Telegram field."""
        result = {}
        for topic in self.topics:
            chosen = self._topic_choice("telegram", topic)
            for event in topic.events:
                name = f"telegram:{event.key}"
                if name in self.fields:
                    result[event.key] = chosen if chosen != KEEP else self.cleaned_data[name]
        return result
