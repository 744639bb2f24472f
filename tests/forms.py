"""Helpers for tests that post a page's form back, as a browser would."""

from typing import Any

from django.test import Client as HttpClient

from accounts.models import User


def form_data(response: Any) -> dict[str, str]:
    """What the page's form would send as it stands (its values, typed or saved): empty
    fields and unticked boxes left out, ticked boxes "on"."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False, ""):
            continue
        data[name] = "on" if value is True else str(value)
    return data


def saved_meanwhile(
    client: HttpClient, *, loads: tuple[User, str], saves: tuple[User, str, dict[str, str]]
) -> dict[str, str]:
    """Two people at once: the first opens the form at a path, then the second posts a save
    (which must succeed). Returns what the first person's form holds; they are signed in again."""
    (first, path), (second, save_path, data) = loads, saves
    client.force_login(first)
    loaded = form_data(client.get(path))
    client.force_login(second)
    assert client.post(save_path, data).status_code == 302
    client.force_login(first)
    return loaded
