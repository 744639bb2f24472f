"""The demo's imports: a supervisor's spreadsheet imported last season, and one waiting to be
checked, so the import page (`/imports/`) shows both a finished import's counts and a check
with its problems in words.

The finished one goes through the real path (planned, started, run by the job's own code,
each row through the one save path of a contact); the waiting one is only kept. Both are
added once: running the demo loader again adds nothing.
"""

import csv
import io
from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from encounters.models import Site
from imports import jobs
from imports.models import ImportJob
from imports.services import choose_import_mapping, upload_import

# A tally sheet of the outreach van, in Spanish, day first: (days ago, people, condoms, syringes).
TALLY = [(400, 3, 10, 20), (399, 1, 2, 5), (398, 2, 6, 10), (393, 4, 12, 30), (392, 1, 0, 10), (386, 2, 4, 4)]


def _file(site: Site, rows: Sequence[tuple[int, int, object, int]]) -> bytes:
    today = timezone.localdate()
    out = io.StringIO()
    sheet = csv.writer(out)
    sheet.writerow(["Fecha", "Sitio", "Personas", "Preservativos", "Jeringas estériles"])
    for days, people, condoms, syringes in rows:
        sheet.writerow([f"{today - timedelta(days=days):%d/%m/%Y}", site.name, people, condoms, syringes])
    return out.getvalue().encode()


def load_imports(team: Team, supervisor: User, site: Site) -> None:
    if ImportJob.objects.filter(created_by=supervisor).exists():
        return
    done = upload_import(actor=supervisor, team=team, kind="contacts", name="van.csv", data=_file(site, TALLY))
    choose_import_mapping(actor=supervisor, job=done, mapping={}, date_order="dmy", repeats="")
    jobs.start_import(actor=supervisor, job=done)
    jobs.run(done.pk)
    # Waiting to be checked: a row whose count of condoms is written in words.
    waiting = [(30, 2, 4, 10), (29, 1, "cinco", 5), (28, 3, 6, 12)]
    later = upload_import(
        actor=supervisor, team=team, kind="contacts", name="van-recent.csv", data=_file(site, waiting)
    )
    choose_import_mapping(actor=supervisor, job=later, mapping={}, date_order="dmy", repeats="")
