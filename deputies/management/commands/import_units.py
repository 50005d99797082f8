from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.imports import units_import


class Command(BaseCommand):
    help = "Add tier-2 administrative units and their maslikhats from CSV (code,kind,parent,name_kk,name_ru,name_en)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        report = units_import(file, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was written.")
        self.stdout.write(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}")
