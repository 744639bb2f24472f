"""The WHO-5's licence statement says what is done: an adaptation (an unscored "prefer not
to say" answer is added to each item). Only the statement changes, not the questions,
answers or scoring, so every version's row is updated in place and no new version is made:
past check-ins keep the version they answered, whose meaning is the same."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from outcomes.instruments import WHO5_LICENCE, WHO5_LICENCE_BEFORE

    instrument = apps.get_model("outcomes", "Instrument")
    instrument.objects.filter(slug="who5", is_builtin=True, licence=WHO5_LICENCE_BEFORE).update(licence=WHO5_LICENCE)


def unfill(apps: Any, schema_editor: Any) -> None:
    from outcomes.instruments import WHO5_LICENCE, WHO5_LICENCE_BEFORE

    instrument = apps.get_model("outcomes", "Instrument")
    instrument.objects.filter(slug="who5", is_builtin=True, licence=WHO5_LICENCE).update(licence=WHO5_LICENCE_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_drop_draft_trigger")]

    operations = [migrations.RunPython(fill, unfill)]
