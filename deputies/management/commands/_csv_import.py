"""Shared body of the CSV import commands: all-or-nothing, an error per bad row, audited."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deputies.models import Maslikhat
from portal.audit import audit_record


class ImportCommand(BaseCommand):
    kind = ""  # "districts" or "deputies"
    columns = ""
    importer: Callable  # deputies.imports.<kind>_import(file, dry_run=...) -> report

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, write nothing.")
        if self.kind in {"districts", "deputies"}:
            parser.add_argument(
                "--convocation",
                type=int,
                help="The convocation (boundary generation) to load into; default: the one in force today.",
            )
            parser.add_argument(
                "--elected-on",
                type=date.fromisoformat,
                help="YYYY-MM-DD: the election date of a convocation not yet recorded (creates it).",
            )
            parser.add_argument(
                "--electoral-system",
                choices=Maslikhat.ElectoralSystem.values,
                help="The electoral system of a convocation not yet recorded; default: the tier's since 2023 "
                "(mixed_50_50 for oblasts and cities of republican significance, smd for districts).",
            )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        extra = {}
        if self.kind in {"districts", "deputies"}:
            extra = {
                "convocation": options.get("convocation"),
                "elected_on": options.get("elected_on"),
                "electoral_system": options.get("electoral_system"),
            }
        with transaction.atomic():
            report = self.importer(file, dry_run=dry_run, **extra)
            if report.ok and not dry_run:
                audit_record(
                    actor=None,
                    action=f"{self.kind}.import",
                    after={
                        "file": file.name,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "districts_created": report.districts_created,
                    },
                )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was written.")
        for note in report.notes:
            self.stdout.write(note)
        summary = f", districts created {report.districts_created}" if self.kind == "districts" else ""
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {report.created}, updated {report.updated}, unchanged {report.unchanged}{summary}"
        )
