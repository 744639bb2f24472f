"""Services are functions of domain arguments: an actor, never the request.

Every function defined in a services module of the project's apps (`<app>/services.py` and
the modules of a `<app>/services/` package) is inspected: none may have a parameter named
`request` or annotated with an HttpRequest, so a command, a task, the API and offline sync
can call it exactly as a view does. The audit context (address, request id) reaches the
audit trail through core/context.py instead.
"""

import importlib
import inspect
import pkgutil
import typing
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.http import HttpRequest

ROOT = Path(__file__).resolve().parents[2]


def project_apps() -> list[str]:
    return sorted(config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT)


def services_modules() -> list[ModuleType]:
    modules = []
    for app in project_apps():
        for dotted in (f"{app}.services", *_subpackage_services(app)):
            try:
                module = importlib.import_module(dotted)
            except ModuleNotFoundError as missing:
                if missing.name != dotted:
                    raise
                continue
            modules.append(module)
            if hasattr(module, "__path__"):
                for info in pkgutil.iter_modules(module.__path__):
                    modules.append(importlib.import_module(f"{dotted}.{info.name}"))
    return modules


def _subpackage_services(app: str) -> list[str]:
    """`<app>/<package>/services.py` (reports/exports/services.py, for instance)."""
    base = ROOT / app
    return [
        f"{app}.{path.parent.relative_to(base).as_posix().replace('/', '.')}.services"
        for path in base.glob("*/services.py")
        if "migrations" not in path.parts
    ]


def functions_of(module: ModuleType) -> list[tuple[str, typing.Callable[..., object]]]:
    return [
        (name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
    ]


def takes_a_request(function: typing.Callable[..., object]) -> list[str]:
    hints = typing.get_type_hints(function)
    found = []
    for name in inspect.signature(function).parameters:
        hint = hints.get(name)
        arguments = typing.get_args(hint) or (hint,)
        if name == "request" or any(isinstance(arg, type) and issubclass(arg, HttpRequest) for arg in arguments):
            found.append(name)
    return found


def test_the_services_modules_are_found() -> None:
    """The walk finds every app's services, so the test below cannot pass by finding none."""
    names = {module.__name__ for module in services_modules()}
    expected = {
        "accounts.services",
        "audit.services",
        "clients.services.merge",
        "encounters.services.contacts",
        "goals.services",
        "health.services",
        "health.services.alerts",
        "outcomes.services",
    }
    assert expected <= names


@pytest.mark.parametrize("module", services_modules(), ids=lambda module: module.__name__)
def test_no_service_function_takes_the_request(module: ModuleType) -> None:
    offenders = {name: params for name, function in functions_of(module) if (params := takes_a_request(function))}
    assert offenders == {}


def test_the_check_catches_a_request_parameter() -> None:
    """The inspection itself: a function taking a request is caught by name and by type."""

    def by_name(*, request: object, actor: object) -> None: ...

    def by_type(*, incoming: HttpRequest | None, actor: object) -> None: ...

    def fine(*, actor: object, client_id: int) -> None: ...

    assert takes_a_request(by_name) == ["request"]
    assert takes_a_request(by_type) == ["incoming"]
    assert takes_a_request(fine) == []
