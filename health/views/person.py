"""A person's health record on a page of its own: every test and cascade, every vaccine dose
(a team's own vaccines by their name), and tests or linkage steps noted there (done
elsewhere, or noted after the contact)."""

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import team_member
from accounts.types import AuthenticatedHttpRequest
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client
from core.errors import Invalid

from ..access import get_health_person_for_user
from ..forms import NotedOnForm, StepsForm, TestsForm, open_tests_of
from ..models import HealthTest
from ..sections import latest_vaccinations
from ..services import record_linkage_step, record_test

PAGE = "health/person_health.html"


@require_http_methods(["GET", "POST"])
@team_member
def person_health(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The person's tests and cascades; a POST notes tests and steps on the day chosen."""
    client = get_health_person_for_user(request.user, code)
    if client.code != code:
        return redirect("health:person_health", code=client.code)
    open_tests = open_tests_of(client)
    data = request.POST if request.method == "POST" else None
    when = NotedOnForm(data, initial={"on": timezone.localdate()})
    tests, steps = TestsForm(data), StepsForm(data, open_tests=open_tests)
    if data is not None and all([when.is_valid(), tests.is_valid(), steps.is_valid()]):
        try:
            _note(request, client, when.cleaned_data["on"], tests, steps)
        except Invalid as refusal:
            when.add_error(None, refusal.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("health:person_health", code=client.code)
    return _page(request, client, when, tests, steps)


@transaction.atomic
def _note(request: AuthenticatedHttpRequest, client: Client, on: date, tests: TestsForm, steps: StepsForm) -> None:
    for test in tests.data_out():
        record_test(
            actor=request.user,
            client=client,
            kind=test.kind,
            method=test.method,
            result=test.result,
            tested_on=on,
            follow_up_on=test.follow_up_on,
        )
    by_id: dict[UUID, HealthTest] = {test.pk: test for test in steps.open_tests}
    for step in steps.data_out():
        record_linkage_step(
            actor=request.user, test=by_id[step.test_id], step=step.step, done_on=on, follow_up_on=step.follow_up_on
        )


def _page(
    request: AuthenticatedHttpRequest, client: Client, when: NotedOnForm, tests: TestsForm, steps: StepsForm
) -> HttpResponse:
    record(action=AuditEvent.Action.CLIENT_VIEWED, actor=request.user, target=client, client_id=client.pk)
    every = list(HealthTest.objects.visible_to(request.user).filter(client=client).for_section())
    context = {
        "person": client,
        "open": [test for test in every if test.is_open],
        "others": [test for test in every if not test.is_open],
        "when": when,
        "tests": tests,
        "steps": steps,
        "today": timezone.localdate(),
        "vaccinations": latest_vaccinations(client, request.user),
    }
    return render(request, PAGE, context)
