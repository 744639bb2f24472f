"""Supplies for others, reported reversals and stock, through the one save path."""

import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from core.errors import Invalid
from encounters.catalogue import NALOXONE, SYRINGES
from encounters.models import (
    Encounter,
    ForOthers,
    ReportedReversal,
    ServiceProvided,
    ServiceType,
    Site,
    StockChange,
    StockLevel,
    StockMonth,
)
from encounters.services.contacts import log_encounter
from encounters.services.corrections import ContactValues, EditConflict, correct_encounter, for_correction
from encounters.services.stock import adjust_count, receive_delivery
from encounters.services.supplies import ReversalReport, SuppliesForOthers
from tests.contacts import log_contact

pytestmark = pytest.mark.django_db

URL = reverse("encounters:log")


def anonymous_contact(actor: User, team: Team, **kwargs: object) -> Encounter:
    values: dict[str, object] = {
        "actor": actor,
        "encounter_id": uuid.uuid4(),
        "team": team,
        "client": None,
        "head_count": 1,
        "happened_at": timezone.now(),
        "site": None,
        "kind": "street",
        "services": {},
    }
    return log_encounter(**(values | kwargs)).encounter  # type: ignore[arg-type]


def kit() -> ServiceType:
    return ServiceType.objects.get(slug=NALOXONE)


def test_supplies_for_others_are_kept_apart_from_the_persons(worker: User, team: Team) -> None:
    parts = {"for_others": SuppliesForOthers(items=((NALOXONE, 3), (SYRINGES, 20)), people=4)}
    encounter = anonymous_contact(worker, team, services={kit(): 1}, parts=parts)
    made = ForOthers.objects.get(encounter=encounter)
    assert (made.people, made.team_id) == (4, team.pk)
    assert dict(made.items.values_list("service_type__slug", "quantity")) == {NALOXONE: 3, SYRINGES: 20}
    assert dict(encounter.services.values_list("service_type__slug", "quantity")) == {NALOXONE: 1}
    event = AuditEvent.objects.get(action=AuditEvent.Action.FOR_OTHERS_RECORDED)
    assert (event.actor_id, event.object_id) == (worker.pk, str(encounter.pk))


def test_supplies_for_others_need_an_estimate_of_people(worker: User, team: Team) -> None:
    with pytest.raises(Invalid):
        anonymous_contact(worker, team, parts={"for_others": SuppliesForOthers(items=((NALOXONE, 3),), people=0)})
    assert not Encounter.objects.exists()


def test_a_reported_reversal_keeps_no_person_no_contact_and_only_month_and_area(
    worker: User, person: Client, site: Site
) -> None:
    site.area = "Centre"
    site.save()
    report = ReversalReport(naloxone_doses=2, outcome="survived", emergency_services="declined")
    happened = datetime(2026, 3, 17, 12, 40, tzinfo=UTC)
    log_contact(worker, person, site=site, happened_at=happened, parts={"reversal": report})
    stored = ReportedReversal.objects.get()
    assert (stored.month, stored.area, stored.naloxone_doses) == (date(2026, 3, 1), "Centre", 2)
    assert (stored.outcome, stored.emergency_services) == ("survived", "declined")
    columns = {field.name for field in ReportedReversal._meta.get_fields()}
    assert columns.isdisjoint({"client", "encounter", "created_by", "created_at", "site", "happened_at"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVERSAL_REPORTED)
    assert (event.client_id, event.object_id) == (None, str(stored.pk))


def test_a_reversal_and_its_refill_from_the_page(worker_client: HttpClient, team: Team, site: Site) -> None:
    data = {
        "id": str(uuid.uuid4()),
        "who": "anonymous",
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk),
        "kind": "street",
        "reversal-reported": "on",
        "reversal-outcome": "survived",
        "reversal-emergency_services": "not_called",
        "reversal-refill": "on",
        "others-people": "3",
        f"others-{SYRINGES}": "10",
    }
    response = worker_client.post(URL, data)
    encounter = Encounter.objects.get()
    assert response.status_code == 302
    assert dict(encounter.services.values_list("service_type__slug", "quantity")) == {NALOXONE: 1}
    assert ReportedReversal.objects.get().outcome == "survived"
    assert ForOthers.objects.get(encounter=encounter).people == 3


