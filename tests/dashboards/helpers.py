"""Check-ins for report tests, stored as outcomes.services stores them (answers, total by the
instrument's rule), with the team and worker chosen by the test and no audit event."""

from collections.abc import Sequence
from datetime import datetime

from accounts.models import Team, User
from clients.models import Client
from outcomes import scoring
from outcomes.models import Answer, CheckIn, Instrument


def instrument(slug: str) -> Instrument:
    return Instrument.objects.prefetch_related("items").get(slug=slug, is_current=True)


def check_in(
    person: Client,
    of: Instrument,
    values: Sequence[int | None],
    *,
    at: datetime,
    by: User | None = None,
    team: Team | None = None,
) -> CheckIn:
    """Answers `values` to the instrument's items in order (None: prefer not to say)."""
    items = list(of.items.all())
    answers = {item.pk: value for item, value in zip(items, values, strict=False)}
    made = CheckIn.objects.create(
        client=person,
        team=team or person.home_team,
        instrument=of,
        taken_at=at,
        recorded_by=by,
        total=scoring.total(of, items, answers),
    )
    Answer.objects.bulk_create(
        Answer(check_in=made, item_id=item_id, value=value, is_declined=value is None)
        for item_id, value in answers.items()
    )
    return made
