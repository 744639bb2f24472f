from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncountersConfig(AppConfig):
    name = "encounters"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from clients.sections import PersonSection, register
        from clients.services.transfer import register_transfer_step
        from core.notices import register_notices

        from .forms import supplies as supplies_forms
        from .parts import ContactPart, register_contact_part
        from .sections import person_contacts
        from .services import overdose, referrals, stock, supplies
        from .views.referrals import person_referrals

        register(
            PersonSection(
                key="contacts",
                template="encounters/_person_contacts.html",
                load=person_contacts,
                limited_template="encounters/_person_contacts_limited.html",
            )
        )
        register(
            PersonSection(key="referrals", template="encounters/referral_person_section.html", load=person_referrals)
        )
        register_transfer_step("encounters.referrals", referrals.follow_person_to_team)
        register_notices("encounters.low_stock", stock.low_stock_notices)
        # Encounters' own parts of a contact; goals and outcomes register theirs (encounters/parts.py).
        register_contact_part(
            ContactPart(
                key="referral",
                label=_("Referral made"),
                save=referrals.save_referral_part,
                canonical=referrals.referral_canonical,
                stored=referrals.stored_referral,
            )
        )
        register_contact_part(
            ContactPart(
                key="referral_updates",
                label=_("Referrals followed up"),
                save=referrals.save_referral_updates_part,
                canonical=referrals.referral_updates_canonical,
                stored=referrals.stored_referral_updates,
            )
        )
        register_contact_part(
            ContactPart(
                key="overdose",
                label=_("Overdose response"),
                save=overdose.save_overdose_part,
                canonical=overdose.overdose_canonical,
                stored=overdose.stored_overdose,
            )
        )
        # Supplies for others and a reported reversal: with anonymous contacts too, and open
        # to distribution volunteers (accounts/roles.py).
        register_contact_part(
            ContactPart(
                key="for_others",
                label=_("Supplies for others"),
                save=supplies.save_for_others_part,
                canonical=supplies.for_others_canonical,
                stored=supplies.stored_for_others,
                form=supplies_forms.read_for_others,
                anonymous=True,
                volunteers=True,
            )
        )
        register_contact_part(
            ContactPart(
                key="reversal",
                label=_("They used naloxone on someone (a reversal)"),
                save=supplies.save_reversal_part,
                canonical=supplies.reversal_canonical,
                stored=supplies.stored_reversal,
                form=supplies_forms.read_reversal,
                anonymous=True,
                volunteers=True,
            )
        )
