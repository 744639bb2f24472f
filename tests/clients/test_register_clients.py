"""Registering many people at once (`register_clients`, an import's path): each written
exactly as registering one by one wrote them, in a fixed number of statements, with a code
that is taken drawn again, within the transaction's scope."""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Alias, Client, Consent, ConsentKind, new_code, normalise_name
from clients.services import registration
from clients.services.consent import renewal_due
from clients.services.identity import add_alias
from clients.services.names import refresh_search_names
from clients.services.registration import NewPerson, register_client, register_clients
from core.context import AuditContext, audit_context
from core.scope import team_scope
from tests.factories import ClientFactory, TeamFactory

pytestmark = pytest.mark.django_db


def people(team: Team) -> list[NewPerson]:
    """Every kind of detail, and aliases in an order the database sorts differently."""
    return [
        NewPerson(home_team=team, preferred_name="María José", year_of_birth=1984, gender="woman", aliases=("N-1",)),
        NewPerson(
            home_team=team,
            preferred_name="Robin",
            gender="self_described",
            gender_self_described="two-spirit",
            consent_method=Consent.Method.WRITTEN,
            aliases=("zeta", "Álvaro", "alba", "La Flaca"),
        ),
        NewPerson(home_team=team, gender="man", gender_self_described="ignored unless self-described"),
        NewPerson(home_team=team, preferred_name="  Sam  ", year_of_birth=1999, aliases=("N-4", "N-4")),
        NewPerson(home_team=team, preferred_name="Zoë", gender="not_said"),
    ]


def old_one_by_one(*, actor: User, people: Sequence[NewPerson]) -> list[Client]:
    """What the import did before batches, statement for statement as it was written then:
    `register_client` (the person, their search names, CLIENT_CREATED, `record_consent`),
    then `add_alias` per alias. The reference the batch is compared with."""
    made = []
    kind = ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING)
    for person in people:
        with transaction.atomic():
            client = Client.objects.create(
                code=new_code(),
                preferred_name=person.preferred_name,
                home_team=person.home_team,
                year_of_birth=person.year_of_birth,
                gender=person.gender,
                gender_self_described=person.gender_self_described if person.gender == "self_described" else "",
                created_by=actor,
            )
            names = [client.preferred_name, *client.aliases.values_list("name", flat=True)]
            Client.objects.filter(pk=client.pk).update(search_names=" ".join(normalise_name(n) for n in names if n))
            record(action=AuditEvent.Action.CLIENT_CREATED, actor=actor, target=client, client_id=client.pk)
            consent = Consent.objects.create(
                client=client,
                kind=kind,
                decision=Consent.Decision.GIVEN,
                method=person.consent_method,
                recorded_by=actor,
                expires_on=renewal_due(kind, timezone.localdate()),
            )
            record(action=AuditEvent.Action.CONSENT_RECORDED, actor=actor, target=consent, client_id=client.pk)
            for name in person.aliases:
                alias = Alias.objects.create(client=client, name=name, created_by=actor)
                names = [client.preferred_name, *client.aliases.values_list("name", flat=True)]
                Client.objects.filter(pk=client.pk).update(search_names=" ".join(normalise_name(n) for n in names if n))
                record(
                    action=AuditEvent.Action.CLIENT_CHANGED,
                    actor=actor,
                    target=alias,
                    client_id=client.pk,
                    details={"fields": ["aliases"], "change": "added"},
                )
        made.append(client)
    return made


def batches_of_one(*, actor: User, people: Sequence[NewPerson]) -> list[Client]:
    """The registration page's way, once per person: `register_client`, then `add_alias` each."""
    made = []
    for person in people:
        client = register_client(
            actor=actor,
            home_team=person.home_team,
            preferred_name=person.preferred_name,
            year_of_birth=person.year_of_birth,
            gender=person.gender,
            gender_self_described=person.gender_self_described,
            consent_method=person.consent_method,
        )
        for name in person.aliases:
            add_alias(actor=actor, client=client, name=name)
        made.append(client)
    return made


