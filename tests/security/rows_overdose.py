"""Access rows for overdose responses recorded on their own, a response's page and the
supervisors' list."""

from typing import Any

from django.urls import reverse

from encounters.models import OverdoseResponse

from .matrix import Row, scoped_object, supervisor_page, team_page

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}

# Anyone in a team records a response for their own team (no person named): saved, 302.
NEW = {
    "id": "6f1c2a52-6a47-4c1b-9d0e-3f5b8f0f2a11",
    "who": "none",
    "happened_at": "2025-03-01T22:15",
    "naloxone_doses": "1",
    "emergency_services": "not_called_wishes",
    "outcome": "responsive",
}


def response(o: dict[str, Any]) -> list[str]:
    return [str(o["overdose_response"].pk)]


ROWS = [
    team_page("encounters:overdose_new"),
    Row(
        "encounters:overdose_new",
        "post",
        lambda o: reverse("encounters:overdose_new"),
        {"worker": 302, "supervisor": 302, "outsider": 302, "other_supervisor": 302, **DENIED},
        NEW,
    ),
    scoped_object("encounters:overdose_detail", lambda o: reverse("encounters:overdose_detail", args=response(o))),
    supervisor_page("encounters:overdose_list"),
]
# (The supervisors' list refuses a worker before the method: no wrong-method row for it.)
WRONG_METHOD = [
    ("encounters:overdose_new", "put", lambda o: reverse("encounters:overdose_new")),
    ("encounters:overdose_detail", "post", lambda o: reverse("encounters:overdose_detail", args=response(o))),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    person, worker = base["person"], base["encounter"].worker
    made = OverdoseResponse.objects.create(
        team_id=person.home_team_id,
        client=person,
        naloxone_doses=2,
        emergency_services="called",
        outcome="transported",
        created_by=worker,
    )
    return {"overdose_response": made}
