"""Likely duplicates: the warning while registering, and the supervisors' list of pairs."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Alias, Client, DuplicateDismissal
from clients.services.duplicates import duplicate_pairs, likely_duplicates
from clients.services.names import refresh_search_names
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("clients:register")
PAIRS = reverse("clients:duplicate_list")


def registration(**changes: str) -> dict[str, str]:
    return {
        "agrees_to_record": "on",
        "consent_method": "verbal",
        "preferred_name": "Jhonny",
        "year_of_birth": "1985",
        "gender": "man",
        **changes,
    }


def johnny(team: Team, **fields: object) -> Client:
    return ClientFactory.create(
        home_team=team, **{"preferred_name": "Johnny", "year_of_birth": 1985, "gender": "man", **fields}
    )


def dismiss_url(first: Client, second: Client) -> str:
    return reverse("clients:duplicate_dismiss", args=[first.code, second.code])


# While registering


def test_a_near_duplicate_is_shown_and_nothing_is_saved(worker_client: HttpClient, team: Team) -> None:
    existing = johnny(team)
    response = worker_client.post(REGISTER, registration())
    page = response.content.decode()
    assert response.status_code == 200
    assert [person for person, _score in response.context["duplicates"]] == [existing]
    assert "This person may already be registered" in page
    assert reverse("clients:detail", args=[existing.code]) in page
    assert Client.objects.count() == 1
    # Everything typed is still there, and the only way on is an explicit choice.
    assert 'value="Jhonny"' in page and 'value="1985"' in page
    assert 'name="register_anyway"' in page


def test_register_anyway_saves_what_was_typed(worker_client: HttpClient, team: Team) -> None:
    johnny(team)
    response = worker_client.post(REGISTER, registration(register_anyway="1"))
    new = Client.objects.exclude(preferred_name="Johnny").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[new.code])
    assert (new.preferred_name, new.year_of_birth, new.gender) == ("Jhonny", 1985, "man")


def test_without_likely_duplicates_the_person_is_registered_at_once(worker_client: HttpClient, team: Team) -> None:
    johnny(team)
    response = worker_client.post(REGISTER, registration(preferred_name="Sam"))
    assert response.status_code == 302
    assert Client.objects.filter(preferred_name="Sam").exists()


def test_people_of_other_teams_are_never_shown(worker_client: HttpClient, other_team: Team) -> None:
    johnny(other_team)
    response = worker_client.post(REGISTER, registration())
    assert response.status_code == 302
    assert Client.objects.filter(preferred_name="Jhonny").exists()


def test_an_alias_is_matched(worker_client: HttpClient, team: Team) -> None:
    robin = ClientFactory.create(home_team=team, preferred_name="Robin", year_of_birth=1985, gender="man")
    Alias.objects.create(client=robin, name="Johnny Boy")
    refresh_search_names(robin)
    response = worker_client.post(REGISTER, registration())
    assert [person for person, _score in response.context["duplicates"]] == [robin]


def test_a_person_without_a_name_is_not_compared(worker_client: HttpClient, team: Team) -> None:
    ClientFactory.create(home_team=team, preferred_name="", year_of_birth=1985, gender="man")
    response = worker_client.post(REGISTER, registration(preferred_name=""))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("year", "gender", "shown"),
    [
        (1985, "man", True),
        (1987, "man", True),
        (1983, "man", True),
        (1988, "man", False),
        (1985, "woman", False),
        (1985, "not_said", True),
        (1985, "", True),
        (None, "man", True),
    ],
)
def test_year_within_two_and_gender_not_different(
    worker: User, team: Team, year: int | None, gender: str, shown: bool
) -> None:
    existing = johnny(team, year_of_birth=year, gender=gender)
    found = likely_duplicates(worker, name="Jhonny", year_of_birth=1985, gender="man")
    assert [person for person, _score in found] == ([existing] if shown else [])


def test_closer_year_and_same_gender_rank_first(worker: User, team: Team) -> None:
    unknown = johnny(team, year_of_birth=None, gender="")
    near = johnny(team, year_of_birth=1987)
    same = johnny(team)
    found = likely_duplicates(worker, name="Johnny", year_of_birth=1985, gender="man")
    assert [person for person, _score in found] == [same, near, unknown]
    assert found[0][1] == 1.0


def test_merged_people_are_not_suggested(worker: User, team: Team) -> None:
    survivor = johnny(team, preferred_name="Sam")
    johnny(team, merged_into=survivor)
    assert likely_duplicates(worker, name="Johnny", year_of_birth=1985, gender="man") == []


def test_one_word_of_a_longer_name_is_enough(worker: User, team: Team) -> None:
    existing = johnny(team)
    found = likely_duplicates(worker, name="Johnny Garcia", year_of_birth=1985, gender="man")
    assert [person for person, _score in found] == [existing]


# The supervisors' list of pairs


def test_supervisor_sees_a_likely_pair_with_merge_and_dismiss(supervisor_client: HttpClient, team: Team) -> None:
    older = johnny(team)
    newer = johnny(team, preferred_name="Jhonny")
    johnny(team, preferred_name="Sam")
    response = supervisor_client.get(PAIRS)
    page = response.content.decode()
    [pair] = response.context["pairs"]
    assert pair.people == (older, newer)
    assert reverse("clients:merge", args=[older.code, newer.code]) in page
    assert dismiss_url(older, newer) in page
    assert "Johnny" in page and "Jhonny" in page and "Sam" not in page


def test_pairs_are_ranked_by_score(supervisor: User, team: Team) -> None:
    johnny(team)
    johnny(team, preferred_name="Jhonny", year_of_birth=1987)
    ClientFactory.create(home_team=team, preferred_name="Maria", year_of_birth=1990, gender="woman")
    ClientFactory.create(home_team=team, preferred_name="María", year_of_birth=1990, gender="woman")
    pairs = duplicate_pairs(supervisor)
    assert [{p.first.preferred_name, p.second.preferred_name} for p in pairs] == [
        {"Maria", "María"},
        {"Johnny", "Jhonny"},
    ]
    assert pairs[0].score > pairs[1].score


def test_an_alias_makes_a_pair(supervisor: User, team: Team) -> None:
    robin = ClientFactory.create(home_team=team, preferred_name="Robin", year_of_birth=1985, gender="man")
    Alias.objects.create(client=robin, name="Johnny")
    refresh_search_names(robin)
    other = johnny(team)
    [pair] = duplicate_pairs(supervisor)
    assert {pair.first, pair.second} == {robin, other}


@pytest.mark.parametrize(("year", "gender"), [(1988, "man"), (1985, "woman")])
def test_far_years_or_different_genders_make_no_pair(supervisor: User, team: Team, year: int, gender: str) -> None:
    johnny(team)
    johnny(team, year_of_birth=year, gender=gender)
    assert duplicate_pairs(supervisor) == []


def test_pairs_stay_within_a_team(supervisor: User, team: Team, other_team: Team) -> None:
    johnny(team)
    johnny(other_team)
    assert duplicate_pairs(supervisor) == []


def test_a_supervisor_sees_only_the_teams_they_supervise(
    supervisor: User, other_supervisor: User, team: Team, other_team: Team
) -> None:
    johnny(other_team)
    johnny(other_team, preferred_name="Jhonny")
    assert duplicate_pairs(supervisor) == []
    assert len(duplicate_pairs(other_supervisor)) == 1


def test_merged_people_make_no_pair(supervisor: User, team: Team) -> None:
    survivor = johnny(team, preferred_name="Sam")
    johnny(team, merged_into=survivor)
    johnny(team, preferred_name="Jhonny", merged_into=survivor)
    assert duplicate_pairs(supervisor) == []


def test_not_the_same_person_dismisses_the_pair_for_good(supervisor_client: HttpClient, team: Team) -> None:
    first, second = johnny(team), johnny(team, preferred_name="Jhonny")
    response = supervisor_client.post(dismiss_url(second, first))
    assert response.status_code == 302
    assert response["Location"] == PAIRS
    low, high = sorted([first, second], key=lambda person: person.pk)
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.first_id, dismissal.second_id) == (low.pk, high.pk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DUPLICATE_DISMISSED)
    assert event.client_id == low.pk
    assert event.details == {"clients": [str(low.pk), str(high.pk)]}
    assert supervisor_client.get(PAIRS).context["pairs"] == []
    # Dismissing again changes nothing.
    supervisor_client.post(dismiss_url(first, second))
    assert DuplicateDismissal.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DUPLICATE_DISMISSED).count() == 1


def test_a_dismissed_pair_does_not_hide_other_pairs(supervisor: User, team: Team) -> None:
    first, second = johnny(team), johnny(team, preferred_name="Jhonny")
    third = johnny(team, preferred_name="Jonny")
    low, high = sorted([first, second], key=lambda person: person.pk)
    DuplicateDismissal.objects.create(first=low, second=high, dismissed_by=supervisor)
    pairs = {frozenset({pair.first, pair.second}) for pair in duplicate_pairs(supervisor)}
    assert pairs == {frozenset({first, third}), frozenset({second, third})}


def test_dismissing_outside_the_supervised_teams_is_404(
    supervisor_client: HttpClient, team: Team, other_team: Team
) -> None:
    mine, theirs = johnny(team), johnny(other_team)
    assert supervisor_client.post(dismiss_url(mine, theirs)).status_code == 404
    assert not DuplicateDismissal.objects.exists()


def test_dismissing_a_person_with_themselves_is_404(supervisor_client: HttpClient, team: Team) -> None:
    person = johnny(team)
    assert supervisor_client.post(dismiss_url(person, person)).status_code == 404


def test_a_merged_code_cannot_be_dismissed(supervisor_client: HttpClient, team: Team) -> None:
    survivor = johnny(team)
    merged = johnny(team, preferred_name="Jhonny", merged_into=survivor)
    assert supervisor_client.post(dismiss_url(survivor, merged)).status_code == 404


def test_a_worker_cannot_see_pairs(worker_client: HttpClient, team: Team) -> None:
    johnny(team)
    johnny(team, preferred_name="Jhonny")
    response = worker_client.get(PAIRS)
    assert response.status_code == 403
    assert "Jhonny" not in response.content.decode()


def test_no_pairs_says_so(supervisor_client: HttpClient, team: Team) -> None:
    johnny(team)
    page = supervisor_client.get(PAIRS).content.decode()
    assert "No likely duplicates in the teams you supervise." in page
