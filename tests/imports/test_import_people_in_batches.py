"""A list of people comes in by batches (`register_clients`): a fixed number of statements per
batch whatever its size, each person found afterwards by name, alias and old code, and the
same list imported again records nothing new."""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team, User
from audit.chain import verify
from audit.models import AuditEvent
from clients.models import Alias, Client, Consent, ConsentKind
from imports import services
from imports.people import PeoplePlan, plan_people
from imports.services import import_people

pytestmark = pytest.mark.django_db

NAMES = ["Rosalind", "Tomasz", "María José", "Dolores", "Kwame", "Ingrid", "Yusuf", "Aiyana", "Bartholomew", "Chen"]


def a_list(size: int, *, start: int = 0) -> list[list[str]]:
    rows = [["Código", "Nombre", "Apodos", "Año de nacimiento", "Género"]]
    for n in range(start, start + size):
        rows.append([f"OLD-{n}", f"{NAMES[n % 10]} {n}", f"Street {n}; Nick{n}", str(1960 + n % 40), "mujer"])
    return rows


def plan(team: Team, rows: list[list[str]]) -> PeoplePlan:
    planned = plan_people(team=team, rows=rows)
    assert not planned.problems
    return planned


def test_importing_2_people_costs_what_importing_20_does(supervisor: User, team: Team) -> None:
    """One batch (PEOPLE_BATCH is 1,000): `register_clients` (11, as pinned in
    tests/clients/test_register_clients.py; the team's scope adds no statement in the test's
    transaction, and its SET LOCAL is not counted, core/scope.py), then the import's own audit
    event (1)."""
    counts = []
    for size, start in ((2, 0), (20, 100)):
        planned = plan(team, a_list(size, start=start))
        with CaptureQueriesContext(connection) as queries:
            result = import_people(actor=supervisor, plan=planned, lookalikes="keep")
        assert result.created == size
        counts.append(len(queries))
    assert counts == [12, 12]
    assert Alias.objects.count() == 3 * 22
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_CHANGED).count() == 3 * 22


def test_each_batch_costs_the_same_and_reports_its_progress(
    monkeypatch: pytest.MonkeyPatch, supervisor: User, team: Team
) -> None:
    monkeypatch.setattr(services, "PEOPLE_BATCH", 3)
    planned = plan(team, a_list(7))
    done: list[int] = []
    with CaptureQueriesContext(connection) as queries:
        import_people(actor=supervisor, plan=planned, lookalikes="keep", progress=done.append)
    assert done == [3, 6, 7]
    assert len(queries) == 3 * 11 + 1  # three batches of 11, the import's event
    assert Client.objects.filter(home_team=team).count() == 7


def test_imported_people_are_found_by_name_alias_and_old_code(
    supervisor: User, worker_client: HttpClient, team: Team
) -> None:
    import_people(actor=supervisor, plan=plan(team, a_list(20)), lookalikes="keep")

    def found(text: str) -> list[str]:
        response = worker_client.post(reverse("clients:list"), {"q": text})
        return [person.preferred_name for person in response.context["people"]]

    assert sorted(found("Bartholomew")) == ["Bartholomew 18", "Bartholomew 8"]  # by name
    assert found("maria jose 12")[0] == "María José 12"  # accents and case aside
    assert found("Kwame 4") == ["Kwame 4", "Kwame 14"]
    # By an alias and by the old code: the best match first (the search is fuzzy).
    assert found("Nick17")[0] == "Aiyana 17"
    assert found("street 13")[0] == "Dolores 13"
    assert found("OLD-15")[0] == "Ingrid 15"
    assert Client.objects.get(preferred_name="Yusuf 16").search_names == "yusuf 16 nick16 old-16 street 16"


def test_the_same_list_imported_twice_records_nothing_new(supervisor: User, team: Team) -> None:
    rows = a_list(12)
    first = import_people(actor=supervisor, plan=plan(team, rows), lookalikes="keep")
    assert (first.created, first.already) == (12, 0)
    stored = (Client.objects.count(), Alias.objects.count(), Consent.objects.count())
    events = AuditEvent.objects.exclude(action=AuditEvent.Action.RECORDS_IMPORTED).count()
    again = import_people(actor=supervisor, plan=plan(team, rows), lookalikes="keep")
    assert (again.created, again.already) == (0, 12)
    assert (Client.objects.count(), Alias.objects.count(), Consent.objects.count()) == stored == (12, 36, 12)
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.RECORDS_IMPORTED).count() == events == 12 * 5
    imported = AuditEvent.objects.filter(action=AuditEvent.Action.RECORDS_IMPORTED).order_by("pk")
    assert [(e.details["created"], e.details["already"]) for e in imported] == [(12, 0), (0, 12)]


def test_every_event_of_a_committed_import_is_a_link_of_an_unbroken_chain(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch, supervisor: User, team: Team
) -> None:
    """Each batch commits on its own (no test transaction around it), one with a code drawn again."""
    # A transactional test may find the kinds of consent emptied by an earlier one (TRUNCATE).
    ConsentKind.objects.get_or_create(slug=ConsentKind.RECORD_KEEPING, defaults={"name": "Keeping a record"})
    monkeypatch.setattr(services, "PEOPLE_BATCH", 4)
    taken = Client.objects.create(home_team=team, code="KKK-KKK").code
    draws = iter([taken, *(f"{letter * 3}-{letter * 3}" for letter in "MNPRSTVW")])
    monkeypatch.setattr("clients.services.registration.new_code", lambda: next(draws))
    result = import_people(actor=supervisor, plan=plan(team, a_list(7)), lookalikes="keep")
    assert result.created == 7
    codes = sorted(Client.objects.exclude(code=taken).values_list("code", flat=True))
    assert codes == ["MMM-MMM", "NNN-NNN", "PPP-PPP", "RRR-RRR", "SSS-SSS", "TTT-TTT", "VVV-VVV"]
    events = AuditEvent.objects.exclude(action=AuditEvent.Action.RECORDS_IMPORTED)
    assert events.count() == 7 * 5 and not events.filter(chain_seq__isnull=True).exists()
    verdict = verify(connection)
    assert verdict.broken is None and verdict.links == AuditEvent.objects.count()
