from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from clients.sections import PersonSection, register

        from .sections import person_check_ins

        register(
            PersonSection(key="outcomes", order=30, template="outcomes/_person_check_ins.html", load=person_check_ins)
        )
