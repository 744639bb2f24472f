"""The API's own table: how many calls each token made in each minute (the rate limit).

Kept in PostgreSQL so the limit holds across app nodes: every node counts in the same row
(one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` per call: api/limits.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken


class RateWindow(models.Model):
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+", verbose_name=_("token"))
    minute = models.DateTimeField(_("minute"))
    calls = models.PositiveIntegerField(_("calls"), default=0)

    class Meta:
        verbose_name = _("API calls in a minute")
        verbose_name_plural = _("API calls in a minute")
        constraints = [
            # The upsert's conflict target, and the index that finds a token's windows.
            models.UniqueConstraint(fields=["token", "minute"], name="api_rate_window_token_minute"),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.minute:%H:%M} {self.calls}"