def test_a_reversal_without_its_answers_is_refused_on_the_page(worker_client: HttpClient, site: Site) -> None:
    data = {
        "id": str(uuid.uuid4()),
        "who": "anonymous",
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "street",
        "reversal-reported": "on",
    }
    response = worker_client.post(URL, data)
    assert response.status_code == 200
    assert "Choose what happened to the person they helped." in response.content.decode()
    assert not Encounter.objects.exists() and not ReportedReversal.objects.exists()


def test_a_volunteer_logs_an_anonymous_contact_with_both(volunteer_client: HttpClient, volunteer: User) -> None:
    data = {
        "id": str(uuid.uuid4()),
        "who": "anonymous",
        "head_count": "2",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "street",
        "reversal-reported": "on",
        "reversal-outcome": "unknown",
        "reversal-emergency_services": "called",
        "others-people": "5",
        f"others-{NALOXONE}": "2",
    }
    assert volunteer_client.post(URL, data).status_code == 302
    encounter = Encounter.objects.get()
    assert (encounter.worker_id, encounter.head_count) == (volunteer.pk, 2)
    assert ForOthers.objects.get().people == 5 and ReportedReversal.objects.count() == 1
    assert not ServiceProvided.objects.exists()  # no refill asked for


def test_a_contact_takes_what_it_gives_off_the_stock(supervisor: User, worker: User, person: Client) -> None:
    today = timezone.localdate()
    receive_delivery(actor=supervisor, team=person.home_team, service_type=kit(), quantity=50, on=today)
    parts = {"for_others": SuppliesForOthers(items=((NALOXONE, 4),), people=2)}
    syringes = ServiceType.objects.get(slug=SYRINGES)
    log_contact(worker, person, services={kit(): 1, syringes: 30}, parts=parts)
    assert StockLevel.objects.get(service_type=kit()).on_hand == 45
    assert not StockLevel.objects.filter(service_type=syringes).exists()  # not kept in stock: left alone
    month = StockMonth.objects.get(service_type=kit())
    assert (month.received, month.given, month.adjusted) == (50, 5, 0)


def test_the_same_submission_again_is_not_taken_twice(supervisor: User, worker: User, person: Client) -> None:
    receive_delivery(actor=supervisor, team=person.home_team, service_type=kit(), quantity=10, on=timezone.localdate())
    contact_id, at = uuid.uuid4(), timezone.now().replace(microsecond=0)
    log_contact(worker, person, encounter_id=contact_id, happened_at=at, services={kit(): 2})
    again = log_contact(worker, person, encounter_id=contact_id, happened_at=at, services={kit(): 2})
    assert not again.created
    assert StockLevel.objects.get().on_hand == 8


