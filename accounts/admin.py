from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_data_admin", "is_staff"]
    list_filter = ["is_active", "is_data_admin", "is_staff", "memberships__team"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Organisation role"), {"fields": ["is_data_admin"]}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["team", "role"]
    autocomplete_fields = ["team"]
    raw_id_fields = ["user"]
