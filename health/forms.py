"""The health part of Log a contact (tests given, linkage steps noted) and the same fields on
the person's health page of its own.

The fields are drawn inside Log a contact's form, for the person chosen
(health/templatetags/health_parts.py, included by the page's per-person part), so "Save
contact" stays the one submit and the contact's save path stores them (the parts registered
in health/apps.py). `health_for` names the person they were drawn for: fields drawn for
someone else are refused, never saved for the wrong person.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team

from .models import DrugCheck, HealthTest, Incident, LinkageStep
from .services import ResultAtContact, StepAtContact

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client

PANEL_PERSON = "health_for"
PREFIX = "health"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def test_field(kind: str, name: str) -> str:
    return f"{PREFIX}-{kind}-{name}"


def step_field(test: HealthTest, name: str) -> str:
    return f"{PREFIX}-step-{test.pk}-{name}"


class TestsForm(forms.Form):
    """A result per test (blank: not tested at this contact), how it was done, and for a
    reactive result when to follow up."""

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.kinds = list(HealthTest.Kind)
        for kind in self.kinds:
            self.fields[test_field(kind, "result")] = forms.ChoiceField(
                label=gettext_lazy("Result"),
                choices=[("", gettext_lazy("Not tested")), *HealthTest.Result.choices],
                required=False,
            )
            self.fields[test_field(kind, "method")] = forms.ChoiceField(
                label=gettext_lazy("How"),
                choices=HealthTest.Method.choices,
                initial=HealthTest.Method.RAPID,
                required=False,
            )
            self.fields[test_field(kind, "follow_up_on")] = forms.DateField(
                label=gettext_lazy("Follow up on (a reactive result)"), required=False, widget=DATE
            )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(kind.label), [self[test_field(kind, name)] for name in ("result", "method", "follow_up_on")])
            for kind in self.kinds
        ]

    @property
    def has_content(self) -> bool:
        return self.is_bound and any(self.data.get(test_field(kind, "result")) for kind in self.kinds)

    def data_out(self) -> tuple[ResultAtContact, ...]:
        found = []
        for kind in self.kinds:
            result = self.cleaned_data.get(test_field(kind, "result"))
            if result:
                method = self.cleaned_data.get(test_field(kind, "method")) or HealthTest.Method.RAPID
                follow_up_on = self.cleaned_data.get(test_field(kind, "follow_up_on"))
                found.append(ResultAtContact(kind, method, result, follow_up_on))
        return tuple(found)


class StepsForm(forms.Form):
    """For each open cascade of the person: the next step reached (blank: none) and when to follow up."""

    def __init__(self, data: Mapping[str, Any] | None = None, *, open_tests: list[HealthTest], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.open_tests = open_tests
        for test in open_tests:
            choices = [("", gettext_lazy("Nothing new"))]
            choices += [(step, label) for step, label in LinkageStep.Step.choices if step in test.next_steps()]
            self.fields[step_field(test, "step")] = forms.ChoiceField(
                label=gettext_lazy("Step reached"), choices=choices, required=False
            )
            self.fields[step_field(test, "follow_up_on")] = forms.DateField(
                label=gettext_lazy("Follow up on"), required=False, widget=DATE
            )

    def rows(self) -> list[tuple[HealthTest, list[forms.BoundField]]]:
        return [
            (test, [self[step_field(test, "step")], self[step_field(test, "follow_up_on")]]) for test in self.open_tests
        ]

    @property
    def has_content(self) -> bool:
        return self.is_bound and any(self.data.get(step_field(test, "step")) for test in self.open_tests)

    def data_out(self) -> tuple[StepAtContact, ...]:
        found = []
        for test in self.open_tests:
            step = self.cleaned_data.get(step_field(test, "step"))
            if step:
                found.append(StepAtContact(test.pk, step, self.cleaned_data.get(step_field(test, "follow_up_on"))))
        return tuple(found)


def open_tests_of(person: "Client") -> list[HealthTest]:
    """The person's reactive tests whose cascade is still open (one query with their steps)."""
    reactive = HealthTest.objects.filter(client=person, result=HealthTest.Result.REACTIVE).for_section()
    reactive = reactive.select_related("client")
    return [test for test in reactive if test.is_open]


