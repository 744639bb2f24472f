"""The team's stock, for supervisors: on hand and reorder levels, deliveries received, counts
that adjust it, and the monthly report (on screen and as CSV).

What contacts give comes off the stock in the contact's save path
(encounters.services.supplies.record_stock_given); these pages change it only through
encounters/services/stock.py.
"""

import csv
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import supervisor
from accounts.models import Team
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from core.errors import Invalid
from privacy.safe import safe_text

from ..forms.stock import CountForm, DeliveryForm, ReorderForm, ReportForm
from ..models import ServiceType, StockChange, StockLevel
from ..services.stock import adjust_count, monthly_report, receive_delivery, set_reorder_level

LATEST_CHANGES = 20


def _teams(request: AuthenticatedHttpRequest) -> list[Team]:
    return list(Team.objects.filter(pk__in=request.user.supervised_team_ids()).order_by("name"))


def _items() -> list[ServiceType]:
    """The counted items of the catalogue: what a team can keep stock of."""
    return list(ServiceType.objects.filter(is_active=True, counts_quantity=True))


@require_http_methods(["GET"])
@supervisor
def stock(request: AuthenticatedHttpRequest) -> HttpResponse:
    """On hand and reorder levels of the supervisor's teams, the latest deliveries and counts,
    and the forms to record them."""
    return _page(request)


def _page(request: AuthenticatedHttpRequest, **bound: Any) -> HttpResponse:
    teams, items = _teams(request), _items()
    user, today = request.user, timezone.localdate()
    forms = {
        "delivery": DeliveryForm(initial={"on": today}, user=user, teams=teams, items=items),
        "count": CountForm(initial={"on": today}, user=user, teams=teams, items=items),
        "reorder": ReorderForm(user=user, teams=teams, items=items),
    } | bound
    levels = (
        StockLevel.objects.filter(team__in=teams)
        .select_related("team", "service_type")
        .order_by("team__name", "service_type__order", "service_type__name")
    )
    changes = (
        StockChange.objects.filter(team__in=teams)
        .select_related("team", "service_type", "created_by")
        .order_by("-on", "-created_at")[:LATEST_CHANGES]
    )
    context = {"levels": list(levels), "changes": list(changes), "forms": forms, "several_teams": len(teams) > 1}
    context["report"] = ReportForm(initial={"month": today.replace(day=1)}, teams=teams)
    return render(request, "encounters/stock.html", context, status=400 if bound else 200)


@require_http_methods(["POST"])
@supervisor
def stock_receive(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeliveryForm(request.POST, user=request.user, teams=_teams(request), items=_items())
    if not form.is_valid():
        return _page(request, delivery=form)
    data = form.cleaned_data
    receive_delivery(
        actor=request.user,
        team=data["team"],
        service_type=data["service_type"],
        quantity=data["quantity"],
        on=data["on"],
        delivery=data["delivery"],
    )
    messages.success(request, _("Delivery recorded."))
    return redirect("encounters:stock")


@require_http_methods(["POST"])
@supervisor
def stock_count(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CountForm(request.POST, user=request.user, teams=_teams(request), items=_items())
    if not form.is_valid():
        return _page(request, count=form)
    data = form.cleaned_data
    try:
        adjust_count(
            actor=request.user,
            team=data["team"],
            service_type=data["service_type"],
            counted=data["counted"],
            reason=data["reason"],
            on=data["on"],
        )
    except Invalid as refusal:
        form.add_error(None, refusal.message)
        return _page(request, count=form)
    messages.success(request, _("Count recorded."))
    return redirect("encounters:stock")


@require_http_methods(["POST"])
@supervisor
def stock_reorder(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReorderForm(request.POST, user=request.user, teams=_teams(request), items=_items())
    if not form.is_valid():
        return _page(request, reorder=form)
    data = form.cleaned_data
    set_reorder_level(actor=request.user, team=data["team"], service_type=data["service_type"], level=data["level"])
    messages.success(request, _("Reorder level saved."))
    return redirect("encounters:stock")


@require_http_methods(["GET"])
@supervisor
def stock_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One team's month: received, given (at contacts, supplies for others included),
    adjusted, and on hand at the month's end; `?format=csv` downloads it (audited)."""
    teams = _teams(request)
    form = ReportForm(request.GET or None, teams=teams)
    if not form.is_bound:
        form = ReportForm({"month": f"{timezone.localdate():%Y-%m}", "team": teams[0].pk if teams else ""}, teams=teams)
    if not form.is_valid():
        return render(request, "encounters/stock_report.html", {"form": form, "lines": [], "team": None}, status=400)
    team, month = form.cleaned_data["team"], form.cleaned_data["month"].replace(day=1)
    lines = monthly_report(team, month)
    if request.GET.get("format") == "csv":
        return _csv(request, team, month, lines)
    context = {"form": form, "lines": lines, "team": team, "month": month, "month_code": f"{month:%Y-%m}"}
    return render(request, "encounters/stock_report.html", context)


def _csv(request: AuthenticatedHttpRequest, team: Team, month: date, lines: list[Any]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stock-{month:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Item"), _("Received"), _("Given"), _("Adjusted"), _("On hand at the end of the month")])
    for line in lines:
        writer.writerow(
            [safe_text(line.service_type.label), line.received, line.given, line.adjusted, line.on_hand_at_end]
        )
    record(
        action=AuditEvent.Action.STOCK_REPORT_DOWNLOADED,
        actor=request.user,
        target=team,
        details={"month": f"{month:%Y-%m}", "rows": len(lines)},
    )
    return response


urlpatterns = [
    path("stock/", stock, name="stock"),
    path("stock/receive/", stock_receive, name="stock_receive"),
    path("stock/count/", stock_count, name="stock_count"),
    path("stock/reorder/", stock_reorder, name="stock_reorder"),
    path("stock/report/", stock_report, name="stock_report"),
]
