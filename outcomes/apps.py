from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from clients.sections import PersonSection, register
        from clients.summary import register_summary_part
        from encounters.parts import ContactPart, register_contact_part

        from . import services
        from .forms import check_ins_at_contact
        from .sections import person_check_ins
        from .summary import part as summary_part

        register(PersonSection(key="outcomes", template="outcomes/_person_check_ins.html", load=person_check_ins))
        register_summary_part(summary_part)
        register_contact_part(
            ContactPart(
                key="check_ins",
                label=_("Wellbeing check-in"),
                save=services.save_check_ins_part,
                save_many=services.save_check_ins_parts,
                canonical=services.check_ins_canonical,
                stored=services.stored_check_ins,
                form=check_ins_at_contact,
            )
        )
