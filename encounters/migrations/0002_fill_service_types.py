from django.db import migrations

from encounters.catalogue import DEFAULT_SERVICE_TYPES


def fill(apps, schema_editor):
    ServiceType = apps.get_model("encounters", "ServiceType")
    for slug, name, category, unit, counts_quantity, order in DEFAULT_SERVICE_TYPES:
        ServiceType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": category,
                "unit": unit,
                "counts_quantity": counts_quantity,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("encounters", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
