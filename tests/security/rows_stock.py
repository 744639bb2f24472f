"""Access rows for the team's stock (supervisors): the page, deliveries, counts, reorder
levels and the monthly report.

A supervisor of another team posting this team gets the form back (400: not one of their
teams to choose) and nothing changes; workers, volunteers and data admins are refused (403).
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from .matrix import Row, supervisor_page

DENIED = {"worker": 403, "outsider": 403, "data_admin": 403, "system_admin": 403, "anonymous": 302}


def posted(**extra: str) -> Any:
    def data(o: dict[str, Any]) -> dict[str, str]:
        today = f"{timezone.localdate():%Y-%m-%d}"
        return {"team": str(o["person"].home_team_id), "service_type": "naloxone-kit", "on": today, **extra}

    return data


def change(name: str, **extra: str) -> Row:
    return Row(
        name, "post", lambda o: reverse(name), {**DENIED, "supervisor": 302, "other_supervisor": 400}, posted(**extra)
    )


ROWS = [
    supervisor_page("encounters:stock"),
    change("encounters:stock_receive", quantity="40"),
    change("encounters:stock_count", counted="35", reason="Expired"),
    change("encounters:stock_reorder", level="20"),
    supervisor_page("encounters:stock_report"),
]
WRONG_METHOD = [
    ("encounters:stock", "post", lambda o: reverse("encounters:stock")),
    ("encounters:stock_receive", "get", lambda o: reverse("encounters:stock_receive")),
    ("encounters:stock_count", "get", lambda o: reverse("encounters:stock_count")),
    ("encounters:stock_reorder", "get", lambda o: reverse("encounters:stock_reorder")),
    ("encounters:stock_report", "post", lambda o: reverse("encounters:stock_report")),
]
