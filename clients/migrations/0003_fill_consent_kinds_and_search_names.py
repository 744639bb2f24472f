import unicodedata

from django.db import migrations
from django.utils.translation import gettext_noop

# (slug, name, valid months, order); names are msgids, translated when shown.
DEFAULT_CONSENT_KINDS = [
    ("record-keeping", gettext_noop("Keeping a record"), 12, 10),
    ("follow-up", gettext_noop("Follow-up contact"), 12, 20),
    ("partner-sharing", gettext_noop("Sharing with partner agencies"), 12, 30),
]


def normalise_name(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def fill(apps, schema_editor):
    ConsentKind = apps.get_model("clients", "ConsentKind")
    for slug, name, months, order in DEFAULT_CONSENT_KINDS:
        ConsentKind.objects.get_or_create(slug=slug, defaults={"name": name, "valid_months": months, "order": order})
    Client = apps.get_model("clients", "Client")
    people = list(Client.objects.exclude(preferred_name="").only("id", "preferred_name"))
    for person in people:
        person.search_names = normalise_name(person.preferred_name)
    Client.objects.bulk_update(people, ["search_names"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_identity_consent_flags_merge")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
