"""Migrations carry their own code and data (docs/architecture.md): every module of every
app's migrations imports only Django, the standard library and psycopg, never the live code
of an app, which changes after the migration was written while the migration must do the
same thing on every database, forever."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ALLOWED = {"django", "psycopg", "psycopg2"} | set(sys.stdlib_module_names)


def migration_modules() -> list[Path]:
    return sorted(path for path in ROOT.glob("*/migrations/*.py") if not path.parts[-3].startswith("."))


def app_imports(source: str) -> list[str]:
    """The imports (anywhere in the module, functions included) of anything not allowed."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] not in ALLOWED]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.split(".")[0] not in ALLOWED:
                found.append("." * node.level + module)
    return found


def test_no_migration_imports_app_code() -> None:
    modules = migration_modules()
    assert len(modules) > 40  # the scan finds every app's migrations
    offenders = {str(path.relative_to(ROOT)): names for path in modules if (names := app_imports(path.read_text()))}
    assert offenders == {}


def test_the_scan_finds_app_imports_at_the_top_and_in_functions() -> None:
    source = (
        "import uuid\nimport clients.models\nfrom django.db import migrations\nfrom decimal import Decimal\n"
        "def fill(apps, schema_editor):\n    from outcomes.instruments import sync_builtins\n"
        "    from .helpers import x\n    import psycopg2.sql\n"
    )
    assert app_imports(source) == ["clients.models", "outcomes.instruments", ".helpers"]


def test_the_person_fields_keep_their_python_rules_outside_migrations() -> None:
    """clients 0001 no longer imports clients.models: the code's default and the year's
    "not in the future" live on the model's own field classes (clients/models.py)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from clients.models import Client

    code = Client._meta.get_field("code")
    assert code.deconstruct()[1] == "django.db.models.CharField" and "default" not in code.deconstruct()[3]
    made = {Client().code for _ in range(20)}
    assert len(made) == 20 and all(len(value) == 7 and value[3] == "-" for value in made)
    year = Client._meta.get_field("year_of_birth")
    year.run_validators(timezone.now().year)
    for wrong in (timezone.now().year + 1, 1899):
        try:
            year.run_validators(wrong)
        except ValidationError:
            continue
        raise AssertionError(f"{wrong} was accepted")
