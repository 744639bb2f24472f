"""Django admin for configuration only. People's records are never edited here: every
change to a person goes through the app, its access scope and its audit trail."""

from collections.abc import Sequence

from django.contrib import admin
from django.http import HttpRequest

from .models import ConsentKind


@admin.register(ConsentKind)
class ConsentKindAdmin(admin.ModelAdmin):
    """Kinds of consent asked of people. Decisions point at a kind, so a kind is never
    deleted: switch "in use" off instead (it then disappears from forms and pages)."""

    list_display = ["name", "slug", "valid_months", "order", "is_active"]
    list_editable = ["valid_months", "order", "is_active"]

    def get_prepopulated_fields(self, request: HttpRequest, obj: ConsentKind | None = None) -> dict[str, Sequence[str]]:
        return {} if obj is not None else {"slug": ["name"]}

    def get_readonly_fields(self, request: HttpRequest, obj: ConsentKind | None = None) -> list[str]:
        # The slug identifies a kind in code (record-keeping) and in forms: fixed once made.
        return ["slug"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: ConsentKind | None = None) -> bool:
        return False
