"""Workflows on people's records; each writes its audit event."""

from django.db import IntegrityError, transaction

from accounts.models import Team, User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, Consent, ConsentKind, new_code

from .consent import record_consent
from .names import refresh_search_names

CODE_ATTEMPTS = 5


@transaction.atomic
def register_client(
    *,
    actor: User,
    home_team: Team,
    preferred_name: str = "",
    year_of_birth: int | None = None,
    gender: str = "",
    gender_self_described: str = "",
    consent_method: str = Consent.Method.VERBAL,
) -> Client:
    """Register a person who agreed to a record; that agreement is their first consent.

    A code collision (rare: 1 in millions) just draws a new code.
    """
    for attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                client = Client.objects.create(
                    code=new_code(),
                    preferred_name=preferred_name,
                    home_team=home_team,
                    year_of_birth=year_of_birth,
                    gender=gender,
                    gender_self_described=gender_self_described if gender == Client.Gender.SELF_DESCRIBED else "",
                    created_by=actor,
                )
            break
        except IntegrityError:
            if attempt == CODE_ATTEMPTS - 1:
                raise
    refresh_search_names(client)
    record(action=AuditEvent.Action.CLIENT_CREATED, actor=actor, target=client, client_id=client.pk)
    record_consent(
        actor=actor,
        client=client,
        kind=ConsentKind.objects.get(slug=ConsentKind.RECORD_KEEPING),
        decision=Consent.Decision.GIVEN,
        method=consent_method,
    )
    return client


def record_client_viewed(*, actor: User, client: Client) -> None:
    record(action=AuditEvent.Action.CLIENT_VIEWED, actor=actor, target=client, client_id=client.pk)
