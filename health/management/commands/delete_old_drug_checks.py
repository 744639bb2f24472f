"""Retention of drug-checking results: delete those linked to a person after the organisation's
period (ALONGSIDE_DRUG_CHECK_RETENTION_DAYS). Run daily (cron or the process supervisor);
results not linked to anyone are kept. Audited as the system actor "delete_old_drug_checks"."""

from typing import Any

from django.core.management.base import BaseCommand

from core.context import SystemActor
from core.scope import EVERY_TEAM, team_scope
from health.services.reports import delete_old_drug_checks

ACTOR = SystemActor("delete_old_drug_checks")


class Command(BaseCommand):
    help = "Delete person-linked drug-checking results older than ALONGSIDE_DRUG_CHECK_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        with team_scope(EVERY_TEAM):  # a system command: every team's results (core/scope.py)
            deleted = delete_old_drug_checks(actor=ACTOR)
        self.stdout.write(f"Deleted {deleted} person-linked drug-checking results past retention.")
