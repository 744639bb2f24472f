"""What the API sends and receives (pydantic, through django-ninja): the OpenAPI schema is
made from these, and every answer is checked against them before it leaves."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime

# The choices of encounters.models, written out so the schema lists them (tests/api check they agree).
ContactKind = Literal["street", "drop_in", "van", "phone", "other"]
AgeBand = Literal["", "under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]
Gender = Literal["", "woman", "man", "non_binary", "self_described", "not_said"]
ReferredTo = Literal[
    "treatment", "housing", "mental_health", "primary_care", "hiv_hepatitis", "legal_aid", "benefits", "other"
]
NewReferralStatus = Literal["suggested", "made"]
ReferralFilter = Literal["", "open", "suggested", "made", "attended", "not_attended", "declined"]
BuiltInVaccine = Literal["hep_a", "hep_b", "tetanus", "flu", "covid"]
VaccineWhere = Literal["by_team", "elsewhere"]
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,50}$")]
AnswerValue = Annotated[int, Field(ge=-1000, le=1000)]


class Me(Schema):
    username: str
    scope: str = Field(description="read, or write (read and write)")
    expires_at: datetime
    teams: list["Membership"]
    is_data_admin: bool


class Membership(Schema):
    team: UUID
    team_name: str
    role: str


class Flag(Schema):
    text: str
    until: date | None


class PersonSummary(Schema):
    code: str = Field(description="The code Alongside made for the person, e.g. KM4-T7X")
    status: str
    year_of_birth: int | None
    registered_at: datetime
    last_seen_at: datetime | None


class Person(PersonSummary):
    preferred_name: str
    aliases: list[str]
    flags: list[Flag] = Field(description="Safety flags in force: what every worker must know first")
    home_team: UUID


class PeoplePage(Schema):
    items: list[PersonSummary]
    next: str = Field(description="Cursor of the next page; empty on the last page")


class Service(Schema):
    slug: str
    name: str
    category: str
    unit: str
    counts_quantity: bool
    is_active: bool


class Site(Schema):
    id: UUID
    team: UUID
    name: str
    area: str
    kind: str
    is_active: bool


class TopicOffered(Schema):
    id: UUID
    team: UUID
    name: str = Field(description="In the caller's language while it is a built-in name; else as the team typed it")


class VaccineOffered(Schema):
    vaccine: str = Field(description="What to send: a built-in vaccine's key, or the id of a team's own vaccine")
    team: UUID | None = Field(description="The team whose own vaccine this is; null for a built-in vaccine")
    name: str
    doses: int = Field(description="The highest dose number: a team's vaccine's full course")


class ServiceGiven(Schema):
    service: Slug = Field(description="A service's slug from /services")
    quantity: int = Field(ge=1, le=999)


class ReferralIn(Schema):
    to: ReferredTo
    partner: str = Field(default="", max_length=120)
    status: NewReferralStatus = "made"
    follow_up_on: date | None = None


class CheckInIn(Schema):
    instrument: UUID
    answers: dict[UUID, AnswerValue | None] = Field(description="Question id to answer; null: prefers not to say")


class TopicIn(Schema):
    topic: UUID = Field(description="A topic's id from /topics: one of the contact's team's, in use")
    practised: bool = Field(default=False, description="Practised (a skill shown and tried), not only talked about")


class VaccinationIn(Schema):
    vaccine: BuiltInVaccine | UUID = Field(
        description="A built-in vaccine's key, or the id of one of the person's team's own vaccines (from /vaccines)"
    )
    dose: int = Field(ge=1, le=5, description="The dose's number in its course (a team's vaccine: up to its doses)")
    where: VaccineWhere = "by_team"


class ContactIn(Schema):
    id: UUID = Field(description="Made by the caller before sending: the same id sent again is stored once")
    team: UUID | None = Field(
        default=None, description="Needed for an anonymous contact when the token's user has several teams"
    )
    person: str | None = Field(
        default=None, max_length=20, description="The person's code; none for an anonymous contact"
    )
    head_count: int = Field(default=1, ge=1, le=200, description="Anonymous contacts: how many people")
    happened_at: AwareDatetime
    site: UUID | None = None
    kind: ContactKind = "street"
    age_band: AgeBand = Field(default="", description="Anonymous contacts only")
    gender: Gender = Field(default="", description="Anonymous contacts only")
    services: list[ServiceGiven] = Field(default_factory=list, max_length=50)
    note: str = Field(default="", max_length=1000)
    referral: ReferralIn | None = None
    check_ins: list[CheckInIn] = Field(default_factory=list, max_length=10)
    topics: list[TopicIn] = Field(
        default_factory=list, max_length=50, description="Safer-use topics talked about or practised, each once"
    )
    vaccinations: list[VaccinationIn] = Field(
        default_factory=list, max_length=10, description="Registered people only: doses given, each vaccine once"
    )


class ContactSummary(Schema):
    id: UUID
    happened_at: datetime
    team: UUID
    person: str | None = Field(description="The person's code; null for an anonymous contact")
    head_count: int
    site: UUID | None
    kind: str
    services: list[ServiceGiven]


class TopicCovered(Schema):
    topic: UUID
    name: str
    practised: bool


class VaccinationGiven(Schema):
    vaccine: str = Field(description="A built-in vaccine's key, or the id of the team's own vaccine")
    name: str
    dose: int
    where: str


class Contact(ContactSummary):
    age_band: str
    gender: str
    note: str
    topics: list[TopicCovered]
    vaccinations: list[VaccinationGiven] | None = Field(
        description="Null for a distribution volunteer's token, which sees no health record"
    )


class ContactSaved(Contact):
    outcome: str = Field(description="created, or duplicate (the same submission was stored already)")


class ContactsPage(Schema):
    items: list[ContactSummary]
    next: str


class Referral(Schema):
    id: UUID
    person: str
    team: UUID
    to: str
    partner: str
    status: str
    follow_up_on: date | None
    created_at: datetime
    contact: UUID | None


class ReferralsPage(Schema):
    items: list[Referral]
    next: str


class Answer(Schema):
    question: UUID
    value: int | None
    prefers_not_to_say: bool


class CheckIn(Schema):
    id: UUID
    instrument: UUID
    instrument_slug: str
    instrument_version: int
    taken_at: datetime
    total: float | None
    contact: UUID | None
    answers: list[Answer]


Me.model_rebuild()
