"""`make run`'s server: Django's development server (with static files), plus the in-process beat
when tasks run eagerly (no REDIS_URL), and a last word that says where it serves and how to sign in."""

import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from portal.scheduler import start_inprocess_beat


class Command(RunserverCommand):
    help = "Serve for development: runserver, the in-process beat without Redis, and a short banner."

    def inner_run(self, *args, **options):
        # The autoreloader runs this in its child process (RUN_MAIN) or, with --noreload, in this one.
        if settings.CELERY_TASK_ALWAYS_EAGER and (os.environ.get("RUN_MAIN") == "true" or not options["use_reloader"]):
            start_inprocess_beat()
        return super().inner_run(*args, **options)

    def on_bind(self, server_port):
        tasks = "in-process tasks and schedule" if settings.CELERY_TASK_ALWAYS_EAGER else "Celery worker and beat"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            "\n"
            "Demo accounts (password demo-dauys-2026): citizen@demo.dauys.kz, admin@demo.dauys.kz (superuser)\n"
            f"Serving on http://127.0.0.1:{server_port}/ ({database}, {tasks}). Quit with CONTROL-C."
        )
