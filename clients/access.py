"""Access helpers: fetch one person for a user, or NotFound (a 404) outside the user's scope."""

from accounts.models import User
from core.errors import NotFound

from .models import Client, normalise_code


def get_client_for_user(user: User, code: str) -> Client:
    """The person with this code among those the user may see; NotFound otherwise.

    404 and not 403, so that a guessed code does not confirm that the person exists.
    A merged record's code keeps working: it resolves to the person it was merged into
    (callers compare codes and redirect to the canonical page).
    """
    people = Client.objects.visible_to(user).select_related("home_team")
    client = people.filter(code=normalise_code(code)).first()
    if client is not None and client.merged_into_id is not None:
        client = people.filter(pk=client.merged_into_id).first()
    if client is None:
        raise NotFound
    return client
