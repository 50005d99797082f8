"""`manage.py import_paper_signatures PETITION_ID FILE.csv [--entered-by EMAIL]`: see
petitions/paper_import.py for the file and the guarantees (all or nothing, idempotent by IIN)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from petitions.models import Petition, Signature
from petitions.paper_import import paper_import, read_sheet_csv


class Command(BaseCommand):
    help = (
        "Import paper signatures of one petition from a CSV file with the columns "
        "full_name,iin,address,signed_on (',' or ';'; dates YYYY-MM-DD or DD.MM.YYYY). "
        "Nothing is written when any row has an error; rows whose IIN already signed are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("petition_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--entered-by",
            metavar="USERNAME",
            default="",
            help="The account (its email) of the maslikhat's staff member who entered the sheets; the "
            "audit records it. Without it the audit records the import as the system's.",
        )

    def handle(self, *args, petition_id, file, entered_by="", **options):
        petition = Petition.objects.select_related("maslikhat").filter(pk=petition_id).first()
        if petition is None:
            raise CommandError(f"No petition {petition_id}.")
        actor = None
        if entered_by:
            User = get_user_model()
            actor = User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": entered_by}).first()
            if actor is None:
                raise CommandError(f"No account {entered_by}.")
        try:
            source = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            rows = read_sheet_csv(source)
            report = paper_import(petition=petition, actor=actor, rows=rows, source=source)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        methods = dict(Signature.Method.choices)
        for number, method in report.skipped:
            self.stdout.write(
                _("row %(row)s: already signed (%(method)s); skipped")
                % {"row": number, "method": methods.get(method, method)}
            )
        for number, column, message in report.errors:
            where = _("row %(row)s") % {"row": number}
            self.stderr.write(f"{where}, {column}: {message}" if column else f"{where}: {message}")
        if report.errors:
            rows_with_errors = len({number for number, _column, _message in report.errors})
            raise CommandError(_("%(count)s rows have errors; nothing was written.") % {"count": rows_with_errors})
        if not rows:
            self.stdout.write(_("The file has no rows to import."))
            return
        if not report.written:
            self.stdout.write(_("Nothing to write: every row has already signed this petition."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Written: %(written)s paper signatures; skipped as already signed: %(skipped)s.")
                % {"written": len(report.written), "skipped": len(report.skipped)}
            )
        )
