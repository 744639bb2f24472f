"""A team's safer-use topics, kept by its supervisors: add, rename, retire, bring back.

The topics are the team's words (health/education.py): every team starts with the seven
built-in ones, shown in the reader's language until the team renames them. Only the team's
supervisors change them (workers and volunteers record topics at a contact, and cannot change
the list; another team's topic or team is a 404). A topic is never deleted: retired, it is no
longer offered on Log a contact, and every contact that covered it keeps showing it.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import supervisor
from accounts.models import Team
from accounts.types import AuthenticatedHttpRequest
from core.errors import Invalid

from ..access import get_team_for_topics, get_topic_for_keeper
from ..education import Topic
from ..education_forms import TopicForm
from ..services import education as services


@require_http_methods(["GET"])
@supervisor
def topic_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each team the user supervises with its topics, in use first (two queries)."""
    team_ids = request.user.supervised_team_ids()
    services.ensure_topics(team_ids)
    topics = list(Topic.objects.filter(team_id__in=team_ids).order_by("-is_active", "order", "name"))
    teams = [
        (team, [topic for topic in topics if topic.team_id == team.pk])
        for team in Team.objects.filter(pk__in=team_ids).order_by("name", "pk")
    ]
    return render(request, "health/topic_list.html", {"teams": teams, "form": TopicForm()})


@require_http_methods(["GET", "POST"])
@supervisor
def topic_new(request: AuthenticatedHttpRequest, team_id: UUID) -> HttpResponse:
    team = get_team_for_topics(request.user, team_id)
    form = TopicForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.add_topic(actor=request.user, team=team, name=form.cleaned_data["name"])
        except Invalid as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("Topic added."))
            return redirect("health:topic_list")
    return render(request, "health/topic_form.html", {"form": form, "team": team, "topic": None})


@require_http_methods(["GET", "POST"])
@supervisor
def topic_edit(request: AuthenticatedHttpRequest, topic_id: UUID) -> HttpResponse:
    """Rename a topic: the new name is the team's own and shows as typed."""
    topic = get_topic_for_keeper(request.user, topic_id)
    initial = {"name": topic.label}
    form = TopicForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            changed = services.rename_topic(actor=request.user, topic=topic, name=form.cleaned_data["name"])
        except Invalid as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("health:topic_list")
    return render(request, "health/topic_form.html", {"form": form, "team": topic.team, "topic": topic})


@require_http_methods(["POST"])
@supervisor
def topic_active(request: AuthenticatedHttpRequest, topic_id: UUID) -> HttpResponse:
    """Retired, or back in use. Never deleted: past contacts still show it."""
    topic = get_topic_for_keeper(request.user, topic_id)
    is_active = request.POST.get("active") == "1"
    services.set_topic_active(actor=request.user, topic=topic, is_active=is_active)
    if is_active:
        messages.success(request, _("Back in use."))
    else:
        messages.success(request, _("Retired. Past contacts still show it."))
    return redirect("health:topic_list")
