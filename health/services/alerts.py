"""Bad-batch alerts: their own service, outside a contact's save path.

A supervisor posts an alert for teams they supervise, a data admin for any team or for
every team; a worker proposes one for their own teams, and it shows once a supervisor of
those teams confirms it. It shows on the Home page of every member of those teams until it
expires or is ended. An alert is never linked to a person.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from core.errors import Invalid, NotFound, PermissionDenied

from ..models import Alert

LONGEST = timedelta(days=30)


def _may_post(actor: User, team_ids: set[UUID]) -> bool:
    return actor.is_data_admin or team_ids <= set(actor.supervised_team_ids())


@transaction.atomic
def post_alert(
    *,
    actor: User,
    description_en: str,
    description_es: str,
    area: str,
    expires_at: datetime,
    teams: list[Team],
    all_teams: bool = False,
) -> Alert:
    """Post an alert (a supervisor of every team chosen, or a data admin), or propose it (a
    worker of every team chosen): it is shown once a supervisor confirms it."""
    description_en, description_es, area = description_en.strip(), description_es.strip(), area.strip()
    if not (description_en or description_es):
        raise Invalid(_("Describe what was found, in English or Spanish."))
    if not area:
        raise Invalid(_("Say where: the area the alert is about."))
    now = timezone.now()
    if not now < expires_at <= now + LONGEST:
        raise Invalid(_("An alert is shown from now for at most 30 days: choose when it ends."))
    team_ids = {team.pk for team in teams}
    if all_teams and not actor.is_data_admin:
        raise PermissionDenied(_("Only a data admin posts an alert for every team."))
    if not all_teams and not team_ids:
        raise Invalid(_("Choose the teams the alert is for."))
    if not actor.is_data_admin and not team_ids <= set(actor.team_ids):
        raise NotFound
    status = Alert.Status.POSTED if _may_post(actor, team_ids) else Alert.Status.PROPOSED
    alert = Alert.objects.create(
        description_en=description_en,
        description_es=description_es,
        area=area,
        expires_at=expires_at,
        all_teams=all_teams,
        status=status,
        created_by=actor,
        posted_at=now if status == Alert.Status.POSTED else None,
        posted_by=actor if status == Alert.Status.POSTED else None,
    )
    if not all_teams:
        alert.teams.set(teams)
    record(action=AuditEvent.Action.ALERT_POSTED, actor=actor, target=alert, details={"status": status})
    return alert


def _teams_of(alert: Alert) -> set[UUID]:
    return set(alert.teams.values_list("pk", flat=True))


@transaction.atomic
def confirm_alert(*, actor: User, alert: Alert) -> Alert:
    """A supervisor of the alert's teams (or a data admin) confirms a worker's alert: it shows from now."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not _may_post(actor, _teams_of(alert)):
        raise PermissionDenied(_("A supervisor of the alert's teams confirms it."))
    if alert.status != Alert.Status.PROPOSED:
        raise Invalid(_("This alert is not waiting for a supervisor."))
    if alert.expires_at <= timezone.now():
        raise Invalid(_("This alert has expired already."))
    alert.status, alert.posted_at, alert.posted_by = Alert.Status.POSTED, timezone.now(), actor
    alert.save(update_fields=["status", "posted_at", "posted_by"])
    record(action=AuditEvent.Action.ALERT_POSTED, actor=actor, target=alert, details={"status": alert.status})
    return alert


@transaction.atomic
def end_alert(*, actor: User, alert: Alert) -> Alert:
    """End an alert before it expires (or turn down a proposed one)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not _may_post(actor, _teams_of(alert)) or (alert.all_teams and not actor.is_data_admin):
        raise PermissionDenied(_("A supervisor of the alert's teams ends it."))
    if alert.status == Alert.Status.ENDED:
        return alert
    alert.status, alert.ended_at = Alert.Status.ENDED, timezone.now()
    alert.save(update_fields=["status", "ended_at"])
    record(action=AuditEvent.Action.ALERT_ENDED, actor=actor, target=alert)
    return alert