class HealthPartForm(Protocol):
    """A form of a health part: tests, steps, PrEP and PEP, vaccinations."""

    @property
    def errors(self) -> Any: ...

    @property
    def has_content(self) -> bool: ...

    def is_valid(self) -> bool: ...

    def data_out(self) -> tuple[Any, ...]: ...


class PartAtContact:
    """One of the health parts as Log a contact submits it (encounters.parts.PartForm)."""

    def __init__(self, form: HealthPartForm, submitted: Mapping[str, Any], person: "Client | None") -> None:
        self.form = form
        self.person = person
        self.drawn_for = str(submitted.get(PANEL_PERSON, ""))
        self._problems: list[str] = []
        # Steps noted for the tests of someone other than the person chosen.
        self.foreign_steps = (
            isinstance(form, StepsForm)
            and self.drawn_for != (person.code if person else "")
            and any(
                key.startswith(f"{PREFIX}-step-") and key.endswith("-step") and value
                for key, value in submitted.items()
            )
        )

    def is_valid(self) -> bool:
        self._problems = []
        if not self.form.has_content and not self.foreign_steps:
            return True
        if self.foreign_steps or self.person is None or self.drawn_for != self.person.code:
            self._problems.append(_("The tests were noted for someone else. Check who is chosen and note them again."))
            return False
        if not self.form.is_valid():
            for errors in self.form.errors.values():
                self._problems.extend(str(error) for error in errors)
        return not self._problems

    def problems(self) -> list[str]:
        return self._problems

    def data(self) -> Any:
        return self.form.data_out() if self.form.has_content else None


def tests_at_contact(submitted: Mapping[str, Any], person: "Client | None", actor: "User") -> PartAtContact | None:
    if PANEL_PERSON not in submitted:
        return None
    return PartAtContact(TestsForm(submitted), submitted, person)


def steps_at_contact(submitted: Mapping[str, Any], person: "Client | None", actor: "User") -> PartAtContact | None:
    if PANEL_PERSON not in submitted:
        return None
    drawn_for_them = person is not None and submitted.get(PANEL_PERSON) == person.code
    open_tests = open_tests_of(person) if person is not None and drawn_for_them else []
    return PartAtContact(StepsForm(submitted, open_tests=open_tests), submitted, person)


