"""The searchable names of a person: preferred name and aliases, normalised."""

from collections.abc import Sequence

from django.db import connection

from clients.models import Alias, Client, normalise_name


def search_names_of(names: Sequence[str]) -> str:
    """What `search_names` holds for these names (the preferred name first, then each alias)."""
    return " ".join(normalise_name(name) for name in names if name)


def refresh_search_names(client: Client) -> None:
    """Recompute `search_names` from the preferred name and every alias: a batch of one of
    `refresh_search_names_of`."""
    refresh_search_names_of([client])


def refresh_search_names_of(clients: Sequence[Client]) -> None:
    """Recompute each person's `search_names` from their preferred name and every alias, in
    two statements whatever the number of people: their aliases (in the database's order of
    names, as `client.aliases` gives them) and one UPDATE from two arrays."""
    if not clients:
        return
    aliases: dict[object, list[str]] = {client.pk: [] for client in clients}
    rows = Alias.objects.filter(client_id__in=list(aliases)).order_by("name").values_list("client_id", "name")
    for client_id, name in rows:
        aliases[client_id].append(name)
    names: dict[object, str] = {}
    for client in clients:
        client.search_names = names[client.pk] = search_names_of([client.preferred_name, *aliases[client.pk]])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Client._meta.db_table} AS c SET search_names = v.names"  # noqa: S608 (the model's table)
            " FROM unnest(%s::uuid[], %s::text[]) AS v(id, names) WHERE c.id = v.id",
            [[str(pk) for pk in names], list(names.values())],
        )
