"""`python -m bench.privacy_accuracy`: what the protection costs on the demo data.

Makes its own database on the development server (`alongside_privacy_demo`), migrates it,
loads the demo data (`load_demo`), builds the rollups, then for every year of the demo:
the protected hierarchy (dashboards/hierarchy.py) against the true values of its audited
figures (counts and quantities): how many are published, how many show as "fewer than 11",
how many are withheld, and the mean absolute change of the published counts. Then one
export of every dataset at k = 11 over the last 12 complete months: the rows each keeps.
Prints the figures (docs/privacy.md quotes them); writes nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.run import ROOT, database_url, say

NAME = "alongside_privacy_demo"


def in_django() -> None:
    import django

    django.setup()
    from collections import Counter

    from django.utils import timezone

    from accounts.models import Team, User
    from core.dates import add_months
    from dashboards.hierarchy import build
    from exports import jobs
    from exports.datasets import AGGREGATE, ROW_LEVEL
    from exports.models import Export

    this_month = timezone.localdate().replace(day=1)
    teams = list(Team.objects.values_list("pk", flat=True))
    statuses: Counter[str] = Counter()
    changes: list[int] = []
    big: list[float] = []
    for year in (this_month.year - 1, this_month.year):
        figures = build(year, teams=teams, before=this_month)
        for measure, cells in figures.figures.items():
            for key, protected in cells.items():
                true = figures.truth.get(measure, {}).get(key)
                if true is None:
                    continue
                statuses[protected.status] += 1
                if protected.status == "rounded" and protected.value is not None:
                    changes.append(abs(int(protected.value) - true))
                    if true >= 100:
                        big.append(abs(int(protected.value) - true) / true)
    last = add_months(this_month, -1)
    first = add_months(this_month, -12)
    admin = User.objects.get(username="data-admin")
    export = Export.objects.create(created_by=admin, datasets=[*ROW_LEVEL, AGGREGATE], team_ids=teams,
                                   first_month=first, last_month=last, k=11)  # fmt: skip
    jobs.run(export.pk)
    export.refresh_from_db()
    print(
        json.dumps(
            {
                "audited_figures": sum(statuses.values()),
                "by_status": dict(statuses),
                "published_counts": len(changes),
                "mean_absolute_change": round(sum(changes) / len(changes), 3) if changes else None,
                "largest_relative_change_of_100_or_more": round(max(big), 4) if big else None,
                "export_rows": {name: entry["rows"] for name, entry in export.summary.items()},
            }
        )
    )


def main() -> int:
    url, started = database_url()
    try:
        base = url.rsplit("/", 1)[0]
        subprocess.run(["psql", url, "-qc", f"DROP DATABASE IF EXISTS {NAME}"], check=True)
        subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {NAME}"], check=True)
        env = {
            **os.environ,
            "DATABASE_URL": f"{base}/{NAME}",
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_SECRET_KEY": "privacy-accuracy",
            "ALONGSIDE_ALLOW_DEMO_DATA": "1",
        }
        for command in (["migrate", "-v", "0"], ["load_demo"], ["refresh_rollups", "--rebuild"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "bench.privacy_accuracy", "--in-django"], cwd=ROOT, env=env,
                              check=True, stdout=subprocess.PIPE, text=True)  # fmt: skip
        say(done.stdout.strip().splitlines()[-1])
        return 0
    finally:
        if started:
            subprocess.run([sys.executable, str(ROOT / "scripts" / "devdb.py"), "stop"], check=False)


if __name__ == "__main__":
    if "--in-django" in sys.argv:
        in_django()
    else:
        raise SystemExit(main())
