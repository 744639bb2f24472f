"""The REST API, version 1: /api/v1/ (OpenAPI 3 at /api/v1/openapi.json, documentation at
/api/v1/docs).

Built with django-ninja (README: why). Every route reaches data the way the pages do:
through `visible_to(user)` scopes (outside them: 404), the same services with `actor=` the
token's user (a contact through `log_encounter`, the one save path, with its parts), and
the same audit events (a person's record read, a contact opened). Refusals are RFC 9457
problem details (api/problems.py).
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.models import User
from accounts.roles import is_limited
from audit.models import AuditEvent
from audit.services import record
from clients.access import get_client_for_user
from clients.models import Alias, Client, SafetyFlag
from core import errors
from core.paging import make_cursor, read_cursor
from encounters.models import Encounter, EncounterQuerySet, Referral, ServiceProvided, ServiceType, Site
from encounters.services.contacts import ContactConflict, log_encounter
from encounters.services.referrals import NewReferral
from outcomes.models import Answer, CheckIn
from outcomes.services import CheckInAtContact

from . import parts as contact_parts
from . import problems, schemas
from .auth import RateLimited, TokenAuth, caller, full_member, team_member, token_of
from .figures import router as figures_router

PAGE_SIZE = 100
LONGEST_PERIOD_DAYS = 366
CURSOR_SALT = "alongside.api.v1"
REFUSALS = {
    400: problems.Problem,
    401: problems.Problem,
    403: problems.Problem,
    422: problems.Problem,
    429: problems.Problem,
}
SCOPED = {**REFUSALS, 404: problems.Problem}


class AlongsideApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """Ninja's schema, with refusals declared as what they are: application/problem+json."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.PROBLEM_TYPE: content["application/json"]}
        add_links(schema)
        return schema


# OpenAPI links: where an answer's values lead next (a contact logged, then read; a person
# listed, then opened). Clients and the stateful tests follow them.
LINKS = [
    ("api_v1_contact_new", "201", "GetContact", "api_v1_contact", {"contact_id": "$response.body#/id"}),
    ("api_v1_contact_new", "200", "GetContact", "api_v1_contact", {"contact_id": "$response.body#/id"}),
    ("api_v1_contacts", "200", "GetFirstContact", "api_v1_contact", {"contact_id": "$response.body#/items/0/id"}),
    ("api_v1_people", "200", "GetFirstPerson", "api_v1_person", {"code": "$response.body#/items/0/code"}),
    (
        "api_v1_people",
        "200",
        "GetFirstPersonsCheckIns",
        "api_v1_person_check_ins",
        {"code": "$response.body#/items/0/code"},
    ),
    ("api_v1_referrals", "200", "GetReferredPerson", "api_v1_person", {"code": "$response.body#/items/0/person"}),
]


def add_links(schema: dict[str, Any]) -> None:
    operations = {
        operation.get("operationId"): operation
        for operations in schema["paths"].values()
        for operation in operations.values()
    }
    for source, status, name, target, parameters in LINKS:
        answer = operations.get(source, {}).get("responses", {}).get(status)
        if answer is not None and target in operations:
            answer.setdefault("links", {})[name] = {"operationId": target, "parameters": parameters}