SKIPPED = {"id", "code", "home_team_id", "created_at"}


def written(clients: list[Client]) -> list[dict[str, Any]]:
    """Everything stored for each person (their row, consents, aliases, audit events), with
    ids, codes, teams and times left out and each event's object named by what it is."""
    snapshot = []
    for client in clients:
        row = Client.objects.filter(pk=client.pk).values().get()
        consents = list(client.consents.values("pk", "kind_id", "decision", "method", "recorded_by_id", "expires_on"))
        aliases = list(client.aliases.order_by("pk").values("pk", "name", "created_by_id"))
        names = {
            ("clients.client", str(client.pk)): "the person",
            **{("clients.consent", str(c["pk"])): f"consent {c['kind_id']}" for c in consents},
            **{("clients.alias", str(a["pk"])): f"alias {a['name']}" for a in aliases},
        }
        events = AuditEvent.objects.filter(client_id=client.pk).values(
            "action", "actor_id", "object_type", "object_id", "request_id", "ip", "details"
        )
        snapshot.append(
            {
                "person": {name: value for name, value in row.items() if name not in SKIPPED},
                "consents": sorted(str({k: v for k, v in c.items() if k != "pk"}) for c in consents),
                "aliases": sorted((a["name"], a["created_by_id"]) for a in aliases),
                "events": sorted(
                    (
                        e["action"],
                        e["actor_id"],
                        names[(e["object_type"], e["object_id"])],
                        e["request_id"],
                        e["ip"],
                        str(e["details"]),
                    )
                    for e in events
                ),
            }
        )
    return snapshot


@pytest.fixture
def with_a_request() -> Iterator[None]:
    with audit_context(AuditContext(ip="203.0.113.7", request_id="req-1")):
        yield


def test_a_batch_writes_exactly_what_registering_one_by_one_wrote(worker: User, with_a_request: None) -> None:
    teams = [TeamFactory.create() for _ in range(3)]
    before = old_one_by_one(actor=worker, people=people(teams[0]))
    batch = register_clients(actor=worker, people=people(teams[1]))
    one_at_a_time = batches_of_one(actor=worker, people=people(teams[2]))
    expected = written(before)
    assert written(batch) == expected
    assert written(one_at_a_time) == expected
    # What the comparison covers, so that it cannot pass on nothing:
    robin = expected[1]
    # In the database's order of the aliases (its collation's, not Python's): compared above.
    assert sorted(robin["person"]["search_names"].split()) == ["alba", "alvaro", "flaca", "la", "robin", "zeta"]
    assert robin["person"]["gender_self_described"] == "two-spirit"
    assert expected[2]["person"]["gender_self_described"] == ""
    assert [len(person["events"]) for person in expected] == [3, 6, 2, 4, 2]
    assert expected[4]["person"]["search_names"] == "zoe"
    assert ("client_changed", worker.pk, "alias zeta", "req-1", "203.0.113.7") in {e[:5] for e in robin["events"]}
    assert [e[0] for e in robin["events"]] == ["client_changed"] * 4 + ["client_created", "consent_recorded"]
    assert [client.home_team_id for client in batch] == [teams[1].pk] * 5
    assert [client.preferred_name for client in batch] == ["María José", "Robin", "", "  Sam  ", "Zoë"]


def test_the_batch_returns_people_as_saved(worker: User, team: Team) -> None:
    [client] = register_clients(actor=worker, people=[NewPerson(home_team=team, preferred_name="Robin")])
    stored = Client.objects.get(pk=client.pk)
    assert (client.code, client.version, client.pronouns, client.search_names) == (
        stored.code,
        stored.version,
        stored.pronouns,
        "robin",
    )
    assert not client._state.adding
    client.pronouns = "they"
    client.save(update_fields=["pronouns"])  # an instance the ORM can save
    assert Client.objects.get(pk=client.pk).pronouns == "they"


