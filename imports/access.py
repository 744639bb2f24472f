"""Reaching one import: its maker's only, while they supervise its team."""

from uuid import UUID

from accounts.models import User
from core.errors import NotFound

from .models import ImportJob


def get_import_for_user(user: User, import_id: UUID) -> ImportJob:
    """The user's own import of a team they supervise (the team preloaded); NotFound otherwise,
    another supervisor's included (it confirms nothing)."""
    job = (
        ImportJob.objects.select_related("team")
        .filter(pk=import_id, created_by=user, team_id__in=user.supervised_team_ids())
        .first()
    )
    if job is None:
        raise NotFound
    return job
