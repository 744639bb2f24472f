from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, CspViolation


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table refuses changes anyway (database trigger)."""

    list_display = ["at", "action", "actor_id", "object_type", "object_id", "client_id", "ip"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CspViolation)
class CspViolationAdmin(admin.ModelAdmin):
    """What browsers reported the Content Security Policy blocked, counted per day: a row
    from a real page is a bug of ours or an attempted attack (docs/security.md)."""

    list_display = ["on_day", "directive", "blocked", "page", "count"]
    list_filter = ["directive", "on_day"]
    date_hierarchy = "on_day"
    ordering = ["-on_day", "-count"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
