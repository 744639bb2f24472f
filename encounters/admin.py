from django.contrib import admin

from .models import ServiceType, Site


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "unit", "counts_quantity", "order", "is_active"]
    list_filter = ["category", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "area", "kind", "is_active"]
    list_filter = ["team", "kind", "is_active"]