def count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_a_batch_costs_the_same_for_2_people_or_20(worker: User, team: Team) -> None:
    """Its savepoint (2); the people (1) and their CLIENT_CREATED events (1); the kind of
    consent (1); the consents (1) and their events (1); the aliases (1), their people's search
    names (2: the aliases read in the database's order, one UPDATE) and their events (1)."""

    def batch(size: int) -> Callable[[], object]:
        return lambda: register_clients(
            actor=worker,
            people=[
                NewPerson(home_team=team, preferred_name=f"P {n}", aliases=(f"A-{n}", f"B {n}")) for n in range(size)
            ],
        )

    with_two, with_twenty = count(batch(2)), count(batch(20))
    assert (with_two, with_twenty) == (11, 11)
    assert Alias.objects.count() == 44 and AuditEvent.objects.filter(action="client_changed").count() == 44


def test_a_taken_code_is_drawn_again(monkeypatch: pytest.MonkeyPatch, worker: User, team: Team) -> None:
    """The first draw gives a code another team's person has (the transaction cannot see them:
    row-level security) and, twice, the same new code; the people left out draw again."""
    stranger = ClientFactory.create(home_team=TeamFactory.create(), preferred_name="Stranger")
    draws = iter([stranger.code, "KKK-KKK", "KKK-KKK", "MMM-MMM", "NNN-NNN"])
    monkeypatch.setattr(registration, "new_code", lambda: next(draws))
    with team_scope([team.pk]), CaptureQueriesContext(connection) as queries:
        assert not Client.objects.filter(code=stranger.code).exists()  # out of sight
        made = register_clients(actor=worker, people=[NewPerson(home_team=team, preferred_name=n) for n in "abc"])
    assert [client.code for client in made] == ["MMM-MMM", "KKK-KKK", "NNN-NNN"]
    assert sorted(Client.objects.filter(home_team=team).values_list("code", "preferred_name")) == [
        ("KKK-KKK", "b"),
        ("MMM-MMM", "a"),
        ("NNN-NNN", "c"),
    ]
    assert Client.objects.get(pk=stranger.pk).preferred_name == "Stranger"
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "clients_client"')]
    assert len(inserts) == 2  # one draw again, for both people left out
    created = AuditEvent.objects.filter(action="client_created", object_id__in=[str(c.pk) for c in made])
    assert set(created.values_list("client_id", flat=True)) == {c.pk for c in made}
    assert Consent.objects.filter(client__in=made).count() == 3


def test_a_code_never_free_refuses_the_batch(monkeypatch: pytest.MonkeyPatch, worker: User, team: Team) -> None:
    taken = ClientFactory.create(home_team=team).code
    monkeypatch.setattr(registration, "new_code", lambda: taken)
    with pytest.raises(IntegrityError, match="no free code"), transaction.atomic():
        register_clients(actor=worker, people=[NewPerson(home_team=team), NewPerson(home_team=team)])
    assert Client.objects.count() == 1
    assert not AuditEvent.objects.filter(action="client_created").exists()


def test_a_person_of_a_team_out_of_scope_is_refused_with_the_batch(worker: User, team: Team, other_team: Team) -> None:
    with pytest.raises(Exception, match="row-level security"), transaction.atomic(), team_scope([team.pk]):
        register_clients(actor=worker, people=[NewPerson(home_team=team), NewPerson(home_team=other_team)])
    assert not Client.objects.exists()
    assert not AuditEvent.objects.filter(action="client_created").exists()


def test_no_one_to_register_writes_nothing(worker: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert register_clients(actor=worker, people=[]) == []
    assert queries.captured_queries == []


def test_refresh_search_names_keeps_the_database_order_of_aliases(team: Team) -> None:
    person = ClientFactory.create(home_team=team, preferred_name="Robin")
    for name in ("zeta", "Álvaro", "alba"):
        Alias.objects.create(client=person, name=name)
    refresh_search_names(person)
    expected = " ".join(
        ["robin", *(n.lower().replace("á", "a") for n in person.aliases.values_list("name", flat=True))]
    )
    assert Client.objects.get(pk=person.pk).search_names == person.search_names == expected
