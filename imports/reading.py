"""Reading a spreadsheet (CSV or XLSX) into rows of text, cell by cell as the file has it.

XLSX is read with openpyxl in read-only mode (streamed, constant memory at 100,000 rows)
and with formulas as written (`data_only=False`), so a formula cell is seen as a formula and
refused in words, never trusted for a value it last showed. CSV is read with the standard
library, in UTF-8 (with or without a byte-order mark) or, failing that, Windows-1252, which
is what spreadsheets in Spanish often save.
"""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

FORMULA = "\x00formula"  # a cell that held a formula (never a value a person typed)


XLSX = "xlsx"
CSV = "csv"


def file_type(name: str) -> str:
    """ "xlsx" for a workbook (by its name), else "csv"."""
    return XLSX if Path(name).suffix.lower() in {".xlsx", ".xlsm"} else CSV


def read_rows(path: Path) -> Iterator[list[str]]:
    if file_type(path.name) == XLSX:
        yield from _xlsx_rows(path)
    else:
        yield from _csv_rows(path.read_bytes())


def read_bytes(data: bytes, kind: str) -> Iterator[list[str]]:
    """The rows of a file kept in the database (an import page's upload), as read_rows."""
    if kind == XLSX:
        yield from _xlsx_rows(io.BytesIO(data))
    else:
        yield from _csv_rows(data)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [cell.strip() for cell in row]


def _xlsx_rows(path: Path | io.BytesIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("="):
        return FORMULA
    if isinstance(value, datetime):
        return value.date().isoformat() if (value.hour, value.minute, value.second) == (0, 0, 0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
