"""Safer-use topics and vaccinations in the API: the catalogues a caller picks from, the parts
a contact is logged with, and what a contact had.

Both are contact parts of health/ (health/apps.py), stored only by `log_encounter`, the one
save path, which checks them as it does for Log a contact: a topic must be the contact's
team's, a team's vaccine the person's team's (anything else is refused in the same words as
one that does not exist, so another team's id confirms nothing), each once; vaccinations
need a registered person and are not a distribution volunteer's to record (403), topics are
(at anonymous contacts too). One rule is the API's own, as it is Log a contact's (which
offers only what is in use): a topic or a team's vaccine the team retired is refused,
unless the contact is stored already (a retry of a contact sent before it was retired is
answered by the save path: a duplicate, or a conflict).

What a contact had is read in the contact's own query (two array subqueries), so a contact's
answer costs the queries it did before.
"""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.roles import is_limited
from clients.models import Client
from core import errors
from encounters.models import Encounter, EncounterQuerySet
from health.education import Topic, TopicCovered, topic_label
from health.education_forms import topics_offered
from health.prevention import MAX_DOSE, TeamVaccine, Vaccination
from health.services.education import TopicAtContact
from health.services.prevention import VaccinationAtContact

from . import schemas

OTHER = Vaccination.Vaccine.OTHER


# -- The catalogues -------------------------------------------------------------------------


def topics_in_use(user: User) -> list[dict[str, Any]]:
    """The topics in use of the user's teams, in each team's order (a team without its
    built-in topics yet is seeded first, as its pages do)."""
    topics = sorted(topics_offered(user.team_ids), key=lambda topic: (str(topic.team_id), topic.order, topic.name))
    return [{"id": topic.id, "team": topic.team_id, "name": topic.label} for topic in topics]


def vaccines_in_use(user: User) -> list[dict[str, Any]]:
    """The built-in vaccines (by key, named in the caller's language), then the user's teams'
    own vaccines in use (by id, named as the team typed them)."""
    built_in = [
        {"vaccine": str(vaccine), "team": None, "name": str(vaccine.label), "doses": MAX_DOSE}
        for vaccine in Vaccination.Vaccine
        if vaccine != OTHER
    ]
    own = TeamVaccine.objects.of_teams(user.team_ids).active().in_order()
    return built_in + [
        {"vaccine": str(vaccine.id), "team": vaccine.team_id, "name": vaccine.name, "doses": vaccine.doses}
        for vaccine in own
    ]


# -- A contact's parts, as sent -------------------------------------------------------------


def parts_sent(payload: schemas.ContactIn, *, user: User, team: Team, person: Client | None) -> dict[str, Any]:
    """The parts `education` and `vaccinations` for log_encounter (nothing for none sent),
    after the API's own rule (retired: refused; see above)."""
    parts: dict[str, Any] = {}
    if payload.topics:
        parts["education"] = tuple(TopicAtContact(item.topic, item.practised) for item in payload.topics)
    if payload.vaccinations:
        parts["vaccinations"] = tuple(
            VaccinationAtContact(OTHER, item.dose, item.where, item.vaccine)
            if not isinstance(item.vaccine, str)
            else VaccinationAtContact(item.vaccine, item.dose, item.where)
            for item in payload.vaccinations
        )
    retired = _retired(payload, user=user, team=team, person=person)
    if retired and not Encounter.objects.filter(pk=payload.id).exists():
        raise errors.Invalid(retired)
    return parts


def _retired(payload: schemas.ContactIn, *, user: User, team: Team, person: Client | None) -> str:
    """Why the contact names a retired topic or vaccine of its team ("" when it does not). One
    query for each part sent, none otherwise. Vaccinations the save path refuses whole (an
    anonymous contact's, a volunteer's) are left to it, so they are refused for what they are."""
    topic_ids = {item.topic for item in payload.topics}
    if topic_ids and Topic.objects.filter(pk__in=topic_ids, team=team, is_active=False).exists():
        return _("A topic sent is no longer in use: the team retired it. Ask for /topics to see those in use.")
    vaccine_ids = {item.vaccine for item in payload.vaccinations if not isinstance(item.vaccine, str)}
    if vaccine_ids and person is not None and not is_limited(user):
        retired = TeamVaccine.objects.filter(pk__in=vaccine_ids, team_id=person.home_team_id, is_active=False)
        if retired.exists():
            return _("A vaccine sent is no longer in use: the team retired it. Ask for /vaccines to see those in use.")
    return ""


# -- A contact's parts, as stored -----------------------------------------------------------


def with_parts(contacts: EncounterQuerySet, user: User) -> EncounterQuerySet:
    """The contact query, with its topics and (not for a distribution volunteer, who sees no
    health record) its vaccinations, each as one array."""
    covered = TopicCovered.objects.filter(encounter=OuterRef("pk")).order_by()
    topics = JSONObject(
        topic="topic_id", name="topic__name", key="topic__key", order="topic__order", practised="practised"
    )
    contacts = contacts.annotate(api_topics=ArraySubquery(covered.values(json=topics)))
    if is_limited(user):
        return contacts
    doses = Vaccination.objects.filter(encounter=OuterRef("pk")).order_by()
    shown = JSONObject(
        vaccine="vaccine", team_vaccine="team_vaccine_id", name="team_vaccine__name", dose="dose", where="where"
    )
    return contacts.annotate(api_vaccinations=ArraySubquery(doses.values(json=shown)))


def parts_stored(contact: Encounter) -> dict[str, Any]:
    """What a contact (read `with_parts`) had of each part, in the answer's form;
    `vaccinations` is None when the caller may not see them."""
    topics = sorted(getattr(contact, "api_topics", None) or [], key=lambda item: (item["order"], item["name"]))
    vaccinations = getattr(contact, "api_vaccinations", None)
    return {
        "topics": [
            {"topic": item["topic"], "name": topic_label(item["name"], item["key"]), "practised": item["practised"]}
            for item in topics
        ],
        "vaccinations": None if vaccinations is None else [_dose(item) for item in _in_order(vaccinations)],
    }


def _in_order(doses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(doses, key=lambda item: (item["vaccine"], item["name"] or "", item["team_vaccine"] or ""))


def _dose(item: dict[str, Any]) -> dict[str, Any]:
    own = item["vaccine"] == OTHER and item["team_vaccine"] is not None
    return {
        "vaccine": item["team_vaccine"] if own else item["vaccine"],
        "name": item["name"] if own else str(Vaccination.Vaccine(item["vaccine"]).label),
        "dose": item["dose"],
        "where": item["where"],
    }
