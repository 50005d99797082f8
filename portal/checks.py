"""System checks of the kernel: a registration that does not resolve fails at start (manage.py check,
runserver, migrate, the test run) instead of being skipped silently at run time.

Each registry's checks live beside it: the beat schedule here, notification events and followables
in notifications/checks.py."""

from importlib import import_module

from django.core import checks

from portal.celery import app as celery_app


@checks.register()
def check_beat_schedule(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every task named in the beat schedule (portal/celery.py) is a registered Celery task: beat
    sends a name, and a worker that knows no such task drops the message with only a log line."""
    errors = []
    for entry, spec in sorted(celery_app.conf.beat_schedule.items()):
        name = spec.get("task", "")
        module = name.rpartition(".")[0]
        try:
            import_module(module)
        except ImportError as error:
            problem = f"its module {module!r} does not import ({error})"
        else:
            if name in celery_app.tasks:
                continue
            problem = f"no task of that name is registered in {module!r}"
        errors.append(
            checks.Error(
                f"The beat schedule entry {entry!r} names the task {name!r}, but {problem}.",
                hint="Name the task by its module and function (e.g. 'notifications.tasks.digest_send_task').",
                obj="portal.celery.app.conf.beat_schedule",
                id="portal.E001",
            )
        )
    return errors
