"""Planning an import of contacts: the file's rows, read against the team's catalogue, as
they would be stored, with every problem in words (row, column, what is wrong, what to do).

Nothing here writes: the dry run is this plan, and the import stores the plan's good rows
(imports/services.py). A row's identity is its content (date, site, kind, person, people,
note, services) and, for rows identical within the file, which of them it is (the first,
the second...): importing the same file again finds every row stored already, and
identical rows in a tally sheet stay separate contacts once the user confirms they are.
"""

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Team
from clients.models import Alias, Client, normalise_code, normalise_name
from encounters.models import MAX_HEAD_COUNT, MAX_QUANTITY, ServiceType, Site

from .reading import FORMULA

# Contact ids of imported rows: uuid5 in this namespace of the row's identity.
NAMESPACE = uuid.UUID("6b1f3f8e-5c1a-4a55-9a51-3d7d2b0c9e11")

FIELDS = ["date", "site", "kind", "person", "people", "note"]
HEADERS = {
    "date": ["date", "fecha", "day", "dia", "contact date", "fecha del contacto", "when", "cuando"],
    "site": ["site", "sitio", "place", "lugar", "location", "ubicacion", "punto"],
    "kind": ["kind", "tipo", "type", "kind of contact", "tipo de contacto"],
    "person": ["person", "persona", "code", "codigo", "old code", "codigo anterior", "client", "id"],
    "people": ["people", "personas", "head count", "number of people", "numero de personas", "count", "n"],
    "note": ["note", "nota", "notes", "notas", "comments", "comentarios", "observaciones"],
}
KINDS = {
    "street": "street", "calle": "street", "outreach": "street", "drop in": "drop_in", "drop-in": "drop_in",
    "drop_in": "drop_in", "centro": "drop_in", "van": "van", "furgoneta": "van", "unidad movil": "van",
    "phone": "phone", "telefono": "phone", "other": "other", "otro": "other", "otra": "other",
}  # fmt: skip
DEFAULT_KIND = "other"
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's own row number (1 is the first line); 0 for the whole file
    column: str  # the column's letter and header, "" for the whole row or file
    what: str
    todo: str


@dataclass
class PlannedRow:
    row: int
    on: date
    site: Site | None
    kind: str
    person: Client | None
    people: int
    note: str
    services: dict[ServiceType, int]
    identity: str = ""
    occurrence: int = 1

    def canonical(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "site": str(self.site.pk) if self.site else None,
            "kind": self.kind,
            "person": str(self.person.pk) if self.person else None,
            "people": self.people,
            "note": self.note,
            "services": {s.slug: n for s, n in sorted(self.services.items(), key=lambda item: item[0].slug)},
        }

    @property
    def contact_id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, self.identity)


@dataclass
class Plan:
    team: Team
    header_rows: int = 0
    rows_read: int = 0
    blank_rows: int = 0
    mapping: dict[int, str] = field(default_factory=dict)  # column index -> field or "service:<slug>"
    columns: list[str] = field(default_factory=list)  # "C (Syringes)"
    headings: list[str] = field(default_factory=list)  # each column's header words, as a mapping names them
    date_order: str = ""  # "dmy", "mdy", or "" when the file has only ISO dates
    date_order_needed: bool = False
    good: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def repeats(self) -> list[list[int]]:
        """Rows identical to an earlier one in the file: each group's row numbers."""
        groups: dict[str, list[int]] = {}
        for row in self.good:
            groups.setdefault(json.dumps(row.canonical(), sort_keys=True), []).append(row.row)
        return [rows for rows in groups.values() if len(rows) > 1]

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems if problem.row})


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _plain(text: str) -> str:
    return normalise_name(text.replace("_", " ").replace(":", " "))


def service_names() -> dict[str, ServiceType]:
    """Each service by its slug, its name and its Spanish name, normalised."""
    names: dict[str, ServiceType] = {}
    for service in ServiceType.objects.all():
        names[_plain(service.slug)] = service
        names[_plain(service.name)] = service
        with translation.override("es"):
            names[_plain(translation.gettext(service.name))] = service
    return names


def map_headers(
    header: list[str], above: list[str] | None, given: Mapping[str, str] | None
) -> tuple[dict[int, str], list[Problem]]:
    """Which field each column holds: from the user's mapping (header -> field), else by its
    words in English or Spanish. A column of unknown words is a problem (map it or leave it
    out: a column left out with --mapping "ignore" is skipped)."""
    services = service_names()
    fields = {_plain(word): name for name, words in HEADERS.items() for word in words}
    chosen: dict[int, str] = {}
    problems: list[Problem] = []
    for index, text in enumerate(header):
        heading = " ".join(
            part
            for part in ((above or [""] * len(header))[index] if above and index < len(above) else "", text)
            if part
        ).strip()
        if not heading:
            continue
        wanted = (given or {}).get(heading) or (given or {}).get(text)
        if wanted == "ignore":
            continue
        if wanted:
            if wanted in FIELDS or (wanted.startswith("service:") and _plain(wanted[8:]) in services):
                chosen[index] = wanted if wanted in FIELDS else f"service:{services[_plain(wanted[8:])].slug}"
                continue
            problems.append(
                Problem(
                    0,
                    f"{column_letter(index)} ({heading})",
                    _("The mapping names an unknown field: %(field)s.") % {"field": wanted},
                    _("Use date, site, kind, person, people, note, or service:<short name>."),
                )
            )
            continue
        key = _plain(text)
        if key in fields and fields[key] not in chosen.values():
            chosen[index] = fields[key]
        elif key in services:
            chosen[index] = f"service:{services[key].slug}"
        else:
            problems.append(
                Problem(
                    0,
                    f"{column_letter(index)} ({heading})",
                    _("No field or service has this name."),
                    _('Name a service from the catalogue, or map the column (or "ignore" it) in a mapping file.'),
                )
            )
    if "date" not in chosen.values():
        problems.append(
            Problem(
                0, "", _("No column holds the contact's date."), _("Name a column Date (or Fecha), or map one to date.")
            )
        )
    return chosen, problems


