"""The goals panel of Log a contact: review a person's active goals, or note a new goal,
without leaving the page.

How it is wired (templates/goals/_log_contact_goals.html, included once by the log page):
- With htmx, the panel loads when a person is chosen, and again whenever the choice
  changes. Its buttons post here and get a fragment back: the goal's card after a review,
  the whole panel after a new goal.
- Without JavaScript, the log page shows a link to the same panel as a page of its own.
  Its plain forms post here and come back to it; from there a link returns to the contact
  (the log page with the person chosen, or the contact once it is saved).

A review carries the id the log form gave the contact being logged. If that contact is
already saved it is linked at once; otherwise the goals part of the contact's one save path
links it when the contact is saved (goals.services.save_reviews_part, registered in
goals/apps.py). A contact that is never saved leaves the review unlinked:
the person's rating stands on its own. Without JavaScript, the log page draws a new id
when the worker comes back to it, so those reviews stay unlinked too.
"""

import uuid
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.access import get_client_for_user
from clients.models import Client, normalise_code
from core.errors import NotFound
from encounters.models import Encounter

from .access import get_goal_for_user
from .forms import ContactGoalForm, ReviewForm
from .models import Goal
from .services import GoalRefused, review_goal, set_goal
from .views import not_found_page, refused

NEW_GOAL_PREFIX = "new-goal"
PAGE = "goals/contact_goals.html"


def review_prefix(goal: Goal) -> str:
    return f"review-{goal.pk}"


def _contact_id(value: str | None) -> UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _posted_contact_id(request: AuthenticatedHttpRequest) -> UUID | None:
    """`contact` from the panel page's forms; inside Log a contact, the contact form's own `id`."""
    return _contact_id(request.POST.get("contact") or request.POST.get("id"))


def _panel_url(client: Client, contact_id: UUID | None) -> str:
    query = {"who": client.code, **({"id": str(contact_id)} if contact_id else {})}
    return f"{reverse('goals:contact_panel')}?{urlencode(query)}"


def _active_goals(request: AuthenticatedHttpRequest, client: Client) -> list[Goal]:
    goals = Goal.objects.visible_to(request.user).filter(client=client).active()
    return list(goals.with_latest_review().prefetch_related("steps").order_by("created_at"))


def _panel_context(
    request: AuthenticatedHttpRequest,
    client: Client,
    contact_id: UUID | None,
    *,
    review_forms: dict[UUID, ReviewForm] | None = None,
    new_form: ContactGoalForm | None = None,
    noted: Goal | None = None,
) -> dict[str, Any]:
    review_forms = review_forms or {}
    cards = [
        (goal, review_forms.get(goal.pk) or ReviewForm(goal=goal, prefix=review_prefix(goal)))
        for goal in _active_goals(request, client)
    ]
    return {
        "person": client,
        "cards": cards,
        "contact_id": contact_id,
        "new_form": new_form or ContactGoalForm(prefix=NEW_GOAL_PREFIX),
        "noted": noted,
        "inline": bool(request.htmx),
    }


def _page(request: AuthenticatedHttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The panel as a page of its own (no JavaScript), with the way back to the contact."""
    client, contact_id = context["person"], context["contact_id"]
    contacts = Encounter.objects.visible_to(request.user)
    saved = contact_id is not None and contacts.filter(pk=contact_id, client=client).exists()
    if saved:
        back = reverse("encounters:detail", kwargs={"encounter_id": contact_id})
    else:
        back = f"{reverse('encounters:log')}?{urlencode({'person': client.code})}"
    return render(request, PAGE, {**context, "back": back, "back_to_saved": saved})


@require_http_methods(["GET"])
@team_member
def contact_panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The chosen person's active goals (`who`), for the contact being logged (`id`)."""
    code = normalise_code(request.GET.get("who", ""))
    client = Client.objects.visible_to(request.user).current().filter(code=code).first() if code else None
    if client is None:
        # Anonymous, nobody chosen yet, or not one of the team's people: no panel.
        return HttpResponse("") if request.htmx else refused(request)
    record(action=AuditEvent.Action.GOAL_VIEWED, actor=request.user, client_id=client.pk)
    context = _panel_context(request, client, _contact_id(request.GET.get("id")))
    return render(request, f"{PAGE}#panel", context) if request.htmx else _page(request, context)


@require_http_methods(["POST"])
@team_member
@not_found_page
def contact_review(request: AuthenticatedHttpRequest, goal_id: UUID) -> HttpResponse:
    goal = get_goal_for_user(request.user, goal_id)
    contact_id = _posted_contact_id(request)
    form = ReviewForm(request.POST, goal=goal, prefix=review_prefix(goal))
    if form.is_valid():
        try:
            review = review_goal(
                actor=request.user,
                goal=goal,
                closeness=form.cleaned_data["closeness"],
                gas=form.cleaned_data.get("gas"),
                note=form.cleaned_data["note"],
                steps_done=form.steps(),
                contact_id=contact_id,
            )
        except GoalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if request.htmx:
                return _card(request, goal, contact_id, saved=review.closeness)
            messages.success(request, _("Review saved."))
            return redirect(_panel_url(goal.client, contact_id))
    if request.htmx:
        return _card(request, goal, contact_id, form=form)
    return _page(request, _panel_context(request, goal.client, contact_id, review_forms={goal.pk: form}))


def _card(
    request: AuthenticatedHttpRequest,
    goal: Goal,
    contact_id: UUID | None,
    *,
    form: ReviewForm | None = None,
    saved: int | None = None,
) -> HttpResponse:
    """One goal's card, fresh from the database after a review (its latest rating, its steps)."""
    if form is None:
        fresh = Goal.objects.filter(pk=goal.pk).with_latest_review().prefetch_related("steps").first()
        goal = fresh or goal
        form = ReviewForm(goal=goal, prefix=review_prefix(goal))
    context = {"goal": goal, "form": form, "contact_id": contact_id, "saved": saved, "inline": True}
    return render(request, f"{PAGE}#card", context)


@require_http_methods(["POST"])
@team_member
def contact_goal_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    try:
        client = get_client_for_user(request.user, code)
    except NotFound:
        return refused(request)
    contact_id = _posted_contact_id(request)
    form = ContactGoalForm(request.POST, prefix=NEW_GOAL_PREFIX)
    if form.is_valid():
        goal = set_goal(actor=request.user, client=client, **form.goal_details())
        if request.htmx:
            return render(request, f"{PAGE}#panel", _panel_context(request, client, contact_id, noted=goal))
        messages.success(request, _("Goal noted."))
        return redirect(_panel_url(client, contact_id))
    context = _panel_context(request, client, contact_id, new_form=form)
    return render(request, f"{PAGE}#panel", context) if request.htmx else _page(request, context)
