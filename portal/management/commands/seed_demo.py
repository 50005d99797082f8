import logging

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from portal.seeding import seeders


class Command(BaseCommand):
    help = "Create believable demo data on the real administrative map (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even under production settings.")
        parser.add_argument(
            "--send-emails", action="store_true", help="Send the emails the demo actions cause (default: count them)."
        )

    def handle(self, *args, **options):
        if (getattr(settings, "SETTINGS_MODULE", None) or "").endswith("production") and not options["force"]:
            raise CommandError("seed_demo creates demo accounts; refusing under production settings.")
        if options["send_emails"]:
            self._seed()
            return
        # The demo's own actions (petitions answered, hearings scheduled...) notify demo accounts: keep
        # those emails in memory and say how many, instead of printing thousands of lines of them.
        previous = getattr(mail, "outbox", None)
        mail.outbox = []
        trace = logging.getLogger("celery.app.trace")  # one INFO line per in-process task: not a summary
        level = trace.level
        trace.setLevel(logging.WARNING)
        try:
            with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}):
                self._seed()
            held = len(mail.outbox)
        finally:
            trace.setLevel(level)
            if previous is None:
                del mail.outbox
            else:
                mail.outbox = previous
        self.stdout.write(f"emails: {held} notification emails of the demo data held back (--send-emails sends them)")

    def _seed(self):
        for name, seeder in seeders():
            with transaction.atomic():
                summary = seeder(stdout=self.stdout)
            self.stdout.write(f"{name}: {summary or 'ok'}")
