"""Bring the dashboards' rollups up to date now (dashboards/rollups.py).

manage.py refresh_rollups              # take in the changes since the last refresh
manage.py refresh_rollups --rebuild    # rebuild every rollup from the source tables
manage.py refresh_rollups --schedule   # also start the background refresh (db_worker)
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from core.scope import EVERY_TEAM, team_scope
from dashboards import rollups, tasks


class Command(BaseCommand):
    help = "Bring the dashboards' rollups up to date (incrementally, or --rebuild from scratch)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rebuild every rollup from the source tables.")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Then make sure the background refresh runs every minute on the db_worker.",
        )

    def handle(self, *args: Any, rebuild: bool, schedule: bool, **options: Any) -> None:
        started = time.perf_counter()
        with team_scope(EVERY_TEAM):  # the rollups count every team's contacts (core/scope.py)
            done = rollups.rebuild() if rebuild else rollups.refresh()
        elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(
            f"{'Rebuilt' if rebuild else 'Refreshed'} in {elapsed:.0f} ms: {done.pending} pending changes, "
            f"{len(done.contact_cells)} team-months of contacts, {len(done.score_cells)} team-months of check-ins "
            f"({len(done.people)} people)."
        )
        if schedule:
            started_now = tasks.schedule()
            self.stdout.write("Background refresh " + ("scheduled." if started_now else "already scheduled."))
