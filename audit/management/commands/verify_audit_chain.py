"""Check the audit trail's keyed hash chain (audit/chain.py) and report the first broken link.

Exit status 0 when every link holds, 1 (CommandError) otherwise. Prints each lane's head
(`Head: LANE:PLACE:HASH`): keep them somewhere the database's administrators cannot write
(the backup log, a ticket, an email) and pass them back later as `--anchor LANE:PLACE:HASH`,
so a history rewritten from that point, or cut off after it, is caught too. An anchor from
before lanes (`PLACE:HASH`) is lane 0's.
"""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from audit.chain import verify

ANCHOR = re.compile(r"^(?:(?P<lane>\d+):)?(?P<place>\d+):(?P<digest>[0-9a-fA-F]{64})$")


def anchor(value: str) -> tuple[tuple[int, int], str]:
    match = ANCHOR.match(value.strip())
    if match is None:
        raise ValueError(value)
    return (int(match["lane"] or 0), int(match["place"])), match["digest"].lower()


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            type=anchor,
            action="append",
            default=[],
            metavar="LANE:PLACE:HASH",
            help="A head printed by an earlier run, kept elsewhere; repeatable.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, anchor: list[tuple[tuple[int, int], str]], database: str, **options: Any) -> None:
        verdict = verify(connections[database], anchors=dict(anchor))
        if verdict.broken is not None:
            raise CommandError(f"Audit chain BROKEN: {verdict.broken}. The {verdict.links} links before it hold.")
        lanes = len(verdict.heads)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {verdict.links} links in {lanes} lanes."))
        for line in verdict.head_lines():
            self.stdout.write(f"Head: {line}")
