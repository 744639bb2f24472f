from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import record

from . import lockout, two_factor
from .decorators import recent_auth_required
from .models import Membership, Team, User
from .sessions import end_sessions
from .views.sign_in import sign_out


class RecentAuthAdmin(admin.ModelAdmin):
    """Every page of this model's admin (list, actions, add, change, delete, history,
    passwords) needs a confirmation within the last 5 minutes: users, teams and roles decide
    who sees whose records."""

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback = recent_auth_required(pattern.callback)
        return urls


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["team"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "team")


@admin.register(User)
class UserAdmin(RecentAuthAdmin, BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_data_admin", "is_staff"]
    list_filter = ["is_active", "is_data_admin", "is_staff", "memberships__team"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Organisation role"), {"fields": ["is_data_admin"]}),
    )
    actions = ["end_all_sessions", "reset_two_factor", "end_sign_in_pause"]

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        """Deactivating a user ends their sessions at once (not at their next request)."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            end_sessions(actor=request.user, user=obj, reason="deactivated")

    @admin.action(description=_("End all sessions of the selected users"))
    def end_all_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = sum(end_sessions(actor=request.user, user=user, reason="admin") for user in queryset)
        self.message_user(request, ngettext("%d session ended.", "%d sessions ended.", ended) % ended)

    @admin.action(description=_("Reset two-factor sign-in (lost phone): they set it up again at their next sign-in"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            two_factor.reset(user)
            record(action=AuditEvent.Action.TWO_FACTOR_RESET, actor=request.user, target=user)
            end_sessions(actor=request.user, user=user, reason="two_factor_reset")
        self.message_user(request, _("Two-factor sign-in reset."), messages.SUCCESS)

    @admin.action(description=_("End the pause on sign-in after failed attempts"))
    def end_sign_in_pause(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            lockout.unlock(actor=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(request, _("Sign-in pause ended."), messages.SUCCESS)


@admin.register(Team)
class TeamAdmin(RecentAuthAdmin):
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(RecentAuthAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["team", "role"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["team"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "team")


# Authenticator secrets are not for anyone else's eyes, system admins included: the reset
# action above is how an admin helps with a lost phone.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@login_not_required
def admin_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin has no sign-in of its own: ours has the pause, two factors and the audit."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", "/admin/"))


admin.site.login = admin_sign_in  # type: ignore[method-assign,assignment]
admin.site.logout = lambda request, extra_context=None: sign_out(request)  # type: ignore[method-assign,assignment,return-value]
