"""Check the audit trail's hash chain (audit/chain.py) and report the first broken link.

Exit status 0 when every link holds, 1 (CommandError) otherwise. Prints the head (place
and hash): keep it somewhere the database's administrators cannot write (the backup log, a
ticket, an email) and pass it back later as `--anchor PLACE:HASH`, so a history rewritten
from that point, or cut off after it, is caught too.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from audit.chain import verify


def anchor(value: str) -> tuple[int, str]:
    place, _, digest = value.partition(":")
    if not place.isdigit() or len(digest) != 64:
        raise ValueError(value)
    return int(place), digest.lower()


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            type=anchor,
            action="append",
            default=[],
            metavar="PLACE:HASH",
            help="A head printed by an earlier run, kept elsewhere; repeatable.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, anchor: list[tuple[int, str]], database: str, **options: Any) -> None:
        verdict = verify(connections[database], anchors=dict(anchor))
        if verdict.broken is not None:
            raise CommandError(
                f"Audit chain BROKEN: {verdict.broken}. "
                f"The {verdict.links} links before it hold (up to link {verdict.head_seq})."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {verdict.links} links."))
        self.stdout.write(f"Head: {verdict.head_seq}:{verdict.head_hash}")
