"""The default harm-reduction catalogue, as it was when this migration was written.

Its own copy of the list (encounters/catalogue.py has the live one): a migration is history,
and must mean the same when the code has moved on.
"""

from django.db import migrations
from django.utils.translation import gettext_noop

# (slug, name, category, unit, counts_quantity, order)
SERVICE_TYPES = [
    ("sterile-syringes", gettext_noop("Sterile syringes"), "supplies", gettext_noop("syringes"), True, 10),
    ("needles", gettext_noop("Needles"), "supplies", gettext_noop("needles"), True, 20),
    ("naloxone-kit", gettext_noop("Naloxone kit"), "supplies", gettext_noop("kits"), True, 30),
    ("fentanyl-test-strips", gettext_noop("Fentanyl test strips"), "supplies", gettext_noop("strips"), True, 40),
    ("safer-smoking-kit", gettext_noop("Safer smoking kit"), "supplies", gettext_noop("kits"), True, 50),
    ("safer-injecting-kit", gettext_noop("Safer injecting kit"), "supplies", gettext_noop("kits"), True, 60),
    ("condoms", gettext_noop("Condoms"), "supplies", gettext_noop("condoms"), True, 70),
    ("used-equipment-returned", gettext_noop("Used equipment returned"), "disposal", gettext_noop("items"), True, 80),
    ("wound-care", gettext_noop("Wound care"), "health", "", False, 90),
    ("hiv-test", gettext_noop("HIV test"), "health", "", False, 100),
    ("hepatitis-c-test", gettext_noop("Hepatitis C test"), "health", "", False, 110),
    ("referral", gettext_noop("Referral"), "referral", "", False, 120),
    ("food-or-water", gettext_noop("Food or water"), "basic_needs", "", False, 130),
]


def fill(apps, schema_editor):
    ServiceType = apps.get_model("encounters", "ServiceType")
    for slug, name, category, unit, counts_quantity, order in SERVICE_TYPES:
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
