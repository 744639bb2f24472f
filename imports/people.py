"""Planning an import of people: a team's list of people with their old codes, names,
aliases, years of birth and genders, read as they would be recorded, with every problem in
words, as imports/planning.py plans contacts.

A person's identity in a file is their old code: it is kept as an alias of the person
(searchable, and what a contacts file's person column finds), so importing the same list
again finds everyone recorded already. Alongside makes its own codes. A newcomer whose name
looks like someone the team has recorded already (the duplicate finder of clients,
`likely_duplicates_of_many`, one query for the whole file) is listed with who they look
like: the user chooses to record them anyway (then they are in Possible duplicates, for a
supervisor to compare and merge) or to leave them out; they are never merged silently.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from clients.models import EARLIEST_BIRTH_YEAR, Alias, Client, normalise_code, normalise_name
from clients.services.duplicates import Newcomer, likely_duplicates_of_many

from .planning import Problem, _carried, _column_name, _heading, _plain, column_letter
from .reading import FORMULA

PEOPLE_FIELDS = ["old_code", "name", "aliases", "year_of_birth", "gender"]
PEOPLE_HEADERS = {
    "old_code": ["old code", "code", "codigo", "codigo anterior", "id", "client id", "id cliente", "person", "persona"],
    "name": ["name", "nombre", "preferred name", "nombre preferido", "first name"],
    "aliases": ["aliases", "alias", "also known as", "apodos", "otros nombres", "nickname"],
    "year_of_birth": ["year of birth", "ano de nacimiento", "born", "nacimiento", "yob", "birth year"],
    "gender": ["gender", "genero"],
}
GENDERS = {
    "woman": "woman", "mujer": "woman", "f": "woman", "female": "woman", "femenino": "woman",
    "man": "man", "hombre": "man", "m": "man", "male": "man", "masculino": "man",
    "non binary": "non_binary", "non-binary": "non_binary", "no binario": "non_binary", "no binaria": "non_binary",
    "nb": "non_binary",
    "not said": "not_said", "prefers not to say": "not_said", "prefiere no decir": "not_said",
}  # fmt: skip


@dataclass
class PlannedPerson:
    row: int
    old_code: str
    name: str
    aliases: list[str]
    year_of_birth: int | None
    gender: str
    existing: Client | None = None  # recorded already (their old code or code)
    lookalikes: list[tuple[Client, float]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.lookalikes[0][1] * 100) if self.lookalikes else 0


@dataclass
class PeoplePlan:
    team: Team
    header_rows: int = 0
    rows_read: int = 0
    blank_rows: int = 0
    mapping: dict[int, str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    good: list[PlannedPerson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The questions a contacts plan asks, never asked here.
    date_order: str = ""
    date_order_needed: bool = False
    repeats: list[list[int]] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems if problem.row})

    @property
    def new(self) -> list[PlannedPerson]:
        return [person for person in self.good if person.existing is None]

    @property
    def lookalikes(self) -> list[PlannedPerson]:
        return [person for person in self.new if person.lookalikes]


def map_people_headers(
    header: list[str], above: list[str] | None, given: Mapping[str, str] | None
) -> tuple[dict[int, str], list[Problem]]:
    fields = {_plain(word): name for name, words in PEOPLE_HEADERS.items() for word in words}
    chosen: dict[int, str] = {}
    problems: list[Problem] = []
    for index, text in enumerate(header):
        heading = _heading(index, header, above)
        if not heading:
            continue
        wanted = (given or {}).get(heading) or (given or {}).get(text)
        if wanted == "ignore":
            continue
        if wanted:
            if wanted in PEOPLE_FIELDS:
                chosen[index] = wanted
                continue
            problems.append(
                Problem(
                    0,
                    f"{column_letter(index)} ({heading})",
                    _("The mapping names an unknown field: %(field)s.") % {"field": wanted},
                    _("Use old_code, name, aliases, year_of_birth or gender."),
                )
            )
            continue
        key = _plain(text)
        if key in fields and fields[key] not in chosen.values():
            chosen[index] = fields[key]
        else:
            problems.append(
                Problem(
                    0,
                    f"{column_letter(index)} ({heading})",
                    _("No field has this name."),
                    _("Choose what the column holds, or leave it out."),
                )
            )
    if "old_code" not in chosen.values():
        problems.append(
            Problem(
                0,
                "",
                _("No column holds the people's old codes."),
                _("Name a column Code (or Código), or choose one for the old code."),
            )
        )
    return chosen, problems


def plan_people(*, team: Team, rows: Iterable[list[str]], mapping: Mapping[str, str] | None = None) -> PeoplePlan:
    """Each row as the person it would record, every problem in words; writes nothing."""
    plan = PeoplePlan(team=team)
    all_rows = list(enumerate(rows, start=1))
    content = [(n, r) for n, r in all_rows if any(cell.strip() for cell in r)]
    plan.rows_read = len(all_rows)
    plan.blank_rows = plan.rows_read - len(content)
    if not content:
        plan.problems.append(Problem(0, "", _("The file has no rows."), _("Check it is the right file.")))
        return plan
    (_n, first), rest = content[0], content[1:]
    chosen, problems = map_people_headers(first, None, mapping)
    above: list[str] | None = None
    if "old_code" not in chosen.values() and rest:
        carried = _carried(first)
        chosen2, problems2 = map_people_headers(rest[0][1], carried, mapping)
        if "old_code" in chosen2.values():
            chosen, problems, above, rest = chosen2, problems2, carried, rest[1:]
            plan.header_rows = 2
    plan.header_rows = plan.header_rows or 1
    header = content[plan.header_rows - 1][1]
    plan.mapping, plan.problems = chosen, problems
    plan.columns = [_column_name(i, header, above) for i in range(max(len(header), 1))]
    plan.headings = [_heading(i, header, above) for i in range(len(header))]
    if "old_code" not in chosen.values():
        return plan
    known = _known(team)
    seen: dict[str, int] = {}
    for number, row in rest:
        person = _plan_person(plan, number, row, seen)
        if person is not None:
            person.existing = known.get(normalise_name(person.old_code)) or known.get(
                normalise_code(person.old_code) or ""
            )
            plan.good.append(person)
    newcomers = plan.new
    found = likely_duplicates_of_many(
        team_id=team.pk,
        newcomers=[Newcomer(" ".join([p.name, *p.aliases]), p.year_of_birth, p.gender) for p in newcomers],
    )
    for place, person in enumerate(newcomers):
        person.lookalikes = found.get(place, [])
    return plan


def _known(team: Team) -> dict[str, Client]:
    """The team's people by code and by every alias (old codes are aliases), read once."""
    people = Client.objects.filter(home_team=team, merged_into__isnull=True)
    known: dict[str, Client] = {person.code: person for person in people}
    for alias in Alias.objects.filter(client__in=people).select_related("client"):
        known.setdefault(normalise_name(alias.name), alias.client)
    return known


