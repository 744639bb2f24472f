"""A programme to export: people with known identifying values, and a way to run the worker.

`programme` seeds two teams with 40 people whose names, aliases, codes, ids, descriptions,
contact details and every note, goal's words, step, review note, partner and debrief are
known and distinctive (`Programme.secrets`), so a test can look for each of them in every
byte of every file an export writes.
"""

import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from unittest import mock
from uuid import UUID

import pytest
from django.core.management import call_command

from accounts.models import Team, User
from clients.models import Alias, Client
from encounters.models import Encounter, OverdoseResponse, Referral, ReferralUpdate, ServiceProvided, ServiceType, Site
from exports import storage
from exports.models import Export
from goals.models import Goal, Review, Step
from health.models import HealthTest, LinkageStep
from outcomes.models import Answer, CheckIn, Instrument

GENDERS = ["woman", "man", "non_binary", "not_said"]
AREAS = ["Harbour", "Old Town"]
MONTHS = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


@dataclass
class Programme:
    teams: list[Team]
    people: list[Client]
    secrets: set[str] = field(default_factory=set)


def at(month: date, day: int, hour: int = 12) -> datetime:
    return datetime(month.year, month.month, day, hour, tzinfo=UTC)


@pytest.fixture
def export_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    settings.ALONGSIDE_EXPORT_ROOT = root  # type: ignore[attr-defined]
    return root


