"""Data admins' exports: choose, review the columns and rules, start, follow, download.

Every view is for data admins only (others 403); an export is its maker's only (others,
other data admins included, 404: exports/access.py). Starting and downloading need a
recent confirmation (`recent_auth_required`). Starting and downloading are audited
(exports/services.py) with parameters and row counts, never data.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from accounts.decorators import data_admin, recent_auth_required
from accounts.models import Team
from accounts.sessions import confirmed_within
from accounts.types import AuthenticatedHttpRequest
from exports.models import Export

from . import storage
from .access import get_export_for_user, get_export_to_download
from .codebook import rules
from .datasets import AGGREGATE, ROW_LEVEL
from .forms import ExportForm
from .services import record_download, start_export
from .summary import plain_words

MY_EXPORTS = 20
CHOICES = "exports.choices"
CHOICE_FIELDS = ["datasets", "teams", "start", "end", "period", "file_format", "k"]


def _form(request: AuthenticatedHttpRequest, data: Any = None) -> ExportForm:
    teams = dict(Team.objects.order_by("name").values_list("pk", "name"))
    return ExportForm(data, teams=teams, this_month=timezone.localdate().replace(day=1))


def _page(request: AuthenticatedHttpRequest, form: ExportForm, *, review: bool = False) -> HttpResponse:
    exports = Export.objects.filter(created_by=request.user).order_by("-created_at")[:MY_EXPORTS]
    context: dict[str, object] = {"form": form, "exports": exports, "review": review}
    chosen = form.cleaned_data if review else {}
    k = chosen.get("k") or form.fields["k"].initial
    period = chosen.get("period") or Export.Period.MONTH
    context["rules"] = rules(k=k, period=period)
    keys = chosen.get("datasets") or list(ROW_LEVEL)
    context["datasets"] = [ROW_LEVEL[key] for key in keys if key in ROW_LEVEL]
    context["with_aggregate"] = AGGREGATE in keys
    if review:
        names: dict[str, str] = dict(cast(Any, form.fields["teams"]).choices)
        context["chosen_teams"] = [names[value] for value in chosen["teams"]]
    return render(request, "exports/export_list.html", context)


@require_http_methods(["GET"])
@data_admin
def export_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form, what each dataset holds and the rules, and My exports."""
    return _page(request, _form(request))


def keep_choices(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Above `recent_auth_required`: the choices of a POST are kept in the session, so that
    when the admin is sent to confirm who they are, the GET that brings them back shows the
    review of what they chose, not an empty form (issue 13, item 10). Choices only: datasets,
    teams, months, format and k, never data."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Only when the confirmation is due: otherwise the session is not written at all.
        stale = not confirmed_within(request.session, settings.ALONGSIDE_REAUTH_MINUTES * 60)
        if request.method == "POST" and stale:
            request.session[CHOICES] = {name: request.POST.getlist(name) for name in CHOICE_FIELDS}
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@data_admin
@keep_choices
@recent_auth_required
def export_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """POST "review": the columns and rules of what was chosen, and a Start button.
    POST "begin": the export is noted, audited and queued. GET (back from confirming who
    you are): the review of the choices kept (never started without a second tap)."""
    if request.method == "GET":
        kept = request.session.pop(CHOICES, None)
        if not kept:
            return redirect("exports:export_list")
        chosen = QueryDict(mutable=True)
        for name, values in kept.items():
            chosen.setlist(name, values)
        form = _form(request, chosen)
        return _page(request, form, review=form.is_valid())
    form = _form(request, request.POST)
    if not form.is_valid():
        return _page(request, form)
    if "begin" not in request.POST:
        return _page(request, form, review=True)
    data = form.cleaned_data
    export = start_export(
        actor=request.user,
        datasets=[key for key in [*ROW_LEVEL, AGGREGATE] if key in data["datasets"]],
        team_ids=form.team_ids(),
        first_month=data["start"],
        last_month=data["end"],
        period=data["period"],
        file_format=data["file_format"],
        k=data["k"],
    )
    return redirect("exports:export_detail", export_id=export.pk)


@require_http_methods(["GET"])
@data_admin
def export_detail(request: AuthenticatedHttpRequest, export_id: UUID) -> HttpResponse:
    """Progress while the job runs (htmx polls the status part every 2 s; without
    JavaScript, a Refresh link), then the privacy summary and the download."""
    export = get_export_for_user(request.user, export_id)
    names = dict(Team.objects.filter(pk__in=export.team_ids).values_list("pk", "name"))
    context = {
        "export": export,
        "teams": sorted(names.values()),
        "expired": export.expires_at is not None and export.expires_at <= timezone.now(),
        "summary": [
            (name, entry, plain_words(entry.get("privacy", {}))) for name, entry in sorted(export.summary.items())
        ],
    }
    template = "exports/export_detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@require_http_methods(["GET"])
@data_admin
@recent_auth_required
def export_download(request: AuthenticatedHttpRequest, export_id: UUID) -> HttpResponse:
    export = get_export_to_download(request.user, export_id)
    record_download(actor=request.user, export=export)
    name = f"alongside-export-{export.created_at:%Y%m%d-%H%M}.zip"
    response = StreamingHttpResponse(storage.stream(export.pk), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Content-Length"] = str(export.file_size)
    return cast(HttpResponse, response)  # streamed; the role decorators are typed for HttpResponse
