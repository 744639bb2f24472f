"""Rate limits per API token, counted in PostgreSQL so they hold across app nodes.

A fixed window of one minute: each call adds one to its token's row for the current
minute and reads the new count in the same statement, so two nodes never both let the
call over the limit through. When a token starts a new minute its windows older than an
hour are deleted, so the table stays small without a cleaning job.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import ApiToken

from .models import RateWindow

KEEP = timedelta(hours=1)


def count_call(token: ApiToken, at: datetime | None = None) -> tuple[int, int]:
    """Count one call of `token`; returns (calls this minute, seconds until the next minute)."""
    at = at or timezone.now()
    minute = at.replace(second=0, microsecond=0)
    table = RateWindow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_id, minute, calls) VALUES (%s, %s, 1) "  # noqa: S608 (our own table name)
            f"ON CONFLICT (token_id, minute) DO UPDATE SET calls = {table}.calls + 1 RETURNING calls",
            [token.pk, minute],
        )
        (calls,) = cursor.fetchone()
    if calls == 1:
        RateWindow.objects.filter(token=token, minute__lt=minute - KEEP).delete()
    return calls, 60 - at.second


def limit_per_minute() -> int:
    return int(settings.ALONGSIDE_API_CALLS_PER_MINUTE)
