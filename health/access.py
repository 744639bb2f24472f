"""Access helpers of health: one person's health record, or NotFound outside the user's scope."""

from accounts.models import User
from clients.access import get_client_for_user
from clients.models import Client


def get_health_person_for_user(user: User, code: str) -> Client:
    """The person whose health record the user opens (their team's people only)."""
    return get_client_for_user(user, code)
