"""A person's goals: note one, open it, review it, its steps, and how it ends.

Every page is for team members and reaches goals only through GoalQuerySet.visible_to
(goals/access.py). A goal outside the user's teams, or one that does not exist, gets the
same 404 page that says nothing was saved. The goals panel of Log a contact lives in
goals/contact_views.py.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.access import get_client_for_user
from core.errors import NotFound
from core.versioning import EditConflict, conflict_rows
from core.wording import suggest_wording

from .access import get_goal_for_user, get_step_for_user, reloaded
from .forms import ChangeForm, GoalForm, ReviewForm, StatusForm, StepForm
from .history import history_chart
from .models import Goal, Review
from .services import (
    GoalRefused,
    add_step,
    change_goal,
    complete_step,
    end_goal,
    move_step,
    review_goal,
    set_goal,
)


def refused(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Not found among the team's people: the same answer whether or not it exists elsewhere."""
    template = "goals/goal_not_found.html#message" if request.htmx else "goals/goal_not_found.html"
    # htmx does not swap error responses: a fragment says it in place instead.
    return render(request, template, status=200 if request.htmx else 404)


def not_found_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A goal or step outside the user's scope (NotFound from goals/access.py) gets goals'
    own not-found page (`refused`) instead of the plain 404."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return refused(request)

    return wrapped


@require_http_methods(["GET", "POST"])
@team_member
def goal_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Note a goal the person set, in their words."""
    client = get_client_for_user(request.user, code)
    if client.code != code:
        return redirect("goals:new", code=client.code)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        goal = set_goal(actor=request.user, client=client, **form.goal_details())
        messages.success(request, _("Goal noted."))
        return redirect("goals:detail", goal_id=goal.pk)
    return render(request, "goals/goal_new.html", {"person": client, "form": form})


def _detail_context(goal: Goal, **forms: object) -> dict[str, object]:
    reviews = list(Review.objects.filter(goal=goal).for_history())
    rated = [review for review in reviews if review.gas is not None]
    return {
        # Goal Attainment Scaling: the level of the latest review that chose one, and the scale.
        "gas_now": goal.gas_level(rated[-1].gas) if rated else None,
        "gas_now_at": rated[-1].reviewed_at if rated else None,
        "gas_scale": [goal.gas_level(level) for level, _words in goal.gas_levels],
        "goal": goal,
        "person": goal.client,
        "steps": list(goal.steps.all()),
        "reviews": reviews,
        "chart": history_chart(reviews),
        "step_form": forms.get("step_form") or StepForm(),
        "status_form": forms.get("status_form") or StatusForm(initial={"version": goal.version}),
    }


@require_http_methods(["GET"])
@team_member
@not_found_page
def goal_detail(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """The goal as they said it, its steps, and its history (chart and table)."""
    goal = get_goal_for_user(request.user, goal_id)
    record(action=AuditEvent.Action.GOAL_VIEWED, actor=request.user, target=goal, client_id=goal.client_id)
    return render(request, "goals/goal_detail.html", _detail_context(goal))


@require_http_methods(["GET", "POST"])
@team_member
@not_found_page
def goal_review(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """A review on its own (not during a contact): how close they feel, steps done, a note."""
    goal = get_goal_for_user(request.user, goal_id)
    form = ReviewForm(request.POST if request.method == "POST" else None, goal=goal)
    if goal.is_active and form.is_valid():
        try:
            review_goal(
                actor=request.user,
                goal=goal,
                closeness=form.cleaned_data["closeness"],
                gas=form.cleaned_data.get("gas"),
                note=form.cleaned_data["note"],
                steps_done=form.steps(),
            )
        except GoalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Review saved."))
            suggest_wording(request, form.cleaned_data["note"])  # the worker's note, not the goal's words
            return redirect("goals:detail", goal_id=goal.pk)
    return render(request, "goals/goal_review.html", {"goal": goal, "person": goal.client, "form": form})


@require_http_methods(["GET", "POST"])
@team_member
@not_found_page
def goal_status(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """Achieved, or set aside for now, with the date and an optional note."""
    goal = get_goal_for_user(request.user, goal_id)
    form = StatusForm(request.POST if request.method == "POST" else None, initial={"version": goal.version})
    if form.is_valid():
        ending = form.ending()
        if done := _save_ending(request, goal_id, form, lambda: end_goal(actor=request.user, goal=goal, **ending)):
            return done
    return render(request, "goals/goal_status.html", {"goal": goal, "person": goal.client, "form": form})


@require_http_methods(["GET", "POST"])
@team_member
@not_found_page
def goal_change(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    """The person changes their goal: a new goal in their words; the old one links to it."""
    goal = get_goal_for_user(request.user, goal_id)
    initial = {"why": goal.why, "version": goal.version}
    form = ChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        change = form.change()
        if done := _save_ending(request, goal_id, form, lambda: change_goal(actor=request.user, goal=goal, **change)):
            return done
    return render(request, "goals/goal_change.html", {"goal": goal, "person": goal.client, "form": form})


def _save_ending(
    request: AuthenticatedHttpRequest, goal_id: UUID, form: StatusForm | ChangeForm, save: Callable[[], Goal]
) -> HttpResponse | None:
    """Save an ending and answer with the goal saved (the new one, for a change) or the
    conflict page; None when refused: the refusal is on the form, drawn again."""
    try:
        saved = save()
    except EditConflict:
        return ending_conflict(request, goal_id, form)
    except GoalRefused as refusal:
        form.add_error(None, str(refusal))
        return None
    if saved.status == Goal.Status.ACHIEVED:
        messages.success(request, _("Marked achieved."))
    elif saved.status == Goal.Status.SET_ASIDE:
        messages.success(request, _("Set aside."))
    else:  # the goal it was changed into
        messages.success(request, _("Goal changed. The earlier goal stays in their history."))
    return redirect("goals:detail", goal_id=saved.pk)


# How a goal ended, as the conflict page compares it ("became": the words of the new goal).
ENDING_FIELDS = ("status", "status_on", "status_note", "became")
ENDING_LABELS = [
    (field.name, capfirst(field.verbose_name)) for field in Goal._meta.concrete_fields if field.name in ENDING_FIELDS
]


def typed_ending(form: StatusForm | ChangeForm) -> dict[str, Any]:
    data, today = form.cleaned_data, timezone.localdate()
    if isinstance(form, ChangeForm):
        return {"status": Goal.Status.CHANGED, "status_on": today, "status_note": data["note"], "became": data["words"]}
    return {"status": data["status"], "status_on": data["on"] or today, "status_note": data["note"], "became": ""}


def saved_ending(goal: Goal) -> dict[str, Any]:
    """The goal's ending as saved (the goal it became must be loaded: GoalQuerySet.for_page)."""
    became = goal.became.words if goal.became is not None else ""
    return {"status": goal.status, "status_on": goal.status_on, "status_note": goal.status_note, "became": became}


