import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.imports import deputies_export, districts_export, popolo_export
from deputies.models import Maslikhat


class Command(BaseCommand):
    help = "Export deputies (CSV, the import format), districts (CSV, the import format) or Popolo JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "districts", "popolo"], default="csv")
        parser.add_argument("--maslikhat", action="append", default=[], help="Maslikhat code; repeat for several.")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, format: str, maslikhat: list[str], output: Path | None, **options):
        scope = None
        if maslikhat:
            scope = Maslikhat.objects.filter(code__in=maslikhat)
            unknown = set(maslikhat) - set(scope.values_list("code", flat=True))
            if unknown:
                raise CommandError(f"Unknown maslikhat code(s): {', '.join(sorted(unknown))}")
        if format == "popolo":
            text = json.dumps(popolo_export(scope), ensure_ascii=False, indent=2) + "\n"
        elif format == "districts":
            text = districts_export(scope)
        else:
            text = deputies_export(scope)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
