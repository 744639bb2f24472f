"""Users, teams and roles.

Roles live on Membership(user, team, role): worker, supervisor and distribution volunteer
are per team (accounts/roles.py says what each may do). The data
admin role is organisation-wide (a flag on the user) and sees anonymised figures only,
never identifiable records, unless that user is also a member of a team.
"""

import uuid
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .roles import Role, held_roles


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. `is_staff`/`is_superuser` make a system admin (Django admin)."""

    is_data_admin = models.BooleanField(
        _("data admin"),
        default=False,
        help_text=_("Organisation-wide: anonymised figures and exports, no identifiable records."),
    )
    teams = models.ManyToManyField(Team, through="Membership", related_name="users", blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def memberships_by_team(self) -> dict[uuid.UUID, str]:
        """Team id -> role, loaded once per request (every scoped query reads it)."""
        return dict(self.memberships.values_list("team_id", "role"))

    @property
    def team_ids(self) -> list[uuid.UUID]:
        return list(self.memberships_by_team)

    def supervised_team_ids(self) -> list[uuid.UUID]:
        if Role.SUPERVISOR not in self.roles:
            return []  # a distribution volunteer anywhere supervises nowhere (accounts/roles.py)
        return [team for team, role in self.memberships_by_team.items() if role == Membership.Role.SUPERVISOR]

    @property
    def roles(self) -> set[str]:
        """Team roles (accounts/roles.py: a volunteer anywhere holds only `volunteer`) and data admin."""
        roles = held_roles(self.memberships_by_team)
        if self.is_data_admin:
            roles.add(DATA_ADMIN)
        return roles


DATA_ADMIN = "data_admin"


class Membership(models.Model):
    Role = Role  # accounts/roles.py: the roles and what each may do

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.WORKER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.role})"


class UserSession(AbstractBaseSession):
    """Django's database session with the signed-in user's id beside it.

    `accounts.sessions.SessionStore` fills `user` on every save, so ending all of one user's
    sessions (deactivation, a system admin's action, a two-factor reset) is one DELETE.
    Anonymous sessions (the sign-in steps) have no user.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        # The engine named in settings (accounts.sessions), found by name: the store
        # imports this model, so importing the store here would make a cycle.
        store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        return store


class RecoveryCode(models.Model):
    """A one-time code for signing in without the authenticator app, stored only as a hash.

    Codes carry 78 random bits, so a SHA-256 of the code is enough (a slow hash would only
    slow down sign-in: finding a code from its hash still takes about 2^77 guesses). A code is used by
    setting `used_at` in the same UPDATE that finds it, so it works exactly once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user"))
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_user_hash")]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked and not expired: the only tokens the API accepts."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal access token for the API (/api/v1/), made by its user on their own page.

    The secret is shown once, when it is made, and stored only as SHA-256: it carries 256
    random bits, so a slow hash would only slow every API call (finding a secret from its
    hash still takes about 2^255 guesses). `prefix` (the first characters, not secret) lets
    the user tell their tokens apart. A token acts as its user with the user's roles of the
    moment (a membership ended is a scope lost at once), limited by its own `scope`: read,
    or read and write. It expires (at most 90 days after it was made) and can be revoked at
    any time; revoked and expired tokens stay listed, for the record.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    MAX_DAYS = 90

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("what it is for"), max_length=60)
    prefix = models.CharField(_("starts with"), max_length=12)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [
            # A user's own token page, newest first.
            models.Index(fields=["user", "-created_at"], name="api_token_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
