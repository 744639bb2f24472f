"""The import page for supervisors: upload a spreadsheet, check it (each column's field,
every problem in words, the first rows as they will be stored), start it, watch it run.

Every view is for supervisors (others 403); an import is its maker's only, in a team they
supervise (others 404: imports/access.py). Starting needs a recent confirmation of who the
user is (`recent_auth_required`) and is audited (imports/jobs.py); the rows are stored by
the worker, through the one save path of a contact.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import recent_auth_required, supervisor
from accounts.models import Team
from accounts.types import AuthenticatedHttpRequest
from core.errors import Invalid
from encounters.models import ServiceType

from .access import get_import_for_user
from .forms import CheckForm, UploadForm
from .jobs import start_import
from .models import ImportJob
from .services import choose_import_mapping, plan_import, upload_import

MY_IMPORTS = 20
PREVIEW_ROWS = 10


def _upload_form(request: AuthenticatedHttpRequest, data: object = None, files: object = None) -> UploadForm:
    teams = Team.objects.filter(pk__in=request.user.supervised_team_ids()).order_by("name")
    return UploadForm(data, files, teams={str(team.pk): team.name for team in teams})


def _list_page(request: AuthenticatedHttpRequest, form: UploadForm) -> HttpResponse:
    imports = ImportJob.objects.filter(created_by=request.user).select_related("team").order_by("-created_at")
    context = {"form": form, "imports": imports.defer("content")[:MY_IMPORTS]}
    return render(request, "imports/import_list.html", context)


@require_http_methods(["GET", "POST"])
@supervisor
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The upload form and the user's imports. POST: the file is kept for its check."""
    if request.method == "GET":
        return _list_page(request, _upload_form(request))
    form = _upload_form(request, request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form)
    data = form.cleaned_data
    team = Team.objects.get(pk=data["team"])
    try:
        job = upload_import(
            actor=request.user, team=team, kind=data["kind"], name=data["file"].name, data=data["file"].read()
        )
    except Invalid as refused:
        form.add_error("file", refused.message)
        return _list_page(request, form)
    return redirect("imports:import_detail", import_id=job.pk)


@require_http_methods(["GET", "POST"])
@supervisor
def import_detail(request: AuthenticatedHttpRequest, import_id: UUID) -> HttpResponse:
    """While it is checked: the columns' fields, the questions, every problem and a preview
    (POST keeps the choices and shows the check again). Once started: its progress (htmx
    polls the status part every 2 s; without JavaScript, a Refresh link), then its counts."""
    job = get_import_for_user(request.user, import_id)
    if job.status != ImportJob.Status.CHECKING:
        template = "imports/import_detail.html#status" if request.htmx else "imports/import_detail.html"
        return render(request, template, {"job": job})
    plan = plan_import(job)
    services = list(ServiceType.objects.filter(is_active=True).order_by("order", "slug"))
    form = CheckForm(
        request.POST if request.method == "POST" else None,
        columns=plan.columns if plan.headings else [],
        chosen=plan.mapping,
        services=services,
        initial={"date_order": job.date_order or plan.date_order, "repeats": job.repeats},
    )
    if request.method == "POST" and form.is_valid():
        choose_import_mapping(
            actor=request.user,
            job=job,
            mapping=form.mapping(plan.headings),
            date_order=form.cleaned_data["date_order"],
            repeats=form.cleaned_data["repeats"],
        )
        return redirect("imports:import_detail", import_id=job.pk)
    context = {
        "job": job,
        "plan": plan,
        "form": form,
        "preview": plan.good[:PREVIEW_ROWS],
        "file_problems": [problem for problem in plan.problems if problem.row == 0],
        "row_problems": [problem for problem in plan.problems if problem.row],
    }
    return render(request, "imports/import_detail.html", context)


@require_http_methods(["GET", "POST"])
@supervisor
@recent_auth_required
def import_start(request: AuthenticatedHttpRequest, import_id: UUID) -> HttpResponse:
    """POST: check once more and queue the import. GET (back from confirming who you are):
    the check again, where the user starts it with a second tap."""
    job = get_import_for_user(request.user, import_id)
    if request.method == "POST":
        try:
            start_import(actor=request.user, job=job)
        except Invalid as refused:
            messages.error(request, refused.message)
    return redirect("imports:import_detail", import_id=job.pk)
