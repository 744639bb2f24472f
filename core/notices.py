"""Notices on Home that apps contribute (core imports no app).

An app registers a function from its AppConfig.ready(); Home calls each with the signed-in
user and shows what they return (low stock, for example: encounters/apps.py). Each function
runs a fixed number of queries (one), so Home's query count stays constant.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Notice:
    text: str  # translated, never a name or a note
    url: str = ""


NoticeSource = Callable[[Any], list[Notice]]

_sources: dict[str, NoticeSource] = {}


def register_notices(key: str, source: NoticeSource) -> None:
    """Called from an app's AppConfig.ready(); registering a key again replaces it."""
    _sources[key] = source


def notices_for(user: Any) -> list[Notice]:
    return [notice for key in sorted(_sources) for notice in _sources[key](user)]
