"""What the attacker can obtain, as a data admin: the organisation view and exports.

Only outputs: the page's HTML as a browser gets it, and the files of an export's zip. The
attacker reads each figure as the output states it: a number is exact unless the output
says it was rounded (then it is within the protection interval the output states), "fewer
than 11" is 1 to 10, "withheld" (or "x") is any number from 0.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from exports import storage
from exports.models import Export
from tests.exports.conftest import run_worker

from .conftest import MONTHS

SMALL_WORDS = ("fewer than 11", "menos de 11", "<11")
WITHHELD_WORDS = ("withheld", "retenido", "x")


@dataclass(frozen=True)
class Cell:
    text: str
    status: str = ""  # the output's own word for what was done, if it says one

    def interval(self, bound: int) -> tuple[float, float] | None:
        """What the attacker learns of the true value: (low, high), or None (nothing)."""
        text = self.text.strip().lower()
        if not text or text in {"–", "-"}:
            return None
        if self.status == "small" or any(text.startswith(word) for word in SMALL_WORDS):
            return (1, 10)
        if self.status == "withheld" or text in WITHHELD_WORDS:
            return (0, float("inf"))
        number = text.split()[0].replace(",", "")
        try:
            value = float(number)
        except ValueError:
            return None
        spread = bound if self.status == "rounded" else 0
        return (max(0.0, value - spread), value + spread)


@dataclass
class Table:
    key: str
    headers: list[str]
    rows: list[tuple[str, list[Cell]]]

    def column(self, header: str) -> int | None:
        for index, name in enumerate(self.headers[1:]):
            if name.strip().lower() == header.lower():
                return index
        return None


@dataclass
class Page:
    tables: dict[str, Table]
    bound: int = 0  # the protection interval the page states (0: figures are exact)
    text: str = ""


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Table] = {}
        self.bound = 0
        self._table: Table | None = None
        self._in: str | None = None
        self._text: list[str] = []
        self._status = ""
        self._row: tuple[str, list[Cell]] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("data-protection-interval"):
            self.bound = int(values["data-protection-interval"] or 0)
        if tag == "table":
            self._table = Table("", [], [])
        elif self._table is None:
            return
        elif tag == "caption":
            self._table.key = (values.get("id") or "").removesuffix("-caption")
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self._row = ("", [])
        elif tag in {"th", "td"}:
            self._in, self._text, self._status = tag, [], values.get("data-privacy") or ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        text = " ".join("".join(self._text).split())
        if tag == "th" and self._in == "th":
            if self._in_head:
                self._table.headers.append(text)
            elif self._row is not None:
                self._row = (text, self._row[1])
            self._in = None
        elif tag == "td" and self._in == "td":
            if self._row is not None:
                self._row[1].append(Cell(text, self._status))
            self._in = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "tr" and self._row is not None:
            self._table.rows.append(self._row)
            self._row = None
        elif tag == "table":
            if self._table.key:
                self.tables[self._table.key] = self._table
            self._table = None


def parse_page(html: str) -> Page:
    parser = _Tables()
    parser.feed(html)
    return Page(parser.tables, parser.bound, html)


def organisation_view(client: HttpClient, params: dict[str, str]) -> Page | None:
    response = client.get(reverse("dashboards:organisation"), params)
    if response.status_code != 200:
        return None
    return parse_page(response.content.decode())


class _Options(HTMLParser):
    """The choices of the form's `period` select, and whether it takes a range of months."""

    def __init__(self) -> None:
        super().__init__()
        self.options: list[str] = []
        self.ranges = False
        self._in_period = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self._in_period = values.get("name") == "period"
        elif tag == "option" and self._in_period and values.get("value"):
            self.options.append(values["value"] or "")
        elif tag == "input" and values.get("name") in {"start", "end"}:
            self.ranges = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_period = False


def every_period_the_view_allows(client: HttpClient) -> list[dict[str, str]]:
    """Every period the organisation view's form offers (read from the form itself), and,
    where it takes a range of months, every range within the programme's months."""
    parser = _Options()
    parser.feed(client.get(reverse("dashboards:organisation")).content.decode())
    choices = [{"period": option} for option in parser.options if option != "custom"]
    if parser.ranges:
        for i, first in enumerate(MONTHS):
            for last in MONTHS[i:]:
                choices.append({"period": "custom", "start": f"{first:%Y-%m}", "end": f"{last:%Y-%m}"})
    assert choices, "the form offers periods"
    return choices


MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "ene"),
            ("feb",),
            ("mar",),
            ("apr", "abr"),
            ("may",),
            ("jun",),
            ("jul",),
            ("aug", "ago"),
            ("sep",),
            ("oct",),
            ("nov",),
            ("dec", "dic"),
        ],  # fmt: skip
        start=1,
    )
    for name in names
}


def month_of_label(label: str) -> date | None:
    """A row label such as "Jan 2026" (or "ene 2026"), or "2026-01"."""
    parts = label.replace(".", "").split()
    if len(parts) == 2 and parts[0][:3].lower() in MONTH_NAMES and parts[1].isdigit():
        return date(int(parts[1]), MONTH_NAMES[parts[0][:3].lower()], 1)
    if len(label) == 7 and label[4] == "-" and label[:4].isdigit() and label[5:].isdigit():
        return date(int(label[:4]), int(label[5:]), 1)
    return None


@dataclass
class ExportFiles:
    export: Export
    files: dict[str, bytes] = field(default_factory=dict)

    def csv(self, stem: str) -> list[dict[str, str]]:
        data = self.files.get(f"{stem}.csv")
        if data is None:
            return []
        return list(csv.DictReader(io.StringIO(data.decode())))

    @property
    def codebook(self) -> dict[str, Any]:
        return json.loads(self.files["codebook.json"])


def start_export(user: User, teams: list[Team], datasets: list[str], **extra: Any) -> Export:
    from exports.services import start_export as start

    values: dict[str, Any] = {
        "datasets": datasets,
        "team_ids": [team.pk for team in teams],
        "first_month": MONTHS[0],
        "last_month": MONTHS[-1],
        "period": Export.Period.MONTH,
        "file_format": Export.Format.CSV,
        "k": 11,
    } | extra
    return start(actor=user, **values)


def finished(exports: list[Export], root: Path) -> list[ExportFiles]:
    """Run the real worker until the queue is empty, then open every export's zip."""
    run_worker()
    found = []
    for export in exports:
        export.refresh_from_db()
        assert export.status == Export.Status.DONE, export.status
        with zipfile.ZipFile(BytesIO(storage.read(export.pk))) as archive:
            found.append(ExportFiles(export, {name: archive.read(name) for name in archive.namelist()}))
    return found
