"""factory-boy factories, one per model."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import ApiToken, Membership, Team, User
from accounts.tokens import PREFIX_LENGTH, hash_secret, new_secret
from clients.models import Client, new_code, normalise_name
from encounters.models import Encounter, ServiceProvided, ServiceType, Site
from health.services.education import ensure_topics

TEST_PASSWORD = "a-long-test-password-123"


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    """A team with its built-in safer-use topics, as health 0007 gives every team there is (a
    team made later gets them at the first read of its topics: tests/health/test_topics.py);
    `topics=False` for one without."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def topics(team: Team, create: bool, extracted: bool | None, **kwargs: object) -> None:  # noqa: N805
        if create and extracted is not False:
            ensure_topics([team.pk])


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.WORKER


class ClientFactory(factory.django.DjangoModelFactory[Client]):
    class Meta:
        model = Client

    code = factory.LazyFunction(new_code)
    preferred_name = factory.Faker("first_name")
    # As refresh_search_names keeps it (aliases added in a test: call refresh_search_names).
    search_names = factory.LazyAttribute(lambda o: normalise_name(o.preferred_name))
    home_team = factory.SubFactory(TeamFactory)
    year_of_birth = 1985
    gender = Client.Gender.WOMAN


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    area = "Centre"


class ServiceTypeFactory(factory.django.DjangoModelFactory[ServiceType]):
    class Meta:
        model = ServiceType

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    category = ServiceType.Category.SUPPLIES
    order = 500


class EncounterFactory(factory.django.DjangoModelFactory[Encounter]):
    class Meta:
        model = Encounter

    client = factory.SubFactory(ClientFactory)
    team = factory.LazyAttribute(lambda o: o.client.home_team if o.client else TeamFactory())
    worker = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory, team=factory.SelfAttribute("..team"))
    happened_at = factory.LazyFunction(timezone.now)


class ServiceProvidedFactory(factory.django.DjangoModelFactory[ServiceProvided]):
    class Meta:
        model = ServiceProvided

    encounter = factory.SubFactory(EncounterFactory)
    service_type = factory.Iterator(ServiceType.objects.order_by("order"))
    quantity = 3


def make_token(user: User, scope: str = "read", *, days: int = 30, name: str = "test") -> str:
    """A usable personal access token for `user` (made directly, without the page's
    checks, so a test can give any role any scope); returns its secret."""
    secret = new_secret()
    ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_secret(secret),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return secret
