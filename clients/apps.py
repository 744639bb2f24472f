from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Feature modules of clients/views/ that may contribute a section to the person's page by
# defining `section = PersonSection(...)`.
FEATURES = ["identity", "consent", "flags", "duplicates", "merge", "records", "use_wish", "context_items"]


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("People")

    def ready(self) -> None:
        from .sections import register
        from .summary import register_summary_part
        from .views.summary import PARTS

        for part in PARTS:
            register_summary_part(part)
        for feature in FEATURES:
            section = getattr(import_module(f"clients.views.{feature}"), "section", None)
            if section is not None:
                register(section)