class NotedOnForm(forms.Form):
    """The day of what is noted on the health page (a test done elsewhere, a step reached)."""

    on = forms.DateField(label=gettext_lazy("On"), widget=DATE)

    def clean_on(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class AlertForm(forms.Form):
    """A bad-batch alert: what was found (in one language or both), where, until when, for whom."""

    description_en = forms.CharField(
        label=gettext_lazy("What was found, in English"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What it looks like and what was found in it. Never anyone's name."),
    )
    description_es = forms.CharField(
        label=gettext_lazy("What was found, in Spanish"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    area = forms.CharField(label=gettext_lazy("Area"), max_length=120)
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Shown until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        label=gettext_lazy("For the teams"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_teams = forms.BooleanField(label=gettext_lazy("For every team"), required=False)

    def __init__(self, *args: Any, user: "User", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name") if user.is_data_admin else Team.objects.filter(pk__in=user.team_ids)
        cast(forms.ModelMultipleChoiceField, self.fields["teams"]).queryset = teams.order_by("name")
        if not user.is_data_admin:
            del self.fields["all_teams"]
        if len(user.team_ids) == 1 and not user.is_data_admin:
            self.fields["teams"].initial = user.team_ids

    @staticmethod
    def initial_for() -> dict[str, Any]:
        from django.utils import timezone

        ends = timezone.localtime() + timedelta(days=3)
        return {"expires_at": ends.replace(minute=0, second=0, microsecond=0)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("description_en", "").strip() and not data.get("description_es", "").strip():
            self.add_error("description_en", _("Describe what was found, in English or Spanish."))
        if not data.get("all_teams") and not data.get("teams"):
            self.add_error("teams", _("Choose the teams the alert is for."))
        return data


class _TeamAndPerson(forms.Form):
    """The team the record counts for, and the person only if they want it linked (a code)."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=gettext_lazy("Team"), empty_label=None)
    person = forms.CharField(
        label=gettext_lazy("Person's code, only if they want it linked to them"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Leave it empty: by default this is not linked to anyone."),
    )

    def __init__(self, *args: Any, user: "User", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        teams = Team.objects.filter(pk__in=user.team_ids).order_by("name")
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        if len(user.team_ids) == 1:
            self.fields["team"].initial = user.team_ids[0]
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].disabled = True  # their one team, whatever is sent

    def clean_person(self) -> "Client | None":
        from clients.models import Client, normalise_code

        code = self.cleaned_data["person"].strip()
        if not code:
            return None
        found = Client.objects.visible_to(self.user).current().filter(code=normalise_code(code)).first()
        if found is None:
            raise forms.ValidationError(_("No one in your teams has this code. Leave it empty to link no one."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, team = data.get("person"), data.get("team")
        if person is not None and team is not None and person.home_team_id != team.pk:
            data["team"] = person.home_team
        return data

    def clean_on(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class DrugCheckForm(_TeamAndPerson):
    on = forms.DateField(label=gettext_lazy("Checked on"), widget=DATE)
    method = forms.ChoiceField(label=gettext_lazy("How"), choices=DrugCheck.Method.choices, widget=forms.RadioSelect)
    expected = forms.CharField(label=gettext_lazy("What the person expected"), max_length=120, required=False)
    strip_result = forms.ChoiceField(
        label=gettext_lazy("What the strip showed"),
        choices=[("", gettext_lazy("Not a strip test")), *DrugCheck.StripResult.choices],
        required=False,
    )
    found = forms.CharField(
        label=gettext_lazy("What was found"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A spectrometer's result as it reads, or anything else found."),
    )
    plans = forms.ChoiceField(
        label=gettext_lazy("Did the person change their plans?"),
        choices=DrugCheck.Plans.choices,
        initial=DrugCheck.Plans.NOT_SAID,
        widget=forms.RadioSelect,
    )
    plans_words = forms.CharField(label=gettext_lazy("In their words (optional)"), max_length=300, required=False)
    field_order = ["on", "method", "expected", "strip_result", "found", "plans", "plans_words", "team", "person"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        method = data.get("method")
        if method and method != DrugCheck.Method.SPECTROMETER and not data.get("strip_result"):
            self.add_error("strip_result", _("Choose what the strip showed."))
        if method == DrugCheck.Method.SPECTROMETER and not data.get("found", "").strip():
            self.add_error("found", _("Type in what the spectrometer found."))
        return data


class IncidentForm(_TeamAndPerson):
    on = forms.DateField(label=gettext_lazy("When it happened"), widget=DATE)
    kind = forms.ChoiceField(
        label=gettext_lazy("What happened"), choices=Incident.Kind.choices, widget=forms.RadioSelect
    )
    area = forms.CharField(label=gettext_lazy("Area"), max_length=120, required=False)
    involved = forms.ChoiceField(
        label=gettext_lazy("Who was involved"),
        choices=Incident.Involved.choices,
        help_text=gettext_lazy("A role, never a name."),
    )
    help_given = forms.ChoiceField(label=gettext_lazy("Help that followed"), choices=Incident.Help.choices)
    may_count = forms.TypedChoiceField(
        label=gettext_lazy("May it count in anonymised advocacy figures?"),
        choices=[("yes", gettext_lazy("Yes, the person agrees")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The person decides. It is never shown or exported row by row."),
        error_messages={"required": gettext_lazy("Ask the person whether it may count, and choose their answer.")},
    )
    field_order = ["on", "kind", "area", "involved", "help_given", "may_count", "team", "person"]
