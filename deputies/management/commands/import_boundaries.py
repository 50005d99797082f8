from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deputies.boundaries import boundaries_import
from portal.audit import audit_record


class Command(BaseCommand):
    help = (
        "Import official district boundaries (GeoJSON FeatureCollection, properties.district = number) for one "
        "maslikhat and convocation: closed rings, inside the territory, no overlaps beyond a tolerance."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--maslikhat", required=True, help="Maslikhat code, e.g. kz-75.")
        parser.add_argument("--convocation", type=int, help="Convocation number; default: the one in force today.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, write nothing.")

    def handle(self, *args, file: Path, maslikhat: str, convocation, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        with transaction.atomic():
            report = boundaries_import(file, maslikhat=maslikhat, convocation=convocation, dry_run=dry_run)
            if report.ok and not dry_run:
                audit_record(
                    actor=None,
                    action="boundaries.import",
                    scope_code=maslikhat,
                    after={"file": file.name, "convocation": convocation, "updated": report.updated},
                )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} problem(s); nothing was written.")
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}updated {report.updated}, unchanged {report.unchanged}")
