"""Bad-batch alerts: the list with the form to post (or propose) one, an alert as a printable
card, and a supervisor's confirm and end. Never about a person: no person is ever named or
linked here, so reading an alert is not a read of anyone's record."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import any_role
from accounts.types import AuthenticatedHttpRequest
from core.errors import Invalid, NotFound, PermissionDenied

from ..forms import AlertForm
from ..models import Alert
from ..services.alerts import confirm_alert, end_alert, post_alert

RECENT = 20


@require_http_methods(["GET", "POST"])
@any_role
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The alerts showing now, those waiting for a supervisor, the latest ended; and the form."""
    form = AlertForm(request.POST or None, user=request.user, initial=AlertForm.initial_for())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alert = post_alert(actor=request.user, description_en=data["description_en"],
                               description_es=data["description_es"], area=data["area"],
                               expires_at=data["expires_at"], teams=list(data["teams"]),
                               all_teams=data.get("all_teams", False))  # fmt: skip
        except (Invalid, PermissionDenied) as refusal:
            form.add_error(None, refusal.message)
        else:
            posted = alert.status == Alert.Status.POSTED
            messages.success(request, _("Alert posted.") if posted else _("Alert sent to a supervisor to confirm."))
            return redirect("health:alert_list")
    now = timezone.now()
    alerts = list(Alert.objects.visible_to(request.user).prefetch_related("teams").order_by("-created_at")[:RECENT])
    context = {
        "form": form,
        "showing": [alert for alert in alerts if alert.status == Alert.Status.POSTED and alert.expires_at > now],
        "waiting": [alert for alert in alerts if alert.status == Alert.Status.PROPOSED and alert.expires_at > now],
        "past": [alert for alert in alerts if alert.status == Alert.Status.ENDED or alert.expires_at <= now],
        "may_confirm": bool(request.user.supervised_team_ids()) or request.user.is_data_admin,
    }
    return render(request, "health/alert_list.html", context)


def _alert(request: AuthenticatedHttpRequest, alert_id: UUID) -> Alert:
    alert = Alert.objects.visible_to(request.user).prefetch_related("teams").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound
    return alert


@require_http_methods(["GET"])
@any_role
def alert_card(request: AuthenticatedHttpRequest, alert_id: UUID) -> HttpResponse:
    """One alert as a card to print and pin up (both languages when both were written)."""
    return render(request, "health/alert_card.html", {"alert": _alert(request, alert_id), "now": timezone.now()})


@require_http_methods(["POST"])
@any_role
def alert_confirm(request: AuthenticatedHttpRequest, alert_id: UUID) -> HttpResponse:
    try:
        confirm_alert(actor=request.user, alert=_alert(request, alert_id))
    except Invalid as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Alert posted."))
    return redirect("health:alert_list")


@require_http_methods(["POST"])
@any_role
def alert_end(request: AuthenticatedHttpRequest, alert_id: UUID) -> HttpResponse:
    end_alert(actor=request.user, alert=_alert(request, alert_id))
    messages.success(request, _("Alert ended."))
    return redirect("health:alert_list")
