"""The release register: every set of figures that left the teams, with its parameters.

One row per release (an organisation view a data admin saw, an export written; later the
API): who received it, when, and what was asked for (period, teams, datasets, k), never a
figure or a row. The protection holds for everything a data admin can obtain because every
output shows figures of one fixed, protected hierarchy (dashboards/hierarchy.py) and rows
grouped by people; the register is the record of who obtained what, for the audit and for
a review of what a data sharing agreement covered.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION_VIEW = "organisation_view", _("Organisation view")
        EXPORT = "export", _("Anonymised export")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Kept when a user is deleted (the register outlives accounts), as the audit trail does.
    actor_id = models.BigIntegerField(_("received by"), null=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        indexes = [
            # "What did this data admin receive", newest first.
            models.Index(fields=["actor_id", "-at"], name="release_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


def record_release(*, actor_id: int | None, kind: str, parameters: dict[str, object]) -> Release:
    """Note a release: its parameters only (ids, periods, choices), never its figures."""
    return Release.objects.create(actor_id=actor_id, kind=kind, parameters=parameters)
