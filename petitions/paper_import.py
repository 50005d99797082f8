"""Importing a file of paper signatures (`manage.py import_paper_signatures PETITION_ID FILE.csv`):
the rows typed from the sheets into a spreadsheet, columns `full_name,iin,address,signed_on`.

- The file: UTF-8 with or without a byte order mark; `,` or `;` between columns (Excel in Russian
  and Kazakh locales writes `;`); dates as YYYY-MM-DD or DD.MM.YYYY; other columns are ignored.
- All or nothing: every row is checked first (`paper.paper_signature_check`, reads only) and every
  problem of every row is reported with its row number (the header is row 1); nothing is written
  while any row has one. Then all rows are written in one transaction, each through
  `paper.paper_signature_add` (audited one by one), so a row that loses a race rolls all back.
- Idempotent by IIN: a row whose IIN has already signed this petition (on paper, online with EDS)
  is reported as already signed and skipped, not an error; a second run of the same file writes
  nothing. The same IIN twice in one file is an error (one of the two rows is wrong)."""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import access
from petitions.models import Petition, Signature
from petitions.paper import PaperSignature, paper_signature_add, paper_signature_check
from petitions.signer_identity import collecting_or_refuse, signer_iin
from portal.audit import audit_record

COLUMNS = ("full_name", "iin", "address", "signed_on")
# YYYY-MM-DD, or DD.MM.YYYY as Excel writes dates in Russian and Kazakh locales.
DATE_FORMATS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"),
)


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row in the file; the header is row 1
    entry: PaperSignature
    date_text: str = ""  # the date as written, when it could not be read


@dataclass
class ImportReport:
    written: list[int] = field(default_factory=list)  # row numbers
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, method of the signature held)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        found = pattern.fullmatch(text)
        if found:
            try:
                return date(int(found["year"]), int(found["month"]), int(found["day"]))
            except ValueError:
                return None
    return None


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def read_sheet_csv(data: bytes) -> list[SheetRow]:
    """The rows of a file, or ValidationError for a file that cannot be read as one (encoding,
    missing columns). Rows with every column empty (what spreadsheets leave at the end) are skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    header = text.splitlines()[0] if text.strip() else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header))
    names = [name.strip().lower() for name in next(reader, [])]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ValidationError(
            _("The file's first row must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ",".join(COLUMNS), "missing": ", ".join(missing)}
        )
    at = {column: names.index(column) for column in COLUMNS}
    rows = []
    for number, record in enumerate(reader, start=2):
        values = {column: (record[i].strip() if i < len(record) else "") for column, i in at.items()}
        if not any(values.values()):
            continue
        signed_on = _date(values["signed_on"]) if values["signed_on"] else None
        entry = PaperSignature(
            full_name=values["full_name"], iin=values["iin"], address=values["address"], signed_on=signed_on
        )
        unread = values["signed_on"] if values["signed_on"] and signed_on is None else ""
        rows.append(SheetRow(number=number, entry=entry, date_text=unread))
    return rows


def _row_errors(petition: Petition, row: SheetRow, today: date) -> list[tuple[str, str]]:
    try:
        paper_signature_check(petition=petition, entry=row.entry, today=today)
    except ValidationError as error:
        found = dict(error.message_dict)
    else:
        found = {}
    if row.date_text:
        found["signed_on"] = [_("Write the date as YYYY-MM-DD or DD.MM.YYYY.")]
    return [(column, message) for column in COLUMNS for message in found.get(column, [])]


def paper_import(*, petition: Petition, actor, rows: list[SheetRow], source: bytes = b"", today=None) -> ImportReport:
    """Check every row, then write them all in one transaction or none (see the module). `actor`:
    staff of the maslikhat, or None for an operator; `source`: the file, whose SHA-256 the audit keeps."""
    if actor is not None and not access.may_enter_paper(actor, petition):
        raise PermissionDenied(_("You may not do this with this petition."))
    today = today or timezone.localdate()
    collecting_or_refuse(petition, today)
    report = ImportReport()
    hashes: dict[int, str] = {}
    for row in rows:
        try:
            hashes[row.number] = signer_iin(row.entry.iin, on=row.entry.signed_on or today)[1]
        except ValidationError:
            pass  # reported with the row's other problems below
    held = dict(
        Signature.objects.filter(petition=petition, iin_hash__in=set(hashes.values())).values_list("iin_hash", "method")
    )
    first_row: dict[str, int] = {}
    to_write = []
    for row in rows:
        iin_hash = hashes.get(row.number)
        if iin_hash is not None and iin_hash in first_row:
            report.errors.append(
                (row.number, "iin", _("The same IIN as in row %(row)s.") % {"row": first_row[iin_hash]})
            )
            continue
        if iin_hash is not None:
            first_row[iin_hash] = row.number
        if iin_hash in held:
            report.skipped.append((row.number, held[iin_hash]))
            continue
        problems = _row_errors(petition, row, today)
        report.errors.extend((row.number, column, message) for column, message in problems)
        if not problems:
            to_write.append(row)
    if report.errors or not to_write:
        return report
    try:
        with transaction.atomic():
            for row in to_write:
                paper_signature_add(petition=petition, actor=actor, entry=row.entry, today=today)
                report.written.append(row.number)
            audit_record(
                actor=actor,
                action="petition.paper_import",
                obj=petition,
                after={
                    "written": len(to_write),
                    "skipped": len(report.skipped),
                    "file_sha256": hashlib.sha256(source).hexdigest() if source else "",
                },
                scope_code=petition.maslikhat.code,
            )
    except ValidationError as error:
        # Something changed between the check and the write (the same IIN entered meanwhile on the
        # staff page): nothing was written; a second run skips what is now signed.
        failed = to_write[len(report.written)].number
        report.written = []
        messages = error.message_dict if hasattr(error, "error_dict") else {"iin": error.messages}
        report.errors.extend(
            (failed, column if column in COLUMNS else "", message)
            for column, texts in messages.items()
            for message in texts
        )
    return report
