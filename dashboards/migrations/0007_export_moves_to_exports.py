# The Export model moved to the exports app (exports/migrations/0001); its table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0006_add_next_month"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Export")],
            database_operations=[],
        ),
    ]
