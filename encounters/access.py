"""Access helpers: one contact, referral, overdose response or catalogue row for a user, with
what its page reads preloaded, or NotFound (a 404 that confirms nothing) outside the user's
scope. Views reach these rows only through here (docs/architecture.md)."""

from uuid import UUID

from django.db.models import QuerySet

from accounts.models import Team, User
from accounts.roles import is_limited
from core.errors import NotFound

from .models import Encounter, OverdoseResponse, Referral, ServiceType, Site
from .services.corrections import for_correction


def get_encounter_for_user(user: User, encounter_id: UUID) -> Encounter:
    """The contact with its person, team and timeline details, and its overdose response
    (one-to-one, in the same query)."""
    contacts = Encounter.objects.visible_to(user).for_timeline().select_related("client", "team")
    if is_limited(user):
        contacts = contacts.filter(worker=user)  # a distribution volunteer: only the contacts they logged
    encounter = contacts.select_related("overdose_response__site").filter(pk=encounter_id).first()
    if encounter is None:
        raise NotFound
    return encounter


def get_encounter_for_correction(user: User, encounter_id: UUID) -> Encounter:
    """The contact with what the correction form and its conflict page read; whether the
    user may still correct it is the service's rule (encounters/services/corrections.py)."""
    encounter = for_correction(user).filter(pk=encounter_id).first()
    if encounter is None:
        raise NotFound
    return encounter


def get_referral_for_user(user: User, referral_id: UUID) -> Referral:
    referral = Referral.objects.visible_to(user).for_page().filter(pk=referral_id).first()
    if referral is None:
        raise NotFound
    return referral


def get_overdose_response_for_user(user: User, response_id: UUID) -> OverdoseResponse:
    """With a person, the person's team's; without one (an anonymous person), its team's."""
    response = OverdoseResponse.objects.visible_to(user).for_page().filter(pk=response_id).first()
    if response is None:
        raise NotFound
    return response


def managed_teams(user: User) -> QuerySet[Team]:
    """Teams whose sites and quick buttons the user may change: every team for a data admin,
    the teams they supervise for a supervisor."""
    if user.is_data_admin:
        return Team.objects.all()
    return Team.objects.filter(pk__in=user.supervised_team_ids())


def get_team_for_keeper(user: User, team_id: UUID) -> Team:
    team = managed_teams(user).filter(pk=team_id).first()
    if team is None:
        raise NotFound
    return team


def get_site_for_keeper(user: User, site_id: UUID) -> Site:
    sites = Site.objects.select_related("team")
    if not user.is_data_admin:
        sites = sites.filter(team_id__in=user.supervised_team_ids())
    site = sites.filter(pk=site_id).first()
    if site is None:
        raise NotFound
    return site


def get_service_type(service_type_id: UUID) -> ServiceType:
    """One service type of the organisation's catalogue (data admins' pages)."""
    service_type = ServiceType.objects.filter(pk=service_type_id).first()
    if service_type is None:
        raise NotFound
    return service_type
