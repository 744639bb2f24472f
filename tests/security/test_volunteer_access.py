"""The access matrix for a distribution volunteer (accounts/roles.py), over every URL.

A volunteer of the team gets what a worker of the team gets on every row of the matrix
(tests/security/test_access_matrix.py), except where DIFFERS says otherwise: that table is
every difference from a worker's access, written out. The pages a volunteer shares with
workers (Log a contact, find and register a person, a person's page, their contacts of the
day) draw a limited version for them, proved in tests/accounts/test_volunteer.py.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from .matrix import Row
from .test_access_matrix import MATRIX, as_role, call_api, objects  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

REFUSED = 403  # the role is refused before anything is looked up: it confirms nothing

# (method, URL name) -> the volunteer's status where it differs from a worker's.
DIFFERS: dict[tuple[str, str], int] = {
    # Contacts: only the ones they logged (another's note is not theirs to read: 404), and
    # no corrections, no person's whole timeline, no "not seen lately".
    ("get", "encounters:detail"): 404,
    ("get", "encounters:edit"): REFUSED,
    ("post", "encounters:edit"): REFUSED,
    ("get", "encounters:timeline"): REFUSED,
    ("get", "encounters:not_seen"): REFUSED,
    # A person's record beyond code, aliases and safety flags: identity, aliases, consent, flags.
    ("get", "clients:edit"): REFUSED,
    ("post", "clients:edit"): REFUSED,
    ("post", "clients:alias_add"): REFUSED,
    ("post", "clients:alias_remove"): REFUSED,
    ("post", "clients:consent_record"): REFUSED,
    ("post", "clients:flag_add"): REFUSED,
    ("post", "clients:flag_end"): REFUSED,
    # Goals and goal reviews.
    ("get", "goals:new"): REFUSED,
    ("post", "goals:new"): REFUSED,
    ("get", "goals:detail"): REFUSED,
    ("get", "goals:review"): REFUSED,
    ("post", "goals:review"): REFUSED,
    ("get", "goals:status"): REFUSED,
    ("post", "goals:status"): REFUSED,
    ("get", "goals:change"): REFUSED,
    ("post", "goals:change"): REFUSED,
    ("post", "goals:step_add"): REFUSED,
    ("post", "goals:step_done"): REFUSED,
    ("post", "goals:step_move"): REFUSED,
    ("get", "goals:contact_panel"): REFUSED,
    ("post", "goals:contact_review"): REFUSED,
    ("post", "goals:contact_goal_new"): REFUSED,
    # Wellbeing check-ins.
    ("get", "outcomes:check_in"): REFUSED,
    ("post", "outcomes:check_in"): REFUSED,
    ("get", "outcomes:contact_panel"): REFUSED,
    ("post", "outcomes:contact_answers"): REFUSED,
    # Staff overdose responses (a volunteer records a reversal the person reports instead).
    ("get", "encounters:overdose_new"): REFUSED,
    ("post", "encounters:overdose_new"): REFUSED,
    ("get", "encounters:overdose_detail"): REFUSED,
    # Referrals and their follow-ups.
    ("get", "encounters:referral_detail"): REFUSED,
    ("post", "encounters:referral_update"): REFUSED,
    ("get", "encounters:referral_new"): REFUSED,
    ("post", "encounters:referral_new"): REFUSED,
    ("get", "encounters:followups_mine"): REFUSED,
    ("get", "encounters:followups_team"): REFUSED,
    # A person's summary and their wishes about use of their data (person-level pages).
    ("get", "clients:summary"): REFUSED,
    ("get", "clients:use_wish_edit"): REFUSED,
    ("post", "clients:use_wish_edit"): REFUSED,
    ("post", "clients:use_wish_delete"): REFUSED,
    # The context a person chose to share (income, benefits, housing support): staff only.
    ("get", "clients:context"): REFUSED,
    ("post", "clients:context"): REFUSED,
    ("post", "clients:context_remove"): REFUSED,
    # Health services (health/): a person's tests and linkage, bad-batch alerts (their Home shows
    # the alerts for their teams), drug checking and incidents are staff pages.
    ("get", "health:person_health"): REFUSED,
    ("post", "health:person_health"): REFUSED,
    ("get", "health:alert_list"): REFUSED,
    ("post", "health:alert_list"): REFUSED,
    ("get", "health:alert_card"): REFUSED,
    ("get", "health:drug_checks"): REFUSED,
    ("post", "health:drug_checks"): REFUSED,
    ("get", "health:incidents"): REFUSED,
    ("post", "health:incidents"): REFUSED,
    # The API with the volunteer's own token, limited as its pages are (api/auth.py): no
    # check-ins, no referrals; only the contacts it logged (the matrix's contact is the
    # worker's); a person's record without name, year of birth or last seen
    # (tests/api/test_volunteer.py).
    ("get", "api:person_check_ins"): REFUSED,
    ("get", "api:referrals"): REFUSED,
    ("get", "api:vaccines"): REFUSED,  # vaccinations are recorded by staff (its topics: 200)
    ("get", "api:contact"): 404,
    ("post", "accounts:api_token_revoke"): 404,  # the matrix's token is the worker's
    # Offline use: the same pages as a worker's (what the device caches and what its outbox
    # may carry are limited: tests/offline/test_caseload.py, test_shell.py, test_sync.py);
    # a device of the matrix's is the worker's, so the volunteer's answer is 404.
    ("get", "offline:device_state"): 404,
    ("post", "offline:device_revoke"): 404,
    ("get", "offline:people"): 404,
    ("get", "offline:changes"): 404,
    ("post", "offline:sync"): 404,
}


def volunteer_status(row: Row) -> int:
    return DIFFERS.get((row.method, row.name), row.expected["worker"])


@pytest.mark.parametrize(
    "row", MATRIX, ids=lambda row: f"{row.method}-{row.name}{'-' + row.token if row.token else ''}"
)
def test_volunteer_access(
    row: Row,
    objects: dict[str, Any],  # noqa: F811
    as_role: Callable[[str], HttpClient],  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    if row.token:  # an API route, with the volunteer's own token of the row's scope
        response = call_api(row, "volunteer", objects, request)
    else:
        http = as_role("volunteer")
        response = getattr(http, row.method)(row.path(objects), row.data_for(objects))
    assert response.status_code == volunteer_status(row)


def test_every_difference_names_a_row() -> None:
    rows = {(row.method, row.name) for row in MATRIX}
    assert set(DIFFERS) - rows == set()
