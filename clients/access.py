"""Access helpers: fetch one person for a user, or 404 when outside the user's scope."""

from django.http import Http404

from accounts.models import User

from .models import Client, normalise_code


def get_client_for_user(user: User, code: str) -> Client:
    """The person with this code among those the user may see; 404 otherwise.

    404 and not 403, so that a guessed code does not confirm that the person exists.
    """
    normalised = normalise_code(code)
    client = Client.objects.visible_to(user).select_related("home_team").filter(code=normalised).first()
    if client is None:
        raise Http404
    return client
