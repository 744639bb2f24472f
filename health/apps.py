from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Health services")

    def ready(self) -> None:
        from clients.sections import PersonSection, register
        from core.home import HomePanel, register_home_panel
        from encounters.parts import ContactPart, PartSummary, register_contact_part

        from . import services
        from .education_forms import correction_at_contact, education_at_contact
        from .forms import steps_at_contact, tests_at_contact
        from .prevention_forms import prevention_at_contact, vaccinations_at_contact
        from .sections import home_alerts, person_health
        from .services import education, prevention

        register(PersonSection(key="health", template="health/_person_health.html", load=person_health))
        register_home_panel(HomePanel(key="alerts", template="health/_home_alerts.html", load=home_alerts))
        register_contact_part(
            ContactPart(
                key="health_tests",
                label=_("Tests (HIV, hepatitis, syphilis)"),
                save=services.save_tests_part,
                canonical=services.tests_canonical,
                stored=services.stored_tests,
                form=tests_at_contact,
            )
        )
        register_contact_part(
            ContactPart(
                key="linkage_steps",
                label=_("Linkage to care"),
                save=services.save_steps_part,
                canonical=services.steps_canonical,
                stored=services.stored_steps,
                form=steps_at_contact,
            )
        )
        register_contact_part(
            ContactPart(
                key="prevention",
                label=_("PrEP and PEP"),
                save=prevention.save_prevention_part,
                canonical=prevention.prevention_canonical,
                stored=prevention.stored_prevention,
                form=prevention_at_contact,
            )
        )
        register_contact_part(
            ContactPart(
                key="vaccinations",
                label=_("Vaccinations"),
                save=prevention.save_vaccinations_part,
                canonical=prevention.vaccinations_canonical,
                stored=prevention.stored_vaccinations,
                form=vaccinations_at_contact,
                describe=prevention.describe_vaccinations,
            )
        )
        # Safer-use topics talked about and skills practised: at anonymous contacts too (a
        # programme teaches naloxone use to whoever stops by), and by distribution volunteers,
        # since showing how to use the naloxone they hand out is the heart of their work. What
        # a volunteer records is what they may see already: the contacts they logged
        # (accounts/roles.py); it says nothing about wellbeing, goals or health.
        register_contact_part(
            ContactPart(
                key="education",
                label=_("Education and skills"),
                save=education.save_education_part,
                save_many=education.save_education_many,
                canonical=education.education_canonical,
                stored=education.stored_education,
                form=education_at_contact,
                anonymous=True,
                volunteers=True,
                correct=education.correct_education_part,
                correction_form=correction_at_contact,
                correction_template="health/_correct_education.html",
                describe=education.describe_education,
                summary=PartSummary(
                    label=_("Education and skills"),
                    annotation=education.covered_annotation,
                    words=education.covered_words,
                ),
            )
        )