def _date_parts(text: str) -> tuple[str, int, int, int] | None:
    if match := ISO.match(text):
        return ("iso", int(match[1]), int(match[2]), int(match[3]))
    if match := SLASHED.match(text):
        year = int(match[3])
        return ("slashed", year + 2000 if year < 100 else year, int(match[1]), int(match[2]))
    return None


def detect_date_order(texts: Iterable[str]) -> tuple[str, bool]:
    """("dmy" or "mdy" or "", whether the user must say): a first number over 12 means day
    first, a second over 12 month first; both, or neither with slashed dates, is the user's call."""
    day_first = month_first = slashed = False
    for text in texts:
        parts = _date_parts(text)
        if parts is None or parts[0] == "iso":
            continue
        slashed = True
        _kind, _year, a, b = parts
        day_first |= a > 12
        month_first |= b > 12
    if not slashed:
        return "", False
    if day_first and not month_first:
        return "dmy", False
    if month_first and not day_first:
        return "mdy", False
    return "", True


def parse_date(text: str, order: str) -> date | None:
    parts = _date_parts(text)
    if parts is None:
        return None
    kind, year, a, b = parts
    try:
        if kind == "iso":
            return date(year, a, b)
        return date(year, b, a) if order == "dmy" else date(year, a, b)
    except ValueError:
        return None


def plan_contacts(
    *,
    team: Team,
    rows: Iterable[list[str]],
    mapping: Mapping[str, str] | None = None,
    date_order: str = "",
) -> Plan:
    plan = Plan(team=team)
    all_rows = [(number, row) for number, row in enumerate(rows, start=1)]
    content = [(n, r) for n, r in all_rows if any(cell.strip() for cell in r)]
    plan.rows_read = len(all_rows)
    if not content:
        plan.problems.append(Problem(0, "", _("The file has no rows."), _("Check it is the right file.")))
        return plan
    (_first_number, first), rest = content[0], content[1:]
    chosen, problems = map_headers(first, None, mapping)
    above: list[str] | None = None
    if "date" not in chosen.values() and rest:
        # A two-line header: a grouping line ("Services", over several columns: a merged
        # cell holds its words in the first) above the columns' own names.
        second = rest[0][1]
        first = _carried(first)
        chosen2, problems2 = map_headers(second, first, mapping)
        if "date" in chosen2.values():
            chosen, problems, above, rest = chosen2, problems2, first, rest[1:]
            plan.header_rows = 2
    plan.header_rows = plan.header_rows or 1
    header = content[plan.header_rows - 1][1]
    plan.mapping = chosen
    plan.problems += problems
    plan.columns = [_column_name(i, header, above) for i in range(max(len(header), 1))]
    plan.headings = [_heading(i, header, above) for i in range(len(header))]
    if "date" not in chosen.values():
        return plan
    date_col = next(i for i, name in chosen.items() if name == "date")
    order, needed = detect_date_order(r[date_col] for _n, r in rest if date_col < len(r))
    plan.date_order = date_order or order
    plan.date_order_needed = needed and not date_order
    plan.blank_rows = plan.rows_read - len(content)
    lookup = _Lookup(team)
    for number, row in rest:
        planned = _plan_row(plan, lookup, number, row)
        if planned is not None:
            plan.good.append(planned)
    _number_identities(plan)
    return plan


class _Lookup:
    """The team's sites, people and old codes, read once for the whole file."""

    def __init__(self, team: Team) -> None:
        self.sites = {normalise_name(site.name): site for site in Site.objects.filter(team=team)}
        people = Client.objects.filter(home_team=team, merged_into__isnull=True)
        self.codes = {person.code: person for person in people}
        self.old_codes: dict[str, Client] = {}
        for alias in Alias.objects.filter(client__in=people).select_related("client"):
            self.old_codes.setdefault(normalise_name(alias.name), alias.client)


