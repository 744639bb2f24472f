"""A device (a phone's browser) on which a worker turned on offline use.

The server keeps no key of the device and nothing the device stores: only that the device
exists, whose it is, when it last synced, and whether it was revoked (then its next
connection wipes what it can read: docs/offline.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeviceQuerySet(models.QuerySet["Device"]):
    def of(self, user_id: int) -> "DeviceQuerySet":
        return self.filter(user_id=user_id)

    def active(self) -> "DeviceQuerySet":
        return self.filter(revoked_at__isnull=True)


class Device(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_devices", verbose_name=_("user")
    )
    # Told by the browser (e.g. "Chrome on Android"), never typed by the worker: no names.
    label = models.CharField(_("device"), max_length=80)
    created_at = models.DateTimeField(_("offline use turned on"), default=timezone.now)
    last_sync_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("offline device")
        verbose_name_plural = _("offline devices")
        indexes = [
            # "Your devices": a user's devices, newest first.
            models.Index(fields=["user", "-created_at"], name="offline_device_user_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ViewReceipt(models.Model):
    """A view of a person made offline, taken into the audit trail once: the phone gives each
    view an id, so a sync whose answer was lost, sent again, does not audit it twice."""

    id = models.UUIDField(primary_key=True, editable=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+", verbose_name=_("device"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("offline view received")
        verbose_name_plural = _("offline views received")

    def __str__(self) -> str:
        return str(self.pk)
