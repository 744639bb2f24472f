"""manage.py import_records FILE --team TEAM --user USERNAME --kind contacts [--mapping M.json] [--dry-run]

Bring a spreadsheet of contacts (CSV or XLSX) into a team, with the same checks and results
as the page will have: every problem in words (row, column, what is wrong, what to do);
`--dry-run` writes nothing. Importing the same file again stores nothing new.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team, User
from core.errors import DomainError
from core.scope import team_scope
from imports.planning import plan_contacts
from imports.reading import read_rows
from imports.services import import_contacts


class Command(BaseCommand):
    help = "Import contacts from a CSV or XLSX file into a team (--dry-run to check without storing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--team", required=True, help="The team's name or id")
        parser.add_argument("--user", required=True, help="Username of the team member the contacts are logged by")
        parser.add_argument("--kind", choices=["contacts"], default="contacts")
        parser.add_argument(
            "--mapping",
            type=Path,
            help="JSON: column header -> field (date, site, kind, person, people, note, service:<slug>, ignore)",
        )
        parser.add_argument("--date-order", choices=["dmy", "mdy"], default="")
        parser.add_argument(
            "--repeats",
            choices=["keep", "skip"],
            default="",
            help="Identical rows: separate contacts (keep) or one (skip)",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(name=options["team"]).first() or _by_id(options["team"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if team is None or user is None:
            raise CommandError("No such team or user.")
        mapping = json.loads(options["mapping"].read_text()) if options["mapping"] else None
        with team_scope([team.pk]):  # the team's people, whom the rows name (core/scope.py)
            plan = plan_contacts(
                team=team, rows=read_rows(options["file"]), mapping=mapping, date_order=options["date_order"]
            )
        for problem in plan.problems:
            where = f"row {problem.row}" if problem.row else "file"
            column = f", column {problem.column}" if problem.column else ""
            self.stdout.write(f"{where}{column}: {problem.what} {problem.todo}")
        for group in plan.repeats:
            self.stdout.write(f"identical rows: {', '.join(str(row) for row in group)}")
        self.stdout.write(
            f"{len(plan.good)} rows to store, {len(plan.bad_rows)} rows with problems, {plan.blank_rows} blank rows"
            + (f", dates read {plan.date_order}" if plan.date_order else "")
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was stored.")
            return
        try:
            result = import_contacts(actor=user, plan=plan, repeats=options["repeats"])
        except DomainError as error:
            raise CommandError(error.message) from error
        stored = f"Stored {result.created} contacts; {result.already} were stored already"
        self.stdout.write(f"{stored}; {result.skipped_repeats} repeats skipped.")


def _by_id(value: str) -> Team | None:
    try:
        return Team.objects.filter(pk=value).first()
    except Exception:  # noqa: BLE001 (not an id)
        return None
