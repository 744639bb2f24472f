"""The searchable names of a person: preferred name and aliases, normalised."""

from clients.models import Client, normalise_name


def refresh_search_names(client: Client) -> None:
    """Recompute `search_names` from the preferred name and every alias (one UPDATE)."""
    names = [client.preferred_name, *client.aliases.values_list("name", flat=True)]
    client.search_names = " ".join(normalise_name(name) for name in names if name)
    Client.objects.filter(pk=client.pk).update(search_names=client.search_names)
