"""System checks of the notification registries (notifications/registry.py): an event type without
its email templates, an event whose object model is not installed, a followable label that names no
model. Each fails at start; before, the first two failed one email at a time at send time and the
last was silently dropped from the follow form."""

from django.apps import apps
from django.core import checks
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

from notifications.registry import event_types, followable_labels

EMAIL_PARTS = ("subject.txt", "message.txt", "message.html")


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def email_template_names(template: str) -> list[str]:
    return [f"emails/{template}_{part}" for part in EMAIL_PARTS]


@checks.register(checks.Tags.templates)
def check_event_templates(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for key, event in sorted(event_types().items()):
        if not event.email:
            continue
        for name in email_template_names(event.template):
            try:
                get_template(name)
            except TemplateDoesNotExist:
                problem = "does not exist"
            except TemplateSyntaxError as error:
                problem = f"does not compile ({error})"
            else:
                continue
            errors.append(
                checks.Error(
                    f"The notification event {key!r} sends email, but its template {name!r} {problem}.",
                    hint="Add the template, use template='notification' (the generic email), or email=False.",
                    obj=key,
                    id="notifications.E001",
                )
            )
    return errors


@checks.register()
def check_event_models(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"The notification event {key!r} names the model {event.model!r}, which is not installed.",
            hint="Use the model's label, 'app_label.modelname', of an installed app.",
            obj=key,
            id="notifications.E002",
        )
        for key, event in sorted(event_types().items())
        if event.model and not _model_exists(event.model)
    ]


@checks.register()
def check_followables(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"The followable {label!r} (notifications.registry.register_followable) names no installed model.",
            hint="Register the model's label, 'app_label.modelname', in its app's AppConfig.ready().",
            obj=label,
            id="notifications.E003",
        )
        for label in sorted(followable_labels())
        if not _model_exists(label)
    ]
