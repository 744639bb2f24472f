"""Context the person chooses to share: where their income comes from, benefits, housing
support (issue 16, item 7).

Each item is optional, dated and the person's: a choice from a short list, and their own
words if they want them noted. Nothing here is ever required, counted, charted or exported
(no export dataset, codebook or figure reads this table: tests/clients/test_context_items.py
scans them), and a person may ask for an item to be removed at any time
(clients/services/context_items.py). There is no field for legal matters on purpose: that is
for the person to raise, not for the record to hold.

Rows follow their person: row-level security as every row about a person (clients 0011),
moved by a merge, deleted on erasure.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CONTEXT_WORDS_MAX = 200


class ContextItemQuerySet(models.QuerySet["ContextItem"]):
    def for_section(self) -> "ContextItemQuerySet":
        """The person's items, newest first within each kind, in the kinds' order (one query)."""
        order = models.Case(
            *(models.When(kind=kind, then=models.Value(index)) for index, kind in enumerate(ContextItem.Kind.values)),
            output_field=models.IntegerField(),
        )
        return self.order_by(order, "-noted_on", "-created_at", "id")


class ContextItem(models.Model):
    """One thing the person chose to share about their situation, on the day they said it."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        BENEFITS = "benefits", _("Benefits")
        HOUSING_SUPPORT = "housing_support", _("Housing support")

    class Situation(models.TextChoices):
        # Where their income comes from (none of these asks how, beyond what they choose to say).
        PAID_WORK = "income_paid_work", _("Paid work")
        CASUAL_WORK = "income_casual_work", _("Casual or day work")
        BENEFITS_OR_PENSION = "income_benefits", _("Benefits or a pension")
        FAMILY_OR_FRIENDS = "income_family_friends", _("Help from family or friends")
        NO_INCOME_NOW = "income_none_now", _("No income at the moment")
        INCOME_OTHER = "income_other", _("Something else")
        # Benefits.
        BENEFITS_RECEIVING = "benefits_receiving", _("Receiving benefits")
        BENEFITS_APPLIED = "benefits_applied", _("Applied, waiting for an answer")
        BENEFITS_WANTS_HELP = "benefits_wants_help", _("Would like help applying")
        BENEFITS_STOPPED = "benefits_stopped", _("Stopped or cut")
        BENEFITS_NONE = "benefits_none", _("Not receiving benefits")
        BENEFITS_OTHER = "benefits_other", _("Something else")
        # Housing support.
        HOUSING_RECEIVING = "housing_support_receiving", _("Receiving housing support")
        HOUSING_WAITING = "housing_support_waiting", _("On a waiting list")
        HOUSING_WANTS_HELP = "housing_support_wants_help", _("Would like help finding it")
        HOUSING_NONE = "housing_support_none", _("Not receiving housing support")
        HOUSING_OTHER = "housing_support_other", _("Something else")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="context_items", verbose_name=_("person")
    )
    kind = models.CharField(_("about"), max_length=20, choices=Kind.choices)
    situation = models.CharField(_("what they shared"), max_length=40, choices=Situation.choices)
    words = models.CharField(_("in their words"), max_length=CONTEXT_WORDS_MAX, blank=True)
    noted_on = models.DateField(_("on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ContextItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("context the person shared")
        verbose_name_plural = _("context the person shared")
        indexes = [
            # A person's items (the section of their page, newest first).
            models.Index(fields=["client", "-noted_on"], name="clients_context_client_idx"),
        ]

    def __str__(self) -> str:
        # Never the words: __str__ ends up in error messages and logs.
        return f"{self.kind} {self.noted_on}"


# Which situations belong to which kind (a situation's value starts with its kind's).
SITUATIONS_OF: dict[str, list[str]] = {
    kind: [value for value in ContextItem.Situation.values if value.startswith(f"{kind}_")]
    for kind in ContextItem.Kind.values
}


def kind_of(situation: str) -> str:
    """The kind a situation belongs to ("" for an unknown one)."""
    return next((kind for kind, values in SITUATIONS_OF.items() if situation in values), "")