def shown_ending(values: dict[str, Any], name: str) -> Any:
    if name == "status":
        return Goal.Status(values["status"]).label
    if name == "status_on":
        return date_format(values["status_on"]) if values["status_on"] else ""
    return values[name]


def ending_conflict(request: AuthenticatedHttpRequest, goal_id: UUID, typed: StatusForm | ChangeForm) -> HttpResponse:
    """Someone ended the goal after this form was loaded: both endings side by side, and
    the form again with what they typed, on the newer version, to replace the saved ending
    knowingly; or, when the goal was changed into another, their new goal's words ready to
    note as a goal of its own."""
    current = get_goal_for_user(request.user, goal_id)
    yours, saved = typed_ending(typed), saved_ending(current)
    differs = {name for name in ENDING_FIELDS if yours[name] != saved[name]}
    if not differs:  # the newer save is this same ending (a double tap racing itself)
        messages.success(request, _("Saved."))
        return redirect("goals:detail", goal_id=current.became_id or current.pk)
    data = request.POST.copy()
    data.update({"version": str(current.version), "replace": "1"})
    form = type(typed)(data)
    shown = ENDING_FIELDS if yours["became"] or saved["became"] else ENDING_FIELDS[:3]  # no new goal either side
    labels = [(name, label) for name, label in ENDING_LABELS if name in shown]
    rows = conflict_rows(labels, yours=yours, saved=saved, differs=differs, shown=shown_ending)
    record(action=AuditEvent.Action.GOAL_VIEWED, actor=request.user, target=current, client_id=current.client_id)
    context = {
        "goal": current,
        "person": current.client,
        "form": form,
        "rows": rows,
        "is_change": isinstance(typed, ChangeForm),
        "can_replace": current.status != Goal.Status.CHANGED,
    }
    return render(request, "goals/goal_conflict.html", context, status=409)


def _steps_response(request: AuthenticatedHttpRequest, goal: Goal, step_form: StepForm | None = None) -> HttpResponse:
    if request.htmx:
        context = {"goal": goal, "steps": list(goal.steps.all()), "step_form": step_form or StepForm()}
        return render(request, "goals/goal_detail.html#steps", context)
    if step_form is not None:
        return render(request, "goals/goal_detail.html", _detail_context(goal, step_form=step_form))
    return redirect(f"{goal.get_absolute_url()}#steps")


def _unless_ended(request: AuthenticatedHttpRequest, change: Callable[[], object]) -> None:
    """Change the steps; if the goal was ended a moment ago (the services check it under a
    lock), say so instead, and the steps come back as they are now."""
    try:
        change()
    except GoalRefused as refusal:
        messages.warning(request, str(refusal))


@require_http_methods(["POST"])
@team_member
@not_found_page
def step_add(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id)
    form = StepForm(request.POST)
    if not form.is_valid() or not goal.is_active:
        return _steps_response(request, goal, form)
    _unless_ended(request, lambda: add_step(actor=request.user, goal=goal, text=form.cleaned_data["text"]))
    return _steps_response(request, reloaded(request.user, goal))


@require_http_methods(["POST"])
@team_member
@not_found_page
def step_done(request: AuthenticatedHttpRequest, step_id: UUID) -> HttpResponse:
    """Done, or back to not yet (a mistaken tap is undone the same way)."""
    step = get_step_for_user(request.user, step_id)
    if step.goal.is_active:
        _unless_ended(
            request, lambda: complete_step(actor=request.user, step=step, done=request.POST.get("done") == "1")
        )
    return _steps_response(request, reloaded(request.user, step.goal))


@require_http_methods(["POST"])
@team_member
@not_found_page
def step_move(request: AuthenticatedHttpRequest, step_id: UUID) -> HttpResponse:
    """One place up or down: reordering that works with one thumb and without JavaScript."""
    step = get_step_for_user(request.user, step_id)
    if step.goal.is_active:
        offset = -1 if request.POST.get("direction") == "up" else 1
        _unless_ended(request, lambda: move_step(actor=request.user, step=step, offset=offset))
    return _steps_response(request, reloaded(request.user, step.goal))
