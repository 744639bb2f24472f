"""Search: one box for code, name and alias; fuzzy, accent-blind, ranked, within scope."""

import re

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from clients.models import Alias, Client, search_arguments, search_condition
from clients.services.names import refresh_search_names
from core.scope import team_scope
from tests.db_roles import owner_connection
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:list")


def found(user: User, text: str) -> list[Client]:
    return list(Client.objects.visible_to(user).matching(text))


def with_alias(client: Client, *names: str) -> Client:
    for name in names:
        Alias.objects.create(client=client, name=name)
    refresh_search_names(client)
    return client


def test_a_misspelling_finds_the_person(worker: User, team: Team) -> None:
    johnny = ClientFactory.create(home_team=team, preferred_name="Johnny")
    ClientFactory.create(home_team=team, preferred_name="Sam")
    assert found(worker, "Jhonny") == [johnny]


@pytest.mark.parametrize("typed", ["maria", "MARIA", "María", "mária"])
def test_accents_and_case_do_not_matter(worker: User, team: Team, typed: str) -> None:
    maria = ClientFactory.create(home_team=team, preferred_name="María")
    assert found(worker, typed) == [maria]


def test_an_alias_finds_its_person(worker: User, team: Team) -> None:
    person = with_alias(ClientFactory.create(home_team=team, preferred_name="Robin"), "La Flaca")
    ClientFactory.create(home_team=team, preferred_name="Sam")
    assert found(worker, "flaca") == [person]


def test_the_page_says_which_alias_matched(worker_client: HttpClient, team: Team) -> None:
    with_alias(ClientFactory.create(home_team=team, preferred_name="Robin"), "Birdie", "La Flaca")
    page = worker_client.post(URL, {"q": "la flaka"}).content.decode()
    assert "known as La Flaca" in page
    assert "Birdie" not in page


def test_no_alias_is_named_when_the_preferred_name_matched(worker_client: HttpClient, team: Team) -> None:
    with_alias(ClientFactory.create(home_team=team, preferred_name="Robin"), "Robbie")
    page = worker_client.post(URL, {"q": "robin"}).content.decode()
    assert "Robin" in page
    assert "known as" not in page


def test_the_contact_picker_names_the_matched_alias(worker_client: HttpClient, team: Team) -> None:
    person = with_alias(ClientFactory.create(home_team=team, preferred_name="Robin"), "La Flaca")
    response = worker_client.post(reverse("encounters:log"), {"find": "1", "q": "flaca"})
    assert [option.pk for option in response.context["options"]] == [person.pk]
    assert "known as La Flaca" in response.content.decode()


def test_exact_code_comes_first(worker: User, team: Team) -> None:
    target = ClientFactory.create(home_team=team, preferred_name="Kim")
    # Someone whose name looks like the code typed still ranks below the code itself.
    ClientFactory.create(home_team=team, preferred_name=target.code)
    assert found(worker, target.code.lower().replace("-", " "))[0] == target


def test_a_partial_code_finds_the_person(worker: User, team: Team) -> None:
    target = ClientFactory.create(home_team=team, preferred_name="Kim", code="KM4-T7X")
    ClientFactory.create(home_team=team, preferred_name="Sam", code="XYW-447")
    assert found(worker, "km4-t") == [target]
    assert found(worker, "KM4") == [target]


def test_names_rank_before_codes_that_start_with_the_same_letters(worker: User, team: Team) -> None:
    code_only = ClientFactory.create(home_team=team, preferred_name="", code="MAR-T7X")
    maria = ClientFactory.create(home_team=team, preferred_name="Maria")
    assert found(worker, "mar") == [maria, code_only]


def test_best_match_first(worker: User, team: Team) -> None:
    exact = ClientFactory.create(home_team=team, preferred_name="Johnny")
    longer = ClientFactory.create(home_team=team, preferred_name="Johnny Two")
    misspelt = ClientFactory.create(home_team=team, preferred_name="Jonny")
    assert found(worker, "johnny") == [exact, longer, misspelt]


def test_words_that_start_with_the_text_come_before_ones_that_only_span_it(worker: User, team: Team) -> None:
    """Plain word similarity would rate "oscar martinez" a perfect match for "mar" ("...ar m...")."""
    spanning = ClientFactory.create(home_team=team, preferred_name="Oscar Martinez")
    maria = ClientFactory.create(home_team=team, preferred_name="Maria")
    assert found(worker, "mar") == [maria, spanning]


