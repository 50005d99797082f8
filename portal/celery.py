"""The Celery app. Periodic schedules are declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("dauys")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Apps add their periodic tasks by name; a name that does not resolve to a registered task fails the
# system checks at start (portal/checks.py, portal.E001), where beat would skip it silently.
app.conf.beat_schedule = {
    "petitions-tally": {"task": "petitions.tasks.petition_tally_task", "schedule": 10.0},
    "petitions-deadlines": {"task": "petitions.tasks.petition_deadlines_task", "schedule": crontab(minute="*/15")},
    "petitions-recount": {"task": "petitions.tasks.petition_recount_task", "schedule": crontab(hour=3, minute=0)},
    "recalls-deadlines": {"task": "recalls.tasks.recall_deadlines_task", "schedule": crontab(minute="*/15")},
    "recalls-retention": {"task": "recalls.tasks.recall_retention_task", "schedule": crontab(hour=4, minute=0)},
    "hearings-reminders": {"task": "hearings.tasks.hearing_reminders_task", "schedule": crontab(minute="*/5")},
    "letters-daily": {"task": "letters.tasks.letters_daily_task", "schedule": crontab(hour=9, minute=30)},
    "letters-recover": {"task": "letters.tasks.letters_recover_task", "schedule": crontab(minute="*/10")},
    "reception-reminders": {"task": "letters.tasks.reception_reminders_task", "schedule": crontab(minute="*/15")},
    "notifications-digest-daily": {
        "task": "notifications.tasks.digest_send_task",
        "schedule": crontab(hour=8, minute=0),
        "args": ("daily",),
    },
    "notifications-digest-weekly": {
        "task": "notifications.tasks.digest_send_task",
        "schedule": crontab(hour=8, minute=0, day_of_week=1),
        "args": ("weekly",),
    },
    "notifications-recover": {"task": "notifications.tasks.email_recover_task", "schedule": crontab(minute="*/5")},
}
