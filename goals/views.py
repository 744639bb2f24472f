"""A person's goals: note one, open it, review it, its steps, and how it ends.

Every page is for team members and reaches goals only through GoalQuerySet.visible_to
(goals/access.py). A goal outside the user's teams, or one that does not exist, gets the
same 404 page that says nothing was saved. The goals panel of Log a contact lives in
goals/contact_views.py.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from audit.models import AuditEvent
from audit.services import record
from clients.access import get_client_for_user
from core.types import AuthenticatedHttpRequest

from .access import find_goal, find_step
from .charts import history_chart
from .forms import ChangeForm, GoalForm, ReviewForm, StatusForm, StepForm
from .models import Goal, Review
from .services import (
    GoalRefused,
    add_step,
    change_goal,
    complete_step,
    mark_achieved,
    move_step,
    review_goal,
    set_aside,
    set_goal,
)


def refused(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Not found among the team's people: the same answer whether or not it exists elsewhere."""
    template = "goals/goal_not_found.html#message" if request.htmx else "goals/goal_not_found.html"
    # htmx does not swap error responses: a fragment says it in place instead.
    return render(request, template, status=200 if request.htmx else 404)


@team_member
@require_http_methods(["GET", "POST"])
def goal_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Note a goal the person set, in their words."""
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("goals:new", code=client.code)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        goal = set_goal(request=request, client=client, noted_by=request.user, **form.goal_details())
        messages.success(request, _("Goal noted."))
        return redirect("goals:detail", goal_id=goal.pk)
    return render(request, "goals/goal_new.html", {"person": client, "form": form})


def _detail_context(goal: Goal, **forms: object) -> dict[str, object]:
    reviews = list(Review.objects.filter(goal=goal).for_history())
    return {
        "goal": goal,
        "person": goal.client,
        "steps": list(goal.steps.all()),
        "reviews": reviews,
        "chart": history_chart(reviews),
        "step_form": forms.get("step_form") or StepForm(),
        "status_form": forms.get("status_form") or StatusForm(),
    }


@team_member
@require_http_methods(["GET"])
def goal_detail(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """The goal as they said it, its steps, and its history (chart and table)."""
    goal = find_goal(request.user, goal_id)
    if goal is None:
        return refused(request)
    record(action=AuditEvent.Action.GOAL_VIEWED, request=request, target=goal, client_id=goal.client_id)
    return render(request, "goals/goal_detail.html", _detail_context(goal))


@team_member
@require_http_methods(["GET", "POST"])
def goal_review(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """A review on its own (not during a contact): how close they feel, steps done, a note."""
    goal = find_goal(request.user, goal_id)
    if goal is None:
        return refused(request)
    form = ReviewForm(request.POST if request.method == "POST" else None, goal=goal)
    if goal.is_active and form.is_valid():
        try:
            review_goal(
                request=request,
                goal=goal,
                reviewed_by=request.user,
                closeness=form.cleaned_data["closeness"],
                gas=form.cleaned_data.get("gas"),
                note=form.cleaned_data["note"],
                steps_done=form.steps(),
            )
        except GoalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Review saved."))
            return redirect("goals:detail", goal_id=goal.pk)
    return render(request, "goals/goal_review.html", {"goal": goal, "person": goal.client, "form": form})


@team_member
@require_http_methods(["GET", "POST"])
def goal_status(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """Achieved, or set aside for now, with the date and an optional note."""
    goal = find_goal(request.user, goal_id)
    if goal is None:
        return refused(request)
    form = StatusForm(request.POST if request.method == "POST" else None)
    if goal.is_active and form.is_valid():
        end = mark_achieved if form.cleaned_data["status"] == Goal.Status.ACHIEVED else set_aside
        try:
            end(request=request, goal=goal, on=form.cleaned_data["on"], note=form.cleaned_data["note"])
        except GoalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Marked achieved.") if goal.status == Goal.Status.ACHIEVED else _("Set aside."))
            return redirect("goals:detail", goal_id=goal.pk)
    return render(request, "goals/goal_status.html", {"goal": goal, "person": goal.client, "form": form})


@team_member
@require_http_methods(["GET", "POST"])
def goal_change(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """The person changes their goal: a new goal in their words; the old one links to it."""
    goal = find_goal(request.user, goal_id)
    if goal is None:
        return refused(request)
    form = ChangeForm(request.POST if request.method == "POST" else None, initial={"why": goal.why})
    if goal.is_active and form.is_valid():
        data = form.cleaned_data
        try:
            new = change_goal(
                request=request,
                goal=goal,
                noted_by=request.user,
                words=data["words"],
                why=data["why"],
                target_on=data["target_on"],
                steps=data["steps"],
                carry_open_steps=data["carry_open_steps"],
                note=data["note"],
            )
        except GoalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Goal changed. The earlier goal stays in their history."))
            return redirect("goals:detail", goal_id=new.pk)
    return render(request, "goals/goal_change.html", {"goal": goal, "person": goal.client, "form": form})


def _steps_response(request: AuthenticatedHttpRequest, goal: Goal, step_form: StepForm | None = None) -> HttpResponse:
    if request.htmx:
        context = {"goal": goal, "steps": list(goal.steps.all()), "step_form": step_form or StepForm()}
        return render(request, "goals/goal_detail.html#steps", context)
    if step_form is not None:
        return render(request, "goals/goal_detail.html", _detail_context(goal, step_form=step_form))
    return redirect(f"{goal.get_absolute_url()}#steps")


@team_member
@require_http_methods(["POST"])
def step_add(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    goal = find_goal(request.user, goal_id)
    if goal is None:
        return refused(request)
    form = StepForm(request.POST)
    if not form.is_valid() or not goal.is_active:
        return _steps_response(request, goal, form)
    add_step(request=request, goal=goal, text=form.cleaned_data["text"])
    return _steps_response(request, find_goal(request.user, goal_id) or goal)


@team_member
@require_http_methods(["POST"])
def step_done(request: AuthenticatedHttpRequest, step_id: UUID) -> HttpResponse:
    """Done, or back to not yet (a mistaken tap is undone the same way)."""
    step = find_step(request.user, step_id)
    if step is None:
        return refused(request)
    if step.goal.is_active:
        complete_step(request=request, step=step, done=request.POST.get("done") == "1")
    return _steps_response(request, find_goal(request.user, step.goal_id) or step.goal)


@team_member
@require_http_methods(["POST"])
def step_move(request: AuthenticatedHttpRequest, step_id: UUID) -> HttpResponse:
    """One place up or down: reordering that works with one thumb and without JavaScript."""
    step = find_step(request.user, step_id)
    if step is None:
        return refused(request)
    if step.goal.is_active:
        move_step(request=request, step=step, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _steps_response(request, find_goal(request.user, step.goal_id) or step.goal)
