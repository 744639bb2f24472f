"""Retention: erase the identifying data of people with no contact for N years.

A dry run by default: it lists how many people and their codes (never names), so a system
admin can check the list before running it again with --erase. Each person is erased in
their own transaction and audited (CLIENT_ERASED by the system actor "erase_inactive").
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clients.services.erasure import erase_client, inactive_since
from core.context import SystemActor
from core.scope import EVERY_TEAM, team_scope

ACTOR = SystemActor("erase_inactive")


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


class Command(BaseCommand):
    help = "List (dry run) or, with --erase, erase identifying data of people with no contact for N years."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help=f"Years without contact (default: ALONGSIDE_RETENTION_YEARS, {settings.ALONGSIDE_RETENTION_YEARS}).",
        )
        parser.add_argument("--erase", action="store_true", help="Erase them. Without it nothing changes.")

    def handle(self, *args: Any, years: int | None, erase: bool, **options: Any) -> None:
        years = settings.ALONGSIDE_RETENTION_YEARS if years is None else years
        if years < 1:
            raise CommandError("--years must be at least 1.")
        cutoff = years_before(timezone.now(), years)
        with team_scope(EVERY_TEAM):  # a system command: every team's people (core/scope.py)
            people = list(inactive_since(cutoff))
        self.stdout.write(f"{len(people)} people with no contact since {cutoff:%Y-%m-%d} ({years} years).")
        for person in people:
            self.stdout.write(f"  {person.code}")
        if not erase:
            self.stdout.write("Dry run: nothing was erased. Run again with --erase to erase their identifying data.")
            return
        for person in people:
            with team_scope(EVERY_TEAM):
                erase_client(actor=ACTOR, client=person)
        self.stdout.write(self.style.SUCCESS(f"Identifying data erased for {len(people)} people."))
