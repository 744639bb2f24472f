"""Drug-checking results and rights or safety incidents: recorded on their own pages, linked to
a person only if the person wants it (never by default), each with one audit event."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.context import SystemActor
from core.errors import Invalid, NotFound

from ..models import DrugCheck, Incident


def _check_scope(actor: User, team: Team, client: Client | None) -> None:
    if team.pk not in actor.team_ids:
        raise NotFound
    if client is not None and (client.home_team_id != team.pk or client.merged_into_id is not None):
        raise NotFound


def _check_day(on: date) -> None:
    if on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."))


@transaction.atomic
def record_drug_check(
    *,
    actor: User,
    team: Team,
    checked_on: date,
    method: str,
    expected: str = "",
    strip_result: str = "",
    found: str = "",
    plans: str = DrugCheck.Plans.NOT_SAID,
    plans_words: str = "",
    client: Client | None = None,
) -> DrugCheck:
    """A sample checked, for `team`; linked to `client` only when the person wants it."""
    _check_scope(actor, team, client)
    _check_day(checked_on)
    spectrometer = method == DrugCheck.Method.SPECTROMETER
    if method not in DrugCheck.Method.values:
        raise Invalid(_("Choose how the sample was checked."))
    if not spectrometer and strip_result not in DrugCheck.StripResult.values:
        raise Invalid(_("Choose what the strip showed."))
    if spectrometer and not found.strip():
        raise Invalid(_("Type in what the spectrometer found."))
    check = DrugCheck.objects.create(
        team=team,
        client=client,
        checked_on=checked_on,
        method=method,
        expected=expected.strip(),
        strip_result="" if spectrometer else strip_result,
        found=found.strip(),
        plans=plans,
        plans_words=plans_words.strip(),
        created_by=actor,
    )
    record(
        action=AuditEvent.Action.DRUG_CHECK_RECORDED,
        actor=actor,
        target=check,
        client_id=client.pk if client is not None else None,
        details={"linked": client is not None},
    )
    return check


@transaction.atomic
def delete_old_drug_checks(*, actor: SystemActor | User, today: date | None = None) -> int:
    """Delete person-linked results older than ALONGSIDE_DRUG_CHECK_RETENTION_DAYS (results not
    linked to anyone stay: they hold nothing about a person). One audit event with the count."""
    before = (today or timezone.localdate()) - timedelta(days=settings.ALONGSIDE_DRUG_CHECK_RETENTION_DAYS)
    deleted, _rows = DrugCheck.objects.filter(client__isnull=False, checked_on__lt=before).delete()
    if deleted:
        record(action=AuditEvent.Action.DRUG_CHECKS_DELETED, actor=actor, details={"count": deleted})
    return deleted


@transaction.atomic
def record_incident(
    *,
    actor: User,
    team: Team,
    happened_on: date,
    kind: str,
    involved: str,
    help_given: str,
    may_count: bool,
    area: str = "",
    client: Client | None = None,
) -> Incident:
    """An incident the person wanted recorded; linked to them only if they want it."""
    _check_scope(actor, team, client)
    _check_day(happened_on)
    if kind not in Incident.Kind.values or involved not in Incident.Involved.values:
        raise Invalid(_("Choose what happened and who was involved."))
    if help_given not in Incident.Help.values:
        raise Invalid(_("Choose the help that followed."))
    incident = Incident.objects.create(
        team=team,
        client=client,
        happened_on=happened_on,
        kind=kind,
        area=area.strip(),
        involved=involved,
        help_given=help_given,
        may_count=may_count,
        created_by=actor,
    )
    record(
        action=AuditEvent.Action.INCIDENT_RECORDED,
        actor=actor,
        target=incident,
        client_id=client.pk if client is not None else None,
        details={"linked": client is not None, "may_count": may_count},
    )
    return incident
