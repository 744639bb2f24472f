"""The catalogue pages cost the same number of queries with 2 rows as with 20: service types,
a team's sites and quick buttons, and teams."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team, User
from encounters.models import ServiceType, Site, TeamService
from tests.factories import ServiceTypeFactory, SiteFactory, TeamFactory

pytestmark = pytest.mark.django_db


def grow(team: Team, rows: int) -> Site:
    """`rows` more service types (each a quick button of the team), sites and teams."""
    for service_type in ServiceTypeFactory.create_batch(rows, category=ServiceType.Category.HEALTH):
        TeamService.objects.create(team=team, service_type=service_type, order=service_type.order)
    SiteFactory.create_batch(rows, team=team)
    SiteFactory.create_batch(rows, team=team, is_active=False)
    TeamFactory.create_batch(rows)
    return Site.objects.filter(team=team).first()  # type: ignore[return-value]


Path = Callable[[Team, Site, ServiceType], str]

# name: (role, method, path, data, pinned count). Every page: session, user, memberships
# (roles), then its own queries.
PAGES: dict[str, tuple[str, str, Path, dict[str, str] | None, int]] = {
    # Teams with their counts (one query), service types (one).
    "catalogue (data admin)": ("data_admin", "get", lambda t, s, k: reverse("encounters:catalogue"), None, 5),
    "catalogue (supervisor)": ("supervisor", "get", lambda t, s, k: reverse("encounters:catalogue"), None, 4),
    "new service type": ("data_admin", "get", lambda t, s, k: reverse("encounters:service_type_new"), None, 4),
    # Refused: the duplicate check reads the catalogue once.
    "new service type, refused": (
        "data_admin",
        "post",
        lambda t, s, k: reverse("encounters:service_type_new"),
        {"name": "Condoms", "category": "supplies", "order": "5"},
        5,
    ),
    "edit service type": (
        "data_admin",
        "get",
        lambda t, s, k: reverse("encounters:service_type_edit", args=[k.pk]),
        None,
        4,
    ),
    "team": ("supervisor", "get", lambda t, s, k: reverse("encounters:team_catalogue", args=[t.pk]), None, 6),
    "new site": ("supervisor", "get", lambda t, s, k: reverse("encounters:site_new", args=[t.pk]), None, 4),
    "edit site": ("data_admin", "get", lambda t, s, k: reverse("encounters:site_edit", args=[s.pk]), None, 4),
    "quick buttons": ("supervisor", "get", lambda t, s, k: reverse("encounters:quick_buttons", args=[t.pk]), None, 6),
    "quick buttons, refused": (
        "data_admin",
        "post",
        lambda t, s, k: reverse("encounters:quick_buttons", args=[t.pk]),
        {"button_condoms": "on", "position_condoms": "0"},
        6,
    ),
}


def count(client: HttpClient, method: str, path: str, data: dict[str, str] | None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_query_count_is_pinned_and_constant(
    page_name: str, client: HttpClient, team: Team, supervisor: User, data_admin: User
) -> None:
    role, method, path, data, pinned = PAGES[page_name]
    client.force_login(supervisor if role == "supervisor" else data_admin)
    service_type = ServiceType.objects.get(slug="sterile-syringes")
    site = grow(team, 2)
    with_two = count(client, method, path(team, site, service_type), data)
    grow(team, 18)
    with_twenty = count(client, method, path(team, site, service_type), data)
    assert (with_two, with_twenty) == (pinned, pinned)