def test_a_count_adjusts_with_its_reason(supervisor: User, person: Client) -> None:
    today = timezone.localdate()
    receive_delivery(actor=supervisor, team=person.home_team, service_type=kit(), quantity=10, on=today)
    change = adjust_count(
        actor=supervisor, team=person.home_team, service_type=kit(), counted=7, reason="Expired", on=today
    )
    assert (change.quantity, change.counted, change.reason) == (-3, 7, "Expired")
    assert StockLevel.objects.get().on_hand == 7
    assert StockMonth.objects.get().adjusted == -3


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_contacts_never_make_the_count_wrong(supervisor: User, worker: User, team: Team) -> None:
    """20 contacts at once draw the same items; on hand = received - given + adjustments, exactly."""
    today = timezone.localdate()
    # A transactional test may find the catalogue emptied by an earlier one (TRUNCATE).
    for slug in (NALOXONE, SYRINGES):
        ServiceType.objects.get_or_create(slug=slug, defaults={"name": slug, "category": "supplies"})
    syringes = ServiceType.objects.get(slug=SYRINGES)
    receive_delivery(actor=supervisor, team=team, service_type=kit(), quantity=100, on=today)
    receive_delivery(actor=supervisor, team=team, service_type=syringes, quantity=1000, on=today)
    adjust_count(actor=supervisor, team=team, service_type=kit(), counted=98, reason="Two damaged", on=today)
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def one_contact(n: int) -> None:
        try:
            start.wait()
            # Alternate the order the items are named in: the rows must still lock in one order.
            services = {kit(): 1 + n % 3, syringes: 10} if n % 2 else {syringes: 10, kit(): 1 + n % 3}
            parts = {"for_others": SuppliesForOthers(items=((NALOXONE, 1),), people=2)} if n % 4 == 0 else {}
            anonymous_contact(worker, team, services=services, parts=parts)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_contact, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Encounter.objects.count() == 20
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT st.slug,
                   (SELECT coalesce(sum(sp.quantity), 0) FROM encounters_serviceprovided sp
                     WHERE sp.service_type_id = st.id)
                 + (SELECT coalesce(sum(i.quantity), 0) FROM encounters_forothersitem i
                     WHERE i.service_type_id = st.id)
              FROM encounters_servicetype st WHERE st.slug = ANY(%s)
            """,
            [[NALOXONE, SYRINGES]],
        )
        given = dict(cursor.fetchall())
    assert given[NALOXONE] == sum(1 + n % 3 for n in range(20)) + 5
    for service_type, received, adjusted in ((kit(), 100, -2), (syringes, 1000, 0)):
        level = StockLevel.objects.get(team=team, service_type=service_type)
        assert level.on_hand == received - given[service_type.slug] + adjusted
        month = StockMonth.objects.get(team=team, service_type=service_type)
        assert (month.received, month.given, month.adjusted) == (received, given[service_type.slug], adjusted)


def stock_against_sql(team: Team, service_type: ServiceType) -> tuple[int, int, int, int]:
    """(on hand, received - given + adjusted counted from the rows themselves, given by the
    months' rows, given counted from the contacts' rows): given and adjusted summed by SQL
    over every contact's services and supplies for others, and every delivery and count."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT coalesce(sum(sp.quantity), 0) FROM encounters_serviceprovided sp
                      JOIN encounters_encounter e ON e.id = sp.encounter_id
                     WHERE sp.service_type_id = %(item)s AND e.team_id = %(team)s)
                 + (SELECT coalesce(sum(i.quantity), 0) FROM encounters_forothersitem i
                      JOIN encounters_forothers f ON f.encounter_id = i.for_others_id
                     WHERE i.service_type_id = %(item)s AND f.team_id = %(team)s),
                   (SELECT coalesce(sum(quantity) FILTER (WHERE kind = 'received'), 0)
                         + coalesce(sum(quantity) FILTER (WHERE kind = 'adjusted'), 0)
                      FROM encounters_stockchange WHERE service_type_id = %(item)s AND team_id = %(team)s),
                   (SELECT coalesce(sum(given), 0) FROM encounters_stockmonth
                     WHERE service_type_id = %(item)s AND team_id = %(team)s),
                   (SELECT on_hand FROM encounters_stocklevel WHERE service_type_id = %(item)s AND team_id = %(team)s)
            """,
            {"item": service_type.pk, "team": team.pk},
        )
        given, received_and_adjusted, given_by_months, on_hand = cursor.fetchone()
    return on_hand, received_and_adjusted - given, given_by_months, given


def correct_quantity(
    actor: User, encounter_id: uuid.UUID, service_type: ServiceType, quantity: int, **change: Any
) -> list[str]:
    loaded = for_correction(actor).get(pk=encounter_id)
    values = ContactValues.of(loaded)
    services = {**values.services, service_type: quantity}
    corrected = ContactValues(**{**values.__dict__, "services": services, **change})
    return correct_encounter(actor=actor, encounter=loaded, version=loaded.version, values=corrected)


def test_a_correction_of_a_quantity_adjusts_the_stock(supervisor: User, worker: User, person: Client) -> None:
    team = person.home_team
    receive_delivery(actor=supervisor, team=team, service_type=kit(), quantity=20, on=timezone.localdate())
    contact = log_contact(worker, person, services={kit(): 2}).encounter
    assert StockLevel.objects.get().on_hand == 18

    assert correct_quantity(worker, contact.pk, kit(), 5) == ["services"]
    assert StockLevel.objects.get().on_hand == 15
    assert correct_quantity(worker, contact.pk, kit(), 0) == ["services"]  # none given after all
    level = StockLevel.objects.get()
    assert level.on_hand == 20
    assert StockMonth.objects.get().given == 0
    on_hand, counted, given_by_months, given = stock_against_sql(team, kit())
    assert (on_hand, given_by_months, given) == (counted, 0, 0) == (20, 0, 0)


def test_a_correction_into_another_month_moves_what_was_given_to_that_month(
    supervisor: User, worker: User, person: Client
) -> None:
    team = person.home_team
    now = timezone.localtime().replace(microsecond=0)
    last_month = (now.replace(day=1) - timedelta(days=1)).replace(hour=12)
    receive_delivery(actor=supervisor, team=team, service_type=kit(), quantity=20, on=timezone.localdate())
    contact = log_contact(worker, person, happened_at=now, services={kit(): 3}).encounter

    correct_quantity(worker, contact.pk, kit(), 4, happened_at=last_month)

    months = dict(StockMonth.objects.values_list("month", "given"))
    assert months == {now.date().replace(day=1): 0, last_month.date().replace(day=1): 4}
    assert StockLevel.objects.get().on_hand == 16


@pytest.mark.django_db(transaction=True)
def test_concurrent_corrections_and_contacts_never_make_the_count_wrong(
    supervisor: User, worker: User, team: Team
) -> None:
    """20 corrections of 8 contacts at once (several of the same contact: one of each pair
    wins, the other loads again and corrects again), beside 6 new contacts and a count: on
    hand = received - given + adjustments exactly, given summed by SQL over the contacts."""
    today = timezone.localdate()
    for slug in (NALOXONE, SYRINGES):
        ServiceType.objects.get_or_create(slug=slug, defaults={"name": slug, "category": "supplies"})
    receive_delivery(actor=supervisor, team=team, service_type=kit(), quantity=200, on=today)
    contacts = [anonymous_contact(worker, team, services={kit(): 2}).pk for _n in range(8)]
    start = threading.Barrier(27)
    errors: list[BaseException] = []
    conflicts: list[int] = []

    def correction(n: int) -> None:
        start.wait()
        for _attempt in range(20):
            try:
                correct_quantity(worker, contacts[n % 8], kit(), n % 5)
                return
            except EditConflict:
                conflicts.append(n)  # someone saved this contact first: load it again

    def contact(n: int) -> None:
        start.wait()
        anonymous_contact(worker, team, services={kit(): 1 + n % 2})

    def count() -> None:
        start.wait()
        adjust_count(actor=supervisor, team=team, service_type=kit(), counted=150, reason="Counted", on=today)

    def run(work: Any, *args: int) -> None:
        try:
            work(*args)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(correction, n)) for n in range(20)]
    threads += [threading.Thread(target=run, args=(contact, n)) for n in range(6)]
    threads.append(threading.Thread(target=run, args=(count,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Encounter.objects.count() == 14
    on_hand, counted, given_by_months, given = stock_against_sql(team, kit())
    assert on_hand == counted
    assert given_by_months == given
    assert StockChange.objects.filter(kind=StockChange.Kind.ADJUSTED).count() == 1


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_no_record_level_export_reads_reported_reversals_or_supplies_for_others(period: str) -> None:
    """Reported reversals leave only as the organisation view's protected counts."""
    from exports.datasets import ROW_LEVEL

    for dataset in ROW_LEVEL.values():
        select = dataset.select(period)
        assert "encounters_reportedreversal" not in select
        assert "encounters_forothers" not in select
