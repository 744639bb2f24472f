"""Writing an export's files into its zip: CSV straight from COPY, XLSX in constant memory.

Rows come from PostgreSQL's COPY (psycopg2's copy_expert), already anonymised by the
statement (exports/privacy.py), so Python never builds an object per row: COPY
hands over CSV bytes, a 1 MiB buffer gathers them, and each full buffer is either
compressed into the zip entry (CSV) or split into rows for xlsxwriter, which in
`constant_memory` mode writes each row to disk as it comes. Memory stays at the buffer,
whatever the number of rows.

Rows never hold a line break (text columns are coded and `text_sql` replaces any), so a
buffer splits into rows at newlines.
"""

import csv
import io
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from privacy.safe import safe_text

BUFFER = 1 << 20
# Excel's limit, header row included: a longer dataset continues on another sheet.
ROWS_PER_SHEET = 1_048_576
PROGRESS_EVERY = 1.0  # seconds between progress notes


class Progress:
    """Counts rows as they pass and calls `report(rows)` at most once a second."""

    def __init__(self, report: Callable[[int], None]) -> None:
        self.report = report
        self.rows = 0
        self._last = time.monotonic()

    def add(self, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY:
            self._last = now
            self.report(self.rows)


class _Sink(io.RawIOBase):
    """What the buffer flushes into: counts rows and hands the bytes on."""

    def __init__(self, take: Callable[[bytes], Any], progress: Progress) -> None:
        self.take = take
        self.progress = progress
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        lines = chunk.count(b"\n")
        self.lines += lines
        self.progress.add(lines)
        self.take(chunk)
        return len(chunk)


Copy = Callable[[Any], None]


def write_csv(archive: zipfile.ZipFile, name: str, copy: Copy, progress: Progress) -> int:
    """One dataset as a CSV entry of the zip; returns its data rows (the header not counted)."""
    with archive.open(name, "w", force_zip64=True) as entry:
        sink = _Sink(entry.write, progress)
        buffered = io.BufferedWriter(sink, BUFFER)  # type: ignore[type-var]
        copy(buffered)
        buffered.flush()
    return max(sink.lines - 1, 0)


class _Sheets:
    """Rows of CSV text into worksheets of one workbook, a new sheet every ROWS_PER_SHEET rows."""

    def __init__(self, workbook: Any, title: str, numeric: Sequence[bool]) -> None:
        self.workbook = workbook
        self.title = title
        self.numeric = numeric
        self.header: list[str] | None = None
        self.sheets = 0
        self.row = ROWS_PER_SHEET
        self.sheet: Any = None
        self.rest = b""

    def take(self, chunk: bytes) -> None:
        data = self.rest + chunk
        cut = data.rfind(b"\n") + 1
        self.rest = data[cut:]
        for values in csv.reader(io.StringIO(data[:cut].decode())):
            self._row(values)

    def finish(self) -> None:
        if self.rest:
            self.take(b"\n")
        if self.sheet is None:
            self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        self.sheet = self.workbook.add_worksheet(name[:31])
        for column, title in enumerate(self.header or []):
            self.sheet.write_string(0, column, title)
        self.row = 1

    def _row(self, values: list[str]) -> None:
        if self.header is None:
            self.header = values
            return
        if self.row >= ROWS_PER_SHEET:
            self._new_sheet()
        for column, (value, numeric) in enumerate(zip(values, self.numeric, strict=True)):
            cell = _cell(value, numeric)
            if isinstance(cell, (int, float)):
                self.sheet.write_number(self.row, column, cell)
            elif cell is not None:
                # Always a string, never a formula (xlsxwriter's write() would make "=..." one).
                self.sheet.write_string(self.row, column, cell)
        self.row += 1


def _cell(value: str, numeric: bool) -> Any:
    if not numeric or value == "":
        return value if value != "" else None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value  # "<11" or "x"


def write_xlsx(
    archive: zipfile.ZipFile,
    name: str,
    title: str,
    numeric: Sequence[bool],
    copy: Copy,
    progress: Progress,
    scratch: Path,
) -> tuple[int, int]:
    """One dataset as an .xlsx entry of the zip: (data rows, sheets)."""
    path = scratch / name
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "tmpdir": str(scratch), "strings_to_numbers": False}
    )
    try:
        sheets = _Sheets(workbook, title, numeric)
        sink = _Sink(sheets.take, progress)
        buffered = io.BufferedWriter(sink, BUFFER)  # type: ignore[type-var]
        copy(buffered)
        buffered.flush()
        sheets.finish()
    finally:
        workbook.close()
    try:
        archive.write(path, name, compress_type=zipfile.ZIP_STORED)
    finally:
        path.unlink(missing_ok=True)
    return max(sink.lines - 1, 0), sheets.sheets


def rows_to_csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """Rows written by Python (the aggregate report): text made safe to open (privacy/safe.py)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(
        [[safe_text(value) if isinstance(value, str) else value for value in row] for row in rows]
    )
    return text.getvalue().encode()
