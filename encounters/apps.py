from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncountersConfig(AppConfig):
    name = "encounters"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from clients.sections import PersonSection, register

        from .sections import person_contacts

        register(
            PersonSection(key="contacts", order=20, template="encounters/_person_contacts.html", load=person_contacts)
        )
