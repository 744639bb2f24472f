from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals")

    def ready(self) -> None:
        from clients.sections import PersonSection, register
        from clients.summary import register_summary_part
        from encounters.parts import ContactPart, register_contact_part

        from . import services
        from .forms import reviews_at_contact
        from .sections import person_goals
        from .summary import part as summary_part

        register(PersonSection(key="goals", template="goals/_person_goals.html", load=person_goals))
        register_summary_part(summary_part)
        register_contact_part(
            ContactPart(
                key="goal_reviews",
                label=_("Goal reviews"),
                save=services.save_reviews_part,
                save_many=services.save_reviews_parts,
                canonical=services.reviews_canonical,
                stored=services.stored_reviews,
                form=reviews_at_contact,
            )
        )
