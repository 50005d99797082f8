from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deputies.imports import populations_import
from portal.audit import audit_record


class Command(BaseCommand):
    help = (
        "Load population figures from CSV (code,population,as_of,source): an administrative unit's population "
        "on a day and the publication it comes from. Every row needs its source."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        with transaction.atomic():
            report = populations_import(file, dry_run=dry_run)
            if report.ok and not dry_run and (report.created or report.updated):
                audit_record(
                    actor=None,
                    action="populations.import",
                    after={"file": file.name, "created": report.created, "updated": report.updated},
                )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was written.")
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}created {report.created}, updated {report.updated}, unchanged {report.unchanged}")