def _plan_row(plan: Plan, lookup: _Lookup, number: int, row: list[str]) -> PlannedRow | None:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    services: dict[ServiceType, int] = {}
    by_slug = {s.slug: s for s in ServiceType.objects.all()} if not hasattr(plan, "_by_slug") else plan._by_slug  # type: ignore[attr-defined]
    plan._by_slug = by_slug  # type: ignore[attr-defined]

    def problem(index: int, what: str, todo: str) -> None:
        problems.append(
            Problem(number, plan.columns[index] if index < len(plan.columns) else column_letter(index), what, todo)
        )

    for index, name in plan.mapping.items():
        text = row[index].strip() if index < len(row) else ""
        if text == FORMULA or text.startswith("="):
            problem(index, _("This cell holds a formula."), _("Type the value itself (copy, then paste values only)."))
            continue
        if name.startswith("service:"):
            if not text or text in {"0", "-"}:
                continue
            try:
                quantity = int(float(text.replace(",", ".")))
                if quantity != float(text.replace(",", ".")):
                    raise ValueError
            except ValueError:
                problem(
                    index,
                    _("This is not a number: %(text)s.") % {"text": text[:30]},
                    _("Write how many were given (a whole number), or leave it blank."),
                )
                continue
            if not 0 <= quantity <= MAX_QUANTITY:
                problem(index, _("This number is out of range."), _("Write 0 to %(max)d.") % {"max": MAX_QUANTITY})
                continue
            if quantity:
                services[by_slug[name[8:]]] = quantity
            continue
        values[name] = text
    on = None
    date_col = next(i for i, n in plan.mapping.items() if n == "date")
    if not values.get("date"):
        if "date" in values or date_col < len(row):
            problem(date_col, _("The date is missing."), _("Write the date of the contact."))
    elif plan.date_order_needed and _date_parts(values["date"]) and _date_parts(values["date"])[0] != "iso":  # type: ignore[index]
        problem(
            date_col,
            _("This date could be read two ways: %(text)s.") % {"text": values["date"]},
            _("Say whether the file's dates are day/month/year or month/day/year (--date-order dmy or mdy)."),
        )
    else:
        on = parse_date(values["date"], plan.date_order or "dmy")
        if on is None:
            problem(
                date_col,
                _("This is not a date: %(text)s.") % {"text": values["date"][:30]},
                _("Write it as 2025-04-03 or 3/4/2025."),
            )
        elif on.year < 1990 or on > timezone.localdate():
            problem(date_col, _("This date is out of range."), _("Write a date from 1990 to today."))
            on = None
    site = None
    if values.get("site"):
        site = lookup.sites.get(normalise_name(values["site"]))
        if site is None:
            problem(
                _index(plan, "site"),
                _("No site of the team has this name."),
                _("Add the site on the team's sites page, or correct the name."),
            )
    kind = DEFAULT_KIND
    if values.get("kind"):
        found_kind = KINDS.get(normalise_name(values["kind"]))
        if found_kind is None:
            problem(
                _index(plan, "kind"), _("Unknown kind of contact."), _("Write street, drop-in, van, phone or other.")
            )
        else:
            kind = found_kind
    person = None
    if values.get("person"):
        code = normalise_code(values["person"])
        person = lookup.codes.get(code) if code else None
        person = person or lookup.old_codes.get(normalise_name(values["person"]))
        if person is None:
            problem(
                _index(plan, "person"),
                _("No person of the team has this code or old code."),
                _("Import the people first, or leave it blank for an anonymous contact."),
            )
    people = 1
    if values.get("people"):
        try:
            people = int(values["people"])
            if not 1 <= people <= MAX_HEAD_COUNT:
                raise ValueError
        except ValueError:
            problem(
                _index(plan, "people"),
                _("The number of people is not a number from 1 to %(max)d.") % {"max": MAX_HEAD_COUNT},
                _("Write how many people were at the contact."),
            )
    if person is not None:
        people = 1
    if problems:
        plan.problems += problems
        return None
    assert on is not None  # noqa: S101 (a row without problems has its date)
    return PlannedRow(number, on, site, kind, person, people, values.get("note", "")[:1000], services)


def _carried(line: list[str]) -> list[str]:
    """A grouping line with each group's words carried to the columns after it."""
    carried, current = [], ""
    for cell in line:
        current = cell or current
        carried.append(current)
    return carried


def _column_name(index: int, header: list[str], above: list[str] | None) -> str:
    """ "C (Servicios Jeringas)": the letter and the header as the file shows it."""
    words = [above[index] if above and index < len(above) else "", header[index] if index < len(header) else ""]
    return f"{column_letter(index)} ({' '.join(word for word in words if word)})"


def _heading(index: int, header: list[str], above: list[str] | None) -> str:
    words = [above[index] if above and index < len(above) else "", header[index] if index < len(header) else ""]
    return " ".join(word for word in words if word).strip()


def _index(plan: Plan, name: str) -> int:
    return next(i for i, n in plan.mapping.items() if n == name)


def _number_identities(plan: Plan) -> None:
    seen: Counter[str] = Counter()
    for row in plan.good:
        content = json.dumps(row.canonical(), sort_keys=True)
        seen[content] += 1
        row.occurrence = seen[content]
        row.identity = f"{plan.team.pk}|contacts|{content}|{row.occurrence}"