def _plan_person(plan: PeoplePlan, number: int, row: list[str], seen: dict[str, int]) -> PlannedPerson | None:
    problems: list[Problem] = []
    values: dict[str, str] = {}

    def problem(name: str, what: str, todo: str) -> None:
        index = next(i for i, n in plan.mapping.items() if n == name)
        column = plan.columns[index] if index < len(plan.columns) else column_letter(index)
        problems.append(Problem(number, column, what, todo))

    for index, name in plan.mapping.items():
        text = row[index].strip() if index < len(row) else ""
        if text == FORMULA or text.startswith("="):
            problem(name, _("This cell holds a formula."), _("Type the value itself (copy, then paste values only)."))
            continue
        values[name] = text
    old_code = values.get("old_code", "")
    if not old_code:
        problem("old_code", _("The old code is missing."), _("Write the person's code in the old records."))
    elif normalise_name(old_code) in seen:
        problem(
            "old_code",
            _("This old code is on row %(row)d too.") % {"row": seen[normalise_name(old_code)]},
            _("Keep one row per person."),
        )
    else:
        seen[normalise_name(old_code)] = number
    year = None
    if values.get("year_of_birth"):
        try:
            year = int(float(values["year_of_birth"]))
            if not EARLIEST_BIRTH_YEAR <= year <= timezone.localdate().year:
                raise ValueError
        except ValueError:
            problem(
                "year_of_birth",
                _("This is not a year of birth: %(text)s.") % {"text": values["year_of_birth"][:30]},
                _("Write a year from %(first)d to this year, or leave it blank.") % {"first": EARLIEST_BIRTH_YEAR},
            )
    gender = ""
    if values.get("gender"):
        gender = GENDERS.get(normalise_name(values["gender"]).replace("-", " "), "") or GENDERS.get(
            normalise_name(values["gender"]), ""
        )
        if not gender:
            problem(
                "gender",
                _("Unknown gender: %(text)s.") % {"text": values["gender"][:30]},
                _("Write woman, man, non-binary or not said (or in Spanish), or leave it blank."),
            )
    aliases = [part.strip()[:100] for part in values.get("aliases", "").replace(";", ",").split(",") if part.strip()]
    if problems:
        plan.problems += problems
        return None
    return PlannedPerson(number, old_code[:100], values.get("name", "")[:100], aliases, year, gender)


def canonical(person: PlannedPerson) -> dict[str, Any]:
    return {"old_code": person.old_code, "name": person.name, "aliases": person.aliases}
