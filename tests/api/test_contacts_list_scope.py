"""The API's contacts list walks indexes branch by branch (EncounterQuerySet.newest_visible_to)
instead of filtering with visible_to: it must list exactly what visible_to sees, in the same
order, page after page, for people transferred in and out, merged across teams and back, for a
worker of two teams and for another team's worker."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from clients.models import Client
from clients.services.merge import merge_clients, undo_merge
from clients.services.transfer import transfer_client
from encounters.models import Encounter
from tests.factories import ClientFactory, EncounterFactory, MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

Api = Callable[..., Any]


def listed(call: Api) -> list[str]:
    """Every page of the list, followed through its cursors."""
    ids: list[str] = []
    after = ""
    while True:
        body = call("get", reverse("api:contacts"), **({"after": after} if after else {})).json()
        ids += [item["id"] for item in body["items"]]
        after = body["next"]
        if not after:
            return ids


def expected(user: User) -> list[str]:
    since = timezone.now() - timedelta(days=29)
    rows = Encounter.objects.visible_to(user).filter(happened_at__gte=since).order_by("-happened_at", "-id")
    return [str(pk) for pk in rows.values_list("pk", flat=True)]


@pytest.fixture
def programme() -> dict[str, Any]:
    """Three teams, their people and contacts (some at the same moment, so the id settles the
    order), then transfers and merges that leave contacts counted for a team that is not their
    person's home team any more."""
    north, river, harbour = (TeamFactory.create(name=name) for name in ("North", "River", "Harbour"))
    users = {
        "north": MembershipFactory.create(team=north, user__username="n").user,
        "harbour": MembershipFactory.create(team=harbour, user__username="h").user,
    }
    both = MembershipFactory.create(team=north, user__username="nr").user
    Membership.objects.create(user=both, team=river, role=Membership.Role.WORKER)
    users["north_and_river"] = both
    boss = MembershipFactory.create(team=north, role=Membership.Role.SUPERVISOR, user__username="s").user
    for team in (river, harbour):
        Membership.objects.create(user=boss, team=team, role=Membership.Role.SUPERVISOR)
    now = timezone.now()
    same_moment = now - timedelta(days=2)
    people: dict[str, Client] = {}
    for team in (north, river, harbour):
        for index in range(3):
            person = ClientFactory.create(home_team=team)
            people[f"{team.name}{index}"] = person
            for day in range(4):
                at = same_moment if day == 0 else now - timedelta(days=day * 9, hours=index)
                EncounterFactory.create(client=person, team=team, happened_at=at)
        for day in range(3):
            EncounterFactory.create(client=None, team=team, head_count=2, happened_at=now - timedelta(days=day * 11))
    transfer_client(actor=boss, client=people["River0"], to_team=north)  # into North
    transfer_client(actor=boss, client=people["North1"], to_team=harbour)  # out of North
    transfer_client(actor=boss, client=people["Harbour0"], to_team=river)  # into River
    transfer_client(actor=boss, client=people["Harbour0"], to_team=north)  # and on to North
    merge_clients(actor=boss, survivor=people["North0"], merged=people["Harbour1"], field_choices={})
    kept = merge_clients(actor=boss, survivor=people["North2"], merged=people["River1"], field_choices={})
    undo_merge(actor=boss, merge=kept)
    EncounterFactory.create(client=people["River0"], team=north, happened_at=same_moment)  # after moving
    return {"users": users, "people": people}


@pytest.mark.parametrize("who", ["north", "harbour", "north_and_river"])
def test_the_list_is_what_visible_to_sees_page_after_page(
    who: str, programme: dict[str, Any], api_as: Callable[[User, str], Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import v1

    monkeypatch.setattr(v1, "PAGE_SIZE", 4)  # pages end inside the branches and between them
    user = programme["users"][who]
    wanted = expected(user)
    assert len(wanted) > 8  # the programme gives each of them several pages
    assert listed(api_as(user, "read")) == wanted


def test_the_scenario_has_contacts_of_every_kind(programme: dict[str, Any]) -> None:
    """Guards the test above: it would pass too easily if no contact counted elsewhere."""
    north = programme["users"]["north"]
    seen = Encounter.objects.visible_to(north)
    team_ids = north.team_ids
    assert seen.exclude(team_id__in=team_ids).exists()  # logged by another team for North's people
    assert seen.filter(client__isnull=True).exists()
    assert Encounter.objects.filter(team_id__in=team_ids).exclude(pk__in=seen.values("pk")).exists()  # moved away


def test_every_contact_counted_elsewhere_has_its_person_marked(programme: dict[str, Any]) -> None:
    """The index walk finds another team's contacts of a person only through the mark: every
    transfer and merge (and undo) above must have left it where such contacts exist."""
    unmarked = Encounter.objects.filter(client__isnull=False, client__contacts_elsewhere=False).exclude(
        team_id=F("client__home_team_id")
    )
    assert not unmarked.exists()


def test_a_marked_person_moved_out_gives_the_old_team_nothing(
    programme: dict[str, Any], api_as: Callable[[User, str], Api]
) -> None:
    moved: Client = programme["people"]["North1"]
    assert Client.objects.get(pk=moved.pk).contacts_elsewhere
    listed_ids = set(listed(api_as(programme["users"]["north"], "read")))
    theirs = {str(pk) for pk in Encounter.objects.filter(client=moved).values_list("pk", flat=True)}
    assert theirs and not theirs & listed_ids
    assert theirs <= set(listed(api_as(programme["users"]["harbour"], "read")))


def test_another_teams_worker_in_no_team_gets_nothing(api_as: Callable[[User, str], Api]) -> None:
    team: Team = TeamFactory.create()
    EncounterFactory.create(client=None, team=team, head_count=1)
    loner = MembershipFactory.create(team=TeamFactory.create()).user
    assert listed(api_as(loner, "read")) == []
