from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.seeding import seeders


class Command(BaseCommand):
    help = "Create believable demo data on the real administrative map (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even under production settings.")

    def handle(self, *args, **options):
        if (getattr(settings, "SETTINGS_MODULE", None) or "").endswith("production") and not options["force"]:
            raise CommandError("seed_demo creates demo accounts; refusing under production settings.")
        for name, seeder in seeders():
            with transaction.atomic():
                summary = seeder(stdout=self.stdout)
            self.stdout.write(f"{name}: {summary or 'ok'}")
