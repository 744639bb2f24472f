"""Panels of the Home page contributed by apps above core.

`core` imports no app (docs/architecture.md), yet Home shows what an app has for everyone
right now (health's bad-batch alerts). An app registers a panel here from its
AppConfig.ready(); Home draws them in the order of ORDER, the one place that order is
written, above the day's actions. A panel's loader runs a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ORDER = ["alerts"]


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    load: Callable[[Any], dict[str, Any]]  # (the signed-in user) -> the template's `data`


_panels: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    if panel.key not in ORDER:
        raise ValueError(f"Home panel {panel.key!r}: give it its place in core.home.ORDER")
    _panels[panel.key] = panel


def panels_for(user: Any) -> list[tuple[HomePanel, dict[str, Any]]]:
    ordered = sorted(_panels.values(), key=lambda panel: ORDER.index(panel.key))
    return [(panel, panel.load(user)) for panel in ordered]
