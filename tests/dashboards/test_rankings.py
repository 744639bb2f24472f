"""Rankings and lists the dashboards show come out in one order for the same data, whatever
order the database returns rows in: every sort ends on something unique (issue 12).

Ties are made on purpose and the rows stored in the opposite order of the tie-break, so a
sort without one would come out differently from the one written here."""

from datetime import date

import pytest

from accounts.models import Membership, Team, User
from dashboards import rollups
from dashboards.figures import dashboard
from dashboards.sources import LiveSource, RollupSource, Scope
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from tests.factories import EncounterFactory, MembershipFactory

from .conftest import Programme, at

pytestmark = pytest.mark.django_db


def _scope(team: Team) -> Scope:
    return Scope((team.pk,), date(2026, 1, 1), date(2026, 3, 1))


@pytest.mark.parametrize("source", [RollupSource(), LiveSource()], ids=["rollups", "live"])
def test_services_with_the_same_place_and_name_are_listed_by_short_name(
    programme: Programme, team: Team, worker: User, site: Site, source: RollupSource | LiveSource
) -> None:
    made = [
        ServiceType.objects.create(slug=slug, name="Outreach call", category=ServiceType.Category.SUPPORT, order=300)
        for slug in ("zz-call", "mm-call", "aa-call")
    ]
    for service_type in made:
        contact = EncounterFactory.create(client=None, head_count=2, team=team, worker=worker, site=site,
                                          happened_at=at(2, 10))  # fmt: skip
        ServiceProvided.objects.create(encounter=contact, service_type=service_type, quantity=1)
    rollups.rebuild()
    lines = dashboard(_scope(team), source=source, team_names={team.pk: team.name}).services
    assert [line.slug for line in lines if line.slug.endswith("-call")] == ["aa-call", "mm-call", "zz-call"]


def test_workers_with_as_many_contacts_and_the_same_name_are_ranked_by_id(
    programme: Programme, team: Team, site: Site
) -> None:
    twins = [
        MembershipFactory.create(team=team, role=Membership.Role.WORKER, user__username=f"twin-{n}",
                                 user__first_name="Sam", user__last_name="Lee").user
        for n in range(3)
    ]  # fmt: skip
    for twin in reversed(twins):  # stored against the tie-break's order
        for day in (3, 4, 5, 6, 7, 8, 9):  # more than anyone else in the programme
            EncounterFactory.create(client=None, head_count=1, team=team, worker=twin, site=site,
                                    happened_at=at(3, day))  # fmt: skip
    rollups.rebuild()
    first = dashboard(_scope(team), source=RollupSource(), team_names={team.pk: team.name}).caseload
    again = dashboard(_scope(team), source=RollupSource(), team_names={team.pk: team.name}).caseload
    assert [load.worker_id for load in first[:3]] == sorted(twin.pk for twin in twins)
    assert [load.worker_id for load in again] == [load.worker_id for load in first]
    assert Encounter.objects.filter(worker__in=twins).count() == 21
