"""Offline use in the demo (issue 15): the outreach worker has turned it on on their phone
(synced a few hours ago) and revoked an old phone they lost, so Home → Offline use shows
both. The phones' own data is never made here: it only ever exists in a browser."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from offline.models import Device


def load_offline_devices(worker: User) -> None:
    if Device.objects.filter(user=worker).exists():
        return
    now = timezone.now()
    Device.objects.create(
        user=worker,
        label="Chrome · Android",
        created_at=now - timedelta(days=20),
        last_sync_at=now - timedelta(hours=3),
    )
    Device.objects.create(
        user=worker,
        label="Firefox · Android",
        created_at=now - timedelta(days=90),
        last_sync_at=now - timedelta(days=11),
        revoked_at=now - timedelta(days=10),
        revoked_by=worker,
    )
