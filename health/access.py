"""Access helpers of health: one person's health record, or NotFound outside the user's scope."""

from uuid import UUID

from accounts.models import Team, User
from clients.access import get_client_for_user
from clients.models import Client
from core.errors import NotFound

from .education import Topic
from .prevention import TeamVaccine


def get_health_person_for_user(user: User, code: str) -> Client:
    """The person whose health record the user opens (their team's people only)."""
    return get_client_for_user(user, code)


def get_team_for_topics(user: User, team_id: UUID) -> Team:
    """A team whose safer-use topics the user keeps: one they supervise (another team: NotFound)."""
    team = Team.objects.filter(pk=team_id, pk__in=user.supervised_team_ids()).first()
    if team is None:
        raise NotFound
    return team


def get_topic_for_keeper(user: User, topic_id: UUID) -> Topic:
    """A topic of a team the user supervises, with its team (another team's: NotFound)."""
    topic = Topic.objects.select_related("team").filter(pk=topic_id, team_id__in=user.supervised_team_ids()).first()
    if topic is None:
        raise NotFound
    return topic


def get_team_for_vaccines(user: User, team_id: UUID) -> Team:
    """A team whose own vaccines the user keeps: one they supervise (another team: NotFound)."""
    team = Team.objects.filter(pk=team_id, pk__in=user.supervised_team_ids()).first()
    if team is None:
        raise NotFound
    return team


def get_team_vaccine_for_keeper(user: User, team_vaccine_id: UUID) -> TeamVaccine:
    """A vaccine of a team the user supervises, with its team (another team's: NotFound)."""
    found = TeamVaccine.objects.select_related("team").filter(pk=team_vaccine_id)
    team_vaccine = found.of_teams(user.supervised_team_ids()).first()
    if team_vaccine is None:
        raise NotFound
    return team_vaccine
