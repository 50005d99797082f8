"""The one CSV writer of the project. A cell that a spreadsheet would read as a formula (starting with
= + - @, a tab or a carriage return) is written with a leading apostrophe, so it shows as text and
never runs (CSV/formula injection). Every CSV the project writes uses `csv_writer`; the importers read
such cells back with `read_cell`. Tests: tests/security/test_findings_low.py."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def read_cell(value: str) -> str:
    """The inverse for our own exports read back by an importer."""
    if value[:1] == "'" and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> _SafeWriter:
    return _SafeWriter(csv.writer(out, **kwargs))