@pytest.fixture
def programme(team: Team, other_team: Team, worker: User, outsider: User) -> Programme:
    """40 people over two teams and three months, each with contacts and the rest."""
    found = Programme([team, other_team], [])
    services = list(ServiceType.objects.order_by("order")[:3])
    who5 = Instrument.objects.get(slug="who5", is_current=True)
    items = list(who5.items.all())
    sites = {
        (t.pk, area): Site.objects.create(team=t, name=f"Site {t.name} {area} Zq", area=area)
        for t in found.teams
        for area in AREAS
    }
    for n in range(40):
        home = found.teams[n % 2]
        by = worker if home == team else outsider
        person = Client.objects.create(
            home_team=home,
            preferred_name=f"Nameperson{n}x",
            year_of_birth=1960 + (n % 4) * 10,
            gender=GENDERS[n % 4],
            description=f"Tall with a red coat description{n}q",
            contact_details=f"0770000{n:04d}",
            pronouns="they/them",
        )
        Alias.objects.create(client=person, name=f"Aliasname{n}z")
        found.people.append(person)
        found.secrets |= {
            person.preferred_name,
            f"Aliasname{n}z",
            person.code,
            str(person.pk),
            person.pk.hex,
            person.description,
            person.contact_details,
        }
        for m, month in enumerate(MONTHS):
            site = sites[(home.pk, AREAS[(n // 4 + m) % 2])]
            note = f"Contactnote{n}-{m}w"
            contact = Encounter.objects.create(
                client=person, team=home, worker=by, site=site, happened_at=at(month, 1 + n % 27), note=note
            )
            found.secrets.add(note)
            for service in services[: 1 + (n + m) % 3]:
                ServiceProvided.objects.create(encounter=contact, service_type=service, quantity=1 + n % 5)
            check_in = CheckIn.objects.create(
                client=person, team=home, encounter=contact, instrument=who5, taken_at=contact.happened_at,
                recorded_by=by, total=40 + 4 * ((n + m * 3) % 10),
            )  # fmt: skip
            Answer.objects.bulk_create(Answer(check_in=check_in, item=item, value=3) for item in items)
        goal = Goal.objects.create(
            client=person, team=home, words=f"Goalwords{n}v", why=f"Goalwhy{n}v", life_area="housing",
            created_at=at(MONTHS[0], 2), created_by=by, gas_expected=f"Gaslevel{n}v",
        )  # fmt: skip
        Step.objects.create(goal=goal, text=f"Steptext{n}v")
        Review.objects.create(goal=goal, closeness=3, note=f"Reviewnote{n}v", reviewed_at=at(MONTHS[1], 3))
        referral = Referral.objects.create(
            client=person, team=home, to="housing", partner=f"Partnerorg{n}v", status="made",
            created_at=at(MONTHS[1], 4), created_by=by,
        )  # fmt: skip
        ReferralUpdate.objects.create(referral=referral, status="made", at=at(MONTHS[1], 4), by=by)
        if n % 3 == 0:
            debrief = f"Debrieftext{n}v"
            OverdoseResponse.objects.create(
                team=home, client=person, site=sites[(home.pk, AREAS[0])], happened_at=at(MONTHS[2], 5),
                naloxone_doses=2, emergency_services="called", outcome="responsive", debrief=debrief, created_by=by,
            )  # fmt: skip
            found.secrets.add(debrief)
        # An HIV test each in January: reactive for every fifth person (followed by a confirmatory
        # test in February), not shared for every seventh; each team's age band and gender holds 10.
        result = "reactive" if n % 5 == 0 else "not_shared" if n % 7 == 0 else "non_reactive"
        test = HealthTest.objects.create(
            client=person, team=home, kind="hiv", method="rapid" if n % 3 else "referral", result=result,
            tested_on=date(2026, 1, 1 + n % 27), created_by=by,
        )  # fmt: skip
        if result == "reactive":
            LinkageStep.objects.create(test=test, team=home, step="confirmed", done_on=date(2026, 2, 10), created_by=by)
        found.secrets |= {f"Goalwords{n}v", f"Goalwhy{n}v", f"Gaslevel{n}v", f"Steptext{n}v", f"Reviewnote{n}v"}
        found.secrets.add(f"Partnerorg{n}v")
    for m, month in enumerate(MONTHS):
        note = f"Anonnote{m}w"
        Encounter.objects.create(
            client=None, head_count=12, team=team, worker=worker, site=sites[(team.pk, AREAS[0])],
            happened_at=at(month, 9), age_band="25_34", gender="man", note=note,
        )  # fmt: skip
        found.secrets.add(note)
    # Site names are the place, not the area: never exported either.
    found.secrets |= {site.name for site in sites.values()}
    found.secrets |= {worker.username, outsider.username}
    return found


def run_worker() -> None:
    """The real django-tasks-db worker, until the queue is empty (what `make run` starts).

    Inside a test's transaction the worker must not recycle the connection between tasks
    (its `close_old_connections` would close the connection the test's transaction lives
    on); everything else is the worker as it runs in production.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def new_export(user: User, teams: list[Team], datasets: list[str], **extra: object) -> Export:
    from exports.services import start_export

    values: dict[str, object] = {
        "datasets": datasets,
        "team_ids": [t.pk for t in teams],
        "first_month": MONTHS[0],
        "last_month": MONTHS[-1],
        "period": Export.Period.MONTH,
        "file_format": Export.Format.CSV,
        "k": 11,
    } | extra
    return start_export(actor=user, **values)  # type: ignore[arg-type]


def open_zip(export: Export, root: Path) -> zipfile.ZipFile:
    """The export's zip, as stored for every app node (exports/storage.py); nothing is left
    in the worker's scratch folder `root`."""
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.status
    assert not root.exists() or list(root.iterdir()) == []
    return zipfile.ZipFile(BytesIO(storage.read(export.pk)))


def every_text(archive: zipfile.ZipFile) -> dict[str, str]:
    """Every file of the zip as text; an .xlsx is itself a zip, so every part of it too."""
    found: dict[str, str] = {}
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(BytesIO(data)) as inner:
                for part in inner.namelist():
                    found[f"{name}/{part}"] = inner.read(part).decode("utf-8")
        else:
            found[name] = data.decode("utf-8")
    return found


def uuid_forms(value: UUID) -> set[str]:
    return {str(value), value.hex, str(value).upper()}
