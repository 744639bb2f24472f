"""The built-in instruments (outcomes/instruments.py): WHO-5, health and quality of life
self-ratings, housing situation. A later change to a built-in ships as a new migration that
runs the same sync: it makes a new version when check-ins use the current one."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from outcomes.instruments import sync_builtins

    sync_builtins(
        apps.get_model("outcomes", "Instrument"),
        apps.get_model("outcomes", "InstrumentItem"),
        apps.get_model("outcomes", "CheckIn"),
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_turn_drafts_into_check_ins")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