api = AlongsideApi(
    title="Alongside API",
    version="1",
    description=(
        "Read a team's people, contacts, referrals, check-ins, services, sites, safer-use topics and vaccines, "
        "and log contacts with their topics and vaccinations, "
        "with a personal access token (Authorization: Bearer ...) made on your API tokens page. "
        "A token sees what its user may see, and nothing more; anything outside is a 404. "
        "Errors are RFC 9457 problem details. Each token may make a limited number of calls a minute (429 after)."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
)


# -- Errors -------------------------------------------------------------------------------


@api.exception_handler(errors.DomainError)
def domain_error(request: HttpRequest, exc: errors.DomainError) -> HttpResponse:
    if isinstance(exc, ContactConflict):
        versions = exc.payload
        return problems.problem(409, exc.message, extra={"differs": versions.differs()})
    return problems.from_domain_error(exc)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Send a usable API token: Authorization: Bearer <token>. Tokens are made on your API tokens page.")
    return problems.problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="alongside"'})


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    detail = _("This token made too many calls this minute. Try again in %(seconds)d seconds.") % {
        "seconds": exc.retry_after
    }
    return problems.problem(429, detail, headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(ValidationError)
def not_valid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = _("Some of what was sent is not in the form this API takes; see errors.")
    return problems.problem(422, detail, field_errors=problems.field_errors(exc.errors))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problems.problem(exc.status_code, str(exc))


# -- Paging -------------------------------------------------------------------------------


def cursor_scope(request: HttpRequest, *parts: object) -> str:
    return ":".join([str(token_of(request).pk), *(str(part) for part in parts)])


def aware(day: date, *, end: bool = False) -> datetime:
    at = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(at)


EARLIEST_DAY, LATEST_DAY = date(1990, 1, 1), date(2200, 1, 1)


def period(since: date | None, until: date | None) -> tuple[date, date]:
    until = until or timezone.localdate()
    if not (EARLIEST_DAY <= until <= LATEST_DAY and (since is None or EARLIEST_DAY <= since <= LATEST_DAY)):
        raise errors.Invalid(_("Ask for dates from 1990 to 2199."))
    since = since or until - timedelta(days=30)
    if since > until:
        raise errors.Invalid(_("The period starts after it ends."))
    if (until - since).days >= LONGEST_PERIOD_DAYS:
        raise errors.Invalid(_("Ask for at most %(days)d days at a time.") % {"days": LONGEST_PERIOD_DAYS})
    return since, until


# -- Who am I -----------------------------------------------------------------------------

me_router = Router(tags=["token"])


@me_router.get("/me", response={200: schemas.Me, **REFUSALS}, url_name="me", summary="The token and its user")
def me(request: HttpRequest) -> dict[str, Any]:
    token = token_of(request)
    user = caller(request)
    memberships = user.memberships.select_related("team").order_by("team__name")
    return {
        "username": user.username,
        "scope": token.scope,
        "expires_at": token.expires_at,
        "teams": [{"team": m.team_id, "team_name": m.team.name, "role": m.role} for m in memberships],
        "is_data_admin": user.is_data_admin,
    }


# -- People -------------------------------------------------------------------------------

people_router = Router(tags=["people"])


@people_router.get(
    "/people",
    response={200: schemas.PeoplePage, **SCOPED},
    url_name="people",
    summary="People of the token's teams",
)
def people(request: HttpRequest, after: str = "") -> dict[str, Any]:
    """Codes, status and dates only: names, aliases and flags are in one person's record
    (`/people/{code}`), whose every read is audited."""
    user = team_member(request)
    scope = cursor_scope(request, "people")
    rows = Client.objects.visible_to(user).current().order_by("id")
    position = read_cursor(after, salt=CURSOR_SALT, scope=scope)
    if position is not None:
        rows = rows.filter(id__gt=position.pk)
    found = list(rows.only("id", "code", "status", "year_of_birth", "created_at", "last_seen_at")[: PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    following = ""
    if len(found) > PAGE_SIZE:
        following = make_cursor(salt=CURSOR_SALT, scope=scope, at=shown[-1].created_at, pk=shown[-1].pk)
    limited = is_limited(user)
    return {"items": [person_summary(person, limited=limited) for person in shown], "next": following}


def person_summary(person: Client, *, limited: bool = False) -> dict[str, Any]:
    """A distribution volunteer (`limited`) gets the code and status, as its pages show
    codes, aliases and flags only: no year of birth, no last seen."""
    return {
        "code": person.code,
        "status": person.status,
        "year_of_birth": None if limited else person.year_of_birth,
        "registered_at": person.created_at,
        "last_seen_at": None if limited else person.last_seen_at,
    }


@people_router.get(
    "/people/{code}", response={200: schemas.Person, **SCOPED}, url_name="person", summary="One person's record"
)
def person(request: HttpRequest, code: str) -> dict[str, Any]:
    """Audited as an opened record, as the person's page is."""
    user = team_member(request)
    found = get_client_for_user(user, code)
    today = timezone.localdate()
    aliases = [alias.name for alias in Alias.objects.filter(client=found).order_by("name")]
    flags = (
        SafetyFlag.objects.filter(client=found, ended_at__isnull=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("-created_at")
    )
    record(action=AuditEvent.Action.CLIENT_VIEWED, actor=user, target=found, client_id=found.pk, details={"via": "api"})
    limited = is_limited(user)  # a distribution volunteer: code, aliases and flags
    return {
        **person_summary(found, limited=limited),
        "preferred_name": "" if limited else found.preferred_name,
        "aliases": aliases,
        "flags": [{"text": flag.text, "until": flag.expires_on} for flag in flags],
        "home_team": found.home_team_id,
    }


@people_router.get(
    "/people/{code}/check-ins",
    response={200: list[schemas.CheckIn], **SCOPED},
    url_name="person_check_ins",
    summary="One person's wellbeing check-ins, oldest first",
)
def person_check_ins(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    user = full_member(request)
    found = get_client_for_user(user, code)
    check_ins = (
        CheckIn.objects.visible_to(user)
        .filter(client=found)
        .select_related("instrument")
        .prefetch_related(Prefetch("answers", Answer.objects.order_by("item__order", "item_id")))
        .order_by("taken_at", "created_at")
    )
    record(
        action=AuditEvent.Action.CLIENT_VIEWED,
        actor=user,
        target=found,
        client_id=found.pk,
        details={"via": "api", "part": "check_ins"},
    )
    return [
        {
            "id": check_in.id,
            "instrument": check_in.instrument_id,
            "instrument_slug": check_in.instrument.slug,
            "instrument_version": check_in.instrument.version,
            "taken_at": check_in.taken_at,
            "total": float(check_in.total) if check_in.total is not None else None,
            "contact": check_in.encounter_id,
            "answers": [
                {"question": answer.item_id, "value": answer.value, "prefers_not_to_say": answer.is_declined}
                for answer in check_in.answers.all()
            ],
        }
        for check_in in check_ins
    ]


# -- Catalogue and sites ------------------------------------------------------------------

catalogue_router = Router(tags=["catalogue"])


@catalogue_router.get(
    "/services",
    response={200: list[schemas.Service], **REFUSALS},
    url_name="services",
    summary="The services catalogue",
)
def services(request: HttpRequest) -> list[dict[str, Any]]:
    caller(request)
    return [
        {
            "slug": service.slug,
            "name": service.label,
            "category": service.category,
            "unit": service.unit,
            "counts_quantity": service.counts_quantity,
            "is_active": service.is_active,
        }
        for service in ServiceType.objects.order_by("order", "name")
    ]


@catalogue_router.get(
    "/sites", response={200: list[schemas.Site], **REFUSALS}, url_name="sites", summary="The sites of the token's teams"
)
def sites(request: HttpRequest) -> list[dict[str, Any]]:
    user = team_member(request)
    return [
        {
            "id": site.id,
            "team": site.team_id,
            "name": site.name,
            "area": site.area,
            "kind": site.kind,
            "is_active": site.is_active,
        }
        for site in Site.objects.filter(team_id__in=user.team_ids).order_by("team_id", "name")
    ]


@catalogue_router.get(
    "/topics",
    response={200: list[schemas.TopicOffered], **REFUSALS},
    url_name="topics",
    summary="The safer-use topics in use of the token's teams",
)
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    """Each team's own list (its words): a contact's `topics` name them by id."""
    return contact_parts.topics_in_use(team_member(request))


@catalogue_router.get(
    "/vaccines",
    response={200: list[schemas.VaccineOffered], **REFUSALS},
    url_name="vaccines",
    summary="The built-in vaccines, and the token's teams' own vaccines in use",
)
def vaccines(request: HttpRequest) -> list[dict[str, Any]]:
    """Not for a distribution volunteer's token (403): vaccinations are recorded by staff."""
    return contact_parts.vaccines_in_use(full_member(request))


# -- Contacts -----------------------------------------------------------------------------

contacts_router = Router(tags=["contacts"])


def contact_summary(contact: Encounter) -> dict[str, Any]:
    return {
        "id": contact.id,
        "happened_at": contact.happened_at,
        "team": contact.team_id,
        "person": contact.client.code if contact.client is not None else None,
        "head_count": contact.head_count,
        "site": contact.site_id,
        "kind": contact.kind,
        "services": [
            {"service": given.service_type.slug, "quantity": given.quantity} for given in contact.services.all()
        ],
    }


def contact_full(contact: Encounter) -> dict[str, Any]:
    """One contact, with its parts (read `contact_parts.with_parts`)."""
    return {
        **contact_summary(contact),
        "age_band": contact.age_band,
        "gender": contact.gender,
        "note": contact.note,
        **contact_parts.parts_stored(contact),
    }


def own_if_limited(contacts: EncounterQuerySet, user: User) -> EncounterQuerySet:
    """A distribution volunteer sees only the contacts it logged (another's note is not its
    to read): another's is a 404, as on its pages."""
    return contacts.filter(worker=user) if is_limited(user) else contacts


def with_services() -> Prefetch:
    return Prefetch("services", ServiceProvided.objects.select_related("service_type").order_by("service_type__slug"))


@contacts_router.get(
    "/contacts",
    response={200: schemas.ContactsPage, **SCOPED},
    url_name="contacts",
    summary="Contacts in a period, newest first",
)
def contacts(
    request: HttpRequest, since: date | None = None, until: date | None = None, after: str = ""
) -> dict[str, Any]:
    """Contacts of the token's teams from `since` to `until` (dates, both included; the last 30
    days when not given; at most 366 days). Notes are in one contact (`/contacts/{id}`),
    whose every read is audited."""
    user = team_member(request)
    since, until = period(since, until)
    scope = cursor_scope(request, "contacts", since, until)
    rows = own_if_limited(Encounter.objects.all(), user).filter(
        happened_at__gte=aware(since), happened_at__lt=aware(until, end=True)
    )
    position = read_cursor(after, salt=CURSOR_SALT, scope=scope)
    if position is not None:
        rows = rows.older_than(position.at, position.pk)
    found = list(
        rows.newest_visible_to(user, PAGE_SIZE + 1)
        .select_related("client")
        .only("id", "happened_at", "team_id", "client__code", "head_count", "site_id", "kind")
        .prefetch_related(with_services())
        .order_by("-happened_at", "-id")[: PAGE_SIZE + 1]
    )
    shown = found[:PAGE_SIZE]
    following = ""
    if len(found) > PAGE_SIZE:
        following = make_cursor(salt=CURSOR_SALT, scope=scope, at=shown[-1].happened_at, pk=shown[-1].pk)
    return {"items": [contact_summary(contact) for contact in shown], "next": following}


@contacts_router.get(
    "/contacts/{contact_id}", response={200: schemas.Contact, **SCOPED}, url_name="contact", summary="One contact"
)
def contact(request: HttpRequest, contact_id: UUID) -> dict[str, Any]:
    user = team_member(request)
    found = (
        contact_parts.with_parts(own_if_limited(Encounter.objects.visible_to(user), user), user)
        .select_related("client")
        .prefetch_related(with_services())
        .filter(pk=contact_id)
        .first()
    )
    if found is None:
        raise errors.NotFound
    record(
        action=AuditEvent.Action.ENCOUNTER_VIEWED,
        actor=user,
        target=found,
        client_id=found.client_id,
        details={"via": "api"},
    )
    return contact_full(found)


@contacts_router.post(
    "/contacts",
    response={
        200: schemas.ContactSaved,
        201: schemas.ContactSaved,
        **SCOPED,
        400: problems.Problem,
        409: problems.Problem,
    },
    url_name="contacts",
    summary="Log a contact (idempotent by its id)",
)
def contact_new(request: HttpRequest, payload: schemas.ContactIn) -> Status[dict[str, Any]]:
    """Stored through the same save path as Log a contact. The id is made by the caller: the
    same submission sent again answers 200 with outcome "duplicate" and stores nothing; the
    same id with different content answers 409 and stores nothing."""
    user = team_member(request, write=True)
    happened_at = check_storable(payload)
    person = get_client_for_user(user, payload.person) if payload.person else None
    team_id = person.home_team_id if person is not None else payload.team
    if team_id is None:
        if len(user.team_ids) != 1:
            raise errors.Invalid(_("Say which team this anonymous contact counts for."))
        team_id = user.team_ids[0]
    if team_id not in user.team_ids:
        raise errors.NotFound
    team = user.memberships.select_related("team").get(team_id=team_id).team
    site = None
    if payload.site is not None:
        site = Site.objects.filter(pk=payload.site, team_id__in=user.team_ids).first()
        if site is None:
            raise errors.NotFound
    check_choice(payload.kind, Encounter.Kind.values, _("kind"))
    if payload.age_band:
        check_choice(payload.age_band, Encounter.AgeBand.values, _("rough age"))
    if payload.gender:
        check_choice(payload.gender, Client.Gender.values, _("gender"))
    given = service_quantities(payload.services)
    parts: dict[str, Any] = {}
    if payload.referral is not None:
        check_choice(payload.referral.to, Referral.To.values, _("referred to"))
        check_choice(payload.referral.status, ["suggested", "made"], _("status"))
        parts["referral"] = NewReferral(
            to=payload.referral.to,
            partner=payload.referral.partner,
            status=payload.referral.status,
            follow_up_on=payload.referral.follow_up_on,
        )
    if payload.check_ins:
        parts["check_ins"] = tuple(
            CheckInAtContact(instrument_id=item.instrument, answers=dict(item.answers)) for item in payload.check_ins
        )
    parts |= contact_parts.parts_sent(payload, user=user, team=team, person=person)
    logged = log_encounter(
        actor=user,
        encounter_id=payload.id,
        team=team,
        client=person,
        head_count=payload.head_count,
        happened_at=happened_at,
        site=site,
        kind=payload.kind,
        services=given,
        age_band=payload.age_band,
        gender=payload.gender,
        note=payload.note,
        parts=parts,
    )
    stored = (
        contact_parts.with_parts(Encounter.objects.all(), user)
        .select_related("client")
        .prefetch_related(with_services())
        .get(pk=logged.encounter.pk)
    )
    return Status(201 if logged.created else 200, {**contact_full(stored), "outcome": str(logged.outcome)})


EARLIEST_CONTACT = datetime(1990, 1, 1, tzinfo=UTC)
# A phone's clock a little ahead of the server's is not a contact in the future.
FUTURE_ALLOWANCE = timedelta(minutes=5)


def check_storable(payload: schemas.ContactIn) -> datetime:
    """Rules the schema cannot state, refused in words (400) before anything is stored: a time
    from 1990 on and not in the future (as Log a contact says; a far-off year would not even
    convert to UTC), text without NUL characters or lone surrogates (PostgreSQL stores
    neither). Returns the time in UTC: PostgreSQL takes no offset beyond 15:59, which ISO 8601
    allows."""
    try:
        at = payload.happened_at.astimezone(UTC)
    except OverflowError:
        at = None
    if at is None or at < EARLIEST_CONTACT:
        raise errors.Invalid(_("A contact's time must be from 1990 on."))
    if at > timezone.now() + FUTURE_ALLOWANCE:
        raise errors.Invalid(_("A contact cannot be in the future."))
    texts = [payload.note, payload.person or ""]
    if payload.referral is not None:
        texts.append(payload.referral.partner)
    for text in texts:
        if "\x00" in text:
            raise errors.Invalid(_("Text may not contain NUL characters."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise errors.Invalid(_("Text must be valid Unicode.")) from error
    return at


def check_choice(value: str, allowed: list[str], name: str) -> None:
    if value not in allowed:
        raise errors.Invalid(
            _("Unknown %(name)s: use one of %(allowed)s.") % {"name": name, "allowed": ", ".join(allowed)}
        )


def service_quantities(given: list[schemas.ServiceGiven]) -> dict[ServiceType, int]:
    slugs = [item.service for item in given]
    if len(set(slugs)) != len(slugs):
        raise errors.Invalid(_("Name each service once, with its quantity."))
    known = {service.slug: service for service in ServiceType.objects.filter(slug__in=slugs, is_active=True)}
    unknown = sorted(set(slugs) - set(known))
    if unknown:
        raise errors.Invalid(_("Services not in the catalogue: %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return {known[item.service]: (item.quantity if known[item.service].counts_quantity else 1) for item in given}


# -- Referrals ----------------------------------------------------------------------------

referrals_router = Router(tags=["referrals"])


@referrals_router.get(
    "/referrals",
    response={200: schemas.ReferralsPage, **SCOPED},
    url_name="referrals",
    summary="Referrals, newest first",
)
def referrals(
    request: HttpRequest,
    status: Annotated[schemas.ReferralFilter, Query(description="open, or one status; all when empty")] = "",
    after: str = "",
) -> dict[str, Any]:
    user = full_member(request)
    rows = Referral.objects.visible_to(user).select_related("client")
    if status == "open":
        rows = rows.open()
    elif status:
        check_choice(status, ["open", *Referral.Status.values], _("status"))
        rows = rows.filter(status=status)
    scope = cursor_scope(request, "referrals", status)
    position = read_cursor(after, salt=CURSOR_SALT, scope=scope)
    if position is not None:
        rows = rows.filter(Q(created_at__lt=position.at) | Q(created_at=position.at, id__lt=position.pk))
    found = list(rows.order_by("-created_at", "-id")[: PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    following = ""
    if len(found) > PAGE_SIZE:
        following = make_cursor(salt=CURSOR_SALT, scope=scope, at=shown[-1].created_at, pk=shown[-1].pk)
    items = [
        {
            "id": referral.id,
            "person": referral.client.code,
            "team": referral.team_id,
            "to": referral.to,
            "partner": referral.partner,
            "status": referral.status,
            "follow_up_on": referral.follow_up_on,
            "created_at": referral.created_at,
            "contact": referral.encounter_id,
        }
        for referral in shown
    ]
    return {"items": items, "next": following}


api.add_router("", me_router)
api.add_router("", people_router)
api.add_router("", catalogue_router)
api.add_router("", contacts_router)
api.add_router("", referrals_router)
api.add_router("", figures_router)
