from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import services
from .models import Device


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin[Device]):
    """Every user's devices with offline use, for system admins; revoke one that is lost."""

    list_display = ["label", "user", "created_at", "last_sync_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username"]
    readonly_fields = ["id", "user", "label", "created_at", "last_sync_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke offline use (the device wipes what it holds at its next connection)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        if not isinstance(request.user, User):
            return
        for device in queryset:
            services.revoke_device(actor=request.user, device=device)
