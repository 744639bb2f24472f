"""Shared pieces of the access matrix: roles, rows and row builders for every feature."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

# outsider / other_supervisor: a worker / supervisor of another team.
ROLES = ["worker", "supervisor", "outsider", "other_supervisor", "data_admin", "system_admin", "anonymous"]


# What a row posts; a function of the objects when it depends on them (a version number).
RowData = dict[str, str] | Callable[[dict[str, Any]], dict[str, str]] | None


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[dict[str, Any]], str]
    expected: dict[str, int]
    data: RowData = None
    # "" for a page (the role signs in with a session); "read" or "write" for an API route,
    # called with a personal access token of that scope made for the role's user (anonymous
    # sends none).
    token: str = ""

    def data_for(self, objects: dict[str, Any]) -> dict[str, str]:
        return (self.data(objects) if callable(self.data) else self.data) or {}


def team_page(name: str, method: str = "get", **extra: Any) -> Row:
    """A page for team members: other teams see their own version of it (200)."""
    statuses = {"worker": 200, "supervisor": 200, "outsider": 200, "other_supervisor": 200}
    denied = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
    return Row(name, method, lambda objects: reverse(name), {**statuses, **denied}, **extra)


def scoped_object(name: str, path: Callable[[dict[str, Any]], str]) -> Row:
    """One object of the team: other teams get 404, which confirms nothing."""
    statuses = {"worker": 200, "supervisor": 200, "outsider": 404, "other_supervisor": 404}
    return Row(name, "get", path, {**statuses, "data_admin": 403, "system_admin": 403, "anonymous": 302})


def supervisor_page(name: str, method: str = "get", **extra: Any) -> Row:
    """A supervisors' page: workers are refused (403); other teams' supervisors see their own."""
    statuses = {"worker": 403, "supervisor": 200, "outsider": 403, "other_supervisor": 200}
    denied = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
    return Row(name, method, lambda objects: reverse(name), {**statuses, **denied}, **extra)


def supervisor_object(
    name: str, path: Callable[[dict[str, Any]], str], method: str = "get", ok: int = 200, **extra: Any
) -> Row:
    """A supervisors' action on one object: workers 403, other teams' supervisors 404."""
    statuses = {"worker": 403, "supervisor": ok, "outsider": 403, "other_supervisor": 404}
    denied = {"data_admin": 403, "system_admin": 403, "anonymous": 302}
    return Row(name, method, path, {**statuses, **denied}, **extra)
