from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncountersConfig(AppConfig):
    name = "encounters"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from clients.sections import PersonSection, register
        from clients.services.transfer import register_transfer_step

        from .sections import person_contacts
        from .services.referrals import follow_person_to_team
        from .views.referrals import person_referrals

        register(
            PersonSection(key="contacts", order=20, template="encounters/_person_contacts.html", load=person_contacts)
        )
        register(
            PersonSection(
                key="referrals", order=25, template="encounters/referral_person_section.html", load=person_referrals
            )
        )
        register_transfer_step("encounters.referrals", follow_person_to_team)
