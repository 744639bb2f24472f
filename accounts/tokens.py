"""Personal access tokens for the API: making a secret, and finding the token it belongs to.

A secret is `aln_` and 43 characters of `secrets.token_urlsafe(32)` (256 random bits). Only
its SHA-256 is stored (`ApiToken.token_hash`), with its first characters (`prefix`) so the
user can tell tokens apart. The services that make and revoke tokens are in
accounts/services.py; the API's authentication (api/auth.py) calls `usable_token`.
"""

import hashlib
import secrets
from datetime import datetime

from django.utils import timezone

from .models import ApiToken

SECRET_PREFIX = "aln_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(SECRET_PREFIX) + 6
# last_used_at is written at most this often per token: a busy integration does not turn
# every call into a write of the token's row.
LAST_USED_EVERY_SECONDS = 60


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def usable_token(secret: str) -> ApiToken | None:
    """The usable token (not revoked, not expired) with this secret, with its user; None otherwise.

    One indexed lookup by hash (token_hash is unique): comparing hashes in the database leaks
    nothing useful by timing, since the attacker does not choose the hash.
    """
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        return None
    return token


def note_use(token: ApiToken, at: datetime | None = None) -> None:
    """Remember when the token was last used (at most once a minute: one conditional UPDATE)."""
    at = at or timezone.now()
    if token.last_used_at is not None and (at - token.last_used_at).total_seconds() < LAST_USED_EVERY_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
