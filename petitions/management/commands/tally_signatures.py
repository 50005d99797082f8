"""One tally of every registered kind of signature (petitions.common.register_tally), for operators and tests."""

from django.core.management.base import BaseCommand

from petitions.common import tallies


class Command(BaseCommand):
    help = "Run one tally of every registered kind of signature now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recount", action="store_true", help="Recount everything from the rows (the nightly job)."
        )

    def handle(self, *args, recount=False, **options):
        for name, func in tallies().items():
            if recount and name == "petitions":
                from petitions.tally import petitions_recount

                result = petitions_recount()
            else:
                result = func()
            if result is None:
                self.stdout.write(f"{name}: another tally is running; nothing done")
            else:
                self.stdout.write(f"{name}: {result}")
