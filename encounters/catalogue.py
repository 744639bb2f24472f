"""The default harm-reduction catalogue every installation starts with, and the slugs the
code names.

Names are English msgids (gettext_noop) so they are translated when shown; data admins can
rename, reorder, deactivate or add types later without losing history. A slug never
changes (encounters.services.catalogue.unique_slug), so the few services that figures
name whatever the catalogue calls them now (syringes and naloxone kits on the dashboards
and in the aggregate export) are found by the slugs below: the one place they are written.
(encounters migration 0002 keeps its own copy of this list: a migration is history.)
"""

from django.utils.translation import gettext_noop

SYRINGES = "sterile-syringes"
NALOXONE = "naloxone-kit"

# (slug, name, category, unit, counts_quantity, order)
DEFAULT_SERVICE_TYPES = [
    (SYRINGES, gettext_noop("Sterile syringes"), "supplies", gettext_noop("syringes"), True, 10),
    ("needles", gettext_noop("Needles"), "supplies", gettext_noop("needles"), True, 20),
    (NALOXONE, gettext_noop("Naloxone kit"), "supplies", gettext_noop("kits"), True, 30),
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