def test_a_substring_finds_the_person(worker: User, team: Team) -> None:
    person = ClientFactory.create(home_team=team, preferred_name="Robin")
    assert found(worker, "obi") == [person]


def test_unrelated_names_do_not_match(worker: User, team: Team) -> None:
    ClientFactory.create(home_team=team, preferred_name="Robin")
    ClientFactory.create(home_team=team, preferred_name="Sam")
    assert found(worker, "Xavier") == []


def test_merged_records_never_match(worker: User, team: Team) -> None:
    survivor = ClientFactory.create(home_team=team, preferred_name="Johnny")
    ClientFactory.create(home_team=team, preferred_name="Johnny", merged_into=survivor)
    assert found(worker, "johnny") == [survivor]


@pytest.mark.parametrize("typed", ["Johnny", "jhonny", "johnny two", "km4", "KM4-T7X", "flaca", "jo", "j"])
def test_nothing_outside_scope_is_ever_returned(worker: User, team: Team, other_team: Team, typed: str) -> None:
    mine = ClientFactory.create(home_team=team, preferred_name="Sam")
    hidden = ClientFactory.create(home_team=other_team, preferred_name="Johnny Two", code="KM4-T7X")
    with_alias(hidden, "La Flaca")
    assert found(worker, typed) in ([], [mine])
    assert hidden not in Client.objects.visible_to(worker).matching(typed)


def test_a_partial_code_finds_nothing_outside_scope(worker_client: HttpClient, team: Team, other_team: Team) -> None:
    ClientFactory.create(home_team=other_team, preferred_name="Hidden", code="KM4-T7X")
    response = worker_client.post(URL, {"q": "KM4-T"})
    assert response.context["people"] == []
    assert "KM4-T7X" not in response.content.decode()


def test_the_list_search_ranks_matches(worker_client: HttpClient, team: Team) -> None:
    exact = ClientFactory.create(home_team=team, preferred_name="Maria")
    misspelt = ClientFactory.create(home_team=team, preferred_name="Mariah")
    ClientFactory.create(home_team=team, preferred_name="Sam")
    response = worker_client.post(URL, {"q": "maría"})
    assert response.context["people"] == [exact, misspelt]


@pytest.mark.parametrize("typed", ["Jhonny", "maria jose", "km4-t7x", "KM4"])
def test_every_branch_of_the_search_can_use_an_index(typed: str) -> None:
    """With sequential and plain index scans off, only a bitmap scan is left, and a bitmap
    over an OR needs an index for every branch: client_search_names_trgm for the names
    (an UPPER() from icontains would need a scan). bench/README.md shows the plan at 50,000.

    The branches run in `alongside_people_matching` (clients 0007: under row-level security
    the trigram and LIKE conditions could not use an index from the application's role), as
    the tables' owner: its own SQL, read from the database, is planned here as the owner,
    with the arguments the search sends (the statement it EXECUTEs, clients 0012)."""
    owner = owner_connection()
    try:
        with owner.cursor() as cursor:
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'alongside_people_matching'")
            (source,) = cursor.fetchone()
            # The statement the function EXECUTEs with the arguments (clients 0012).
            quoted = re.search(r"EXECUTE\s+'(.*?)'\s+USING", source, re.DOTALL)
            assert quoted is not None, source
            body = quoted.group(1).replace("''", "'")
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_indexscan = off")
            cursor.execute(f"PREPARE matching(text, text, text, text) AS {body}")
            cursor.execute("EXPLAIN EXECUTE matching(%s, %s, %s, %s)", search_arguments(typed))
            plan = "\n".join(row[0] for row in cursor.fetchall())
    finally:
        owner.close()
    assert "Bitmap Index Scan on client_search_names_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_the_search_uses_the_function_and_finds_only_the_scope(worker: User, team: Team, other_team: Team) -> None:
    mine = ClientFactory.create(home_team=team, preferred_name="Johnny")
    theirs = ClientFactory.create(home_team=other_team, preferred_name="Johnny")
    sql, params = Client.objects.filter(search_condition("jhonny")).query.sql_with_params()
    assert "alongside_people_matching" in sql
    with team_scope([team.pk]), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM alongside_people_matching(%s, %s, %s, %s)", search_arguments("jhonny"))
        assert [row[0] for row in cursor.fetchall()] == [mine.pk]
    assert theirs.pk not in [person.pk for person in found(worker, "johnny")]


def test_thresholds_are_set_for_every_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')")
        assert cursor.fetchone() == ("0.25",)
