from django.core.management.base import BaseCommand, CommandError

from sittings.imports import sessions_import


class Command(BaseCommand):
    help = "Import a maslikhat's sessions, agenda items, decisions, votes and attendance (docs/sessions-import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        report = sessions_import(options["file"])
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported.")
        self.stdout.write(
            f"Sessions: {report.created} created, {report.updated} updated, {report.unchanged} unchanged."
        )
