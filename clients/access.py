"""Access helpers: fetch one person (or one row of a person's) for a user, or NotFound (a 404)
outside the user's scope."""

from uuid import UUID

from accounts.models import User
from core.errors import NotFound

from .models import Alias, Client, Merge, SafetyFlag, normalise_code


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


def get_client_for_supervisor(user: User, code: str, *, current_code: bool = False) -> Client:
    """The person, when the user supervises the person's home team; NotFound otherwise.

    With `current_code`, a merged record's old code is NotFound too (an action on a pair of
    records must name each by its own code)."""
    client = get_client_for_user(user, code)
    if client.home_team_id not in user.supervised_team_ids():
        raise NotFound
    if current_code and client.code != code:
        raise NotFound
    return client


def get_flag_of(client: Client, flag_id: int) -> SafetyFlag:
    """One of the person's safety flags (the person reached through get_client_for_user)."""
    flag = SafetyFlag.objects.filter(client=client, pk=flag_id).first()
    if flag is None:
        raise NotFound
    return flag


def get_alias_of(client: Client, alias_id: int) -> Alias:
    """One of the other names the person uses (the person reached through get_client_for_user)."""
    alias = client.aliases.filter(pk=alias_id).first()
    if alias is None:
        raise NotFound
    return alias


def get_merge_for_supervisor(user: User, merge_id: UUID) -> Merge:
    """A merge of two people of teams the user supervises, with both records."""
    supervised = user.supervised_team_ids()
    merge = (
        Merge.objects.select_related("survivor", "merged")
        .filter(pk=merge_id, survivor__home_team_id__in=supervised, merged__home_team_id__in=supervised)
        .first()
    )
    if merge is None:
        raise NotFound
    return merge
