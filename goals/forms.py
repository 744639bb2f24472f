from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.versioning import version_field

from .models import CLOSENESS_MAX, CLOSENESS_MIN, NOTE_MAX, STEP_MAX, WORDS_MAX, Goal, Step

MAX_NEW_STEPS = 10
GAS_FIELDS = ["gas_much_less", "gas_less", "gas_expected", "gas_more", "gas_much_more"]
WORDS_REQUIRED = _("Write the goal in the person's own words.")
CLOSENESS_MESSAGE = _("Choose how close they feel, from 0 to 10.")
GAS_MESSAGE = _("Choose one of the levels, from -2 to +2, or leave it unrated.")


def split_steps(text: str) -> list[str]:
    """One step per line; blank lines dropped. Raises when a step is too long or too many."""
    steps = [line.strip() for line in text.splitlines() if line.strip()]
    if len(steps) > MAX_NEW_STEPS:
        raise forms.ValidationError(_("At most %(count)d steps at a time.") % {"count": MAX_NEW_STEPS})
    if any(len(step) > STEP_MAX for step in steps):
        raise forms.ValidationError(_("Each step can be at most %(max)d characters.") % {"max": STEP_MAX})
    return steps


class GoalForm(forms.ModelForm[Goal]):
    """A goal as the person says it. Only the goal itself is required."""

    steps = forms.CharField(
        label=_("First small steps"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One step per line. Optional."),
    )

    class Meta:
        model = Goal
        fields = ["words", "why", "life_area", "target_on", *GAS_FIELDS, "gas_weight"]
        widgets = {
            "words": forms.Textarea(attrs={"rows": 2, "maxlength": WORDS_MAX}),
            "why": forms.Textarea(attrs={"rows": 2, "maxlength": WORDS_MAX}),
            "target_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "gas_weight": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        labels = {"words": _("Their goal, in their own words")}
        help_texts = {
            "words": _("Write it exactly as they say it."),
            "why": _("In their words. Optional."),
            "life_area": _("Optional."),
            "target_on": _("Optional."),
        }
        error_messages = {"words": {"required": WORDS_REQUIRED}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Never pre-selected: the blank choice says what it means.
        if "life_area" in self.fields:
            self.fields["life_area"].choices = [("", _("Not chosen")), *Goal.LifeArea.choices]  # type: ignore[attr-defined]
        if "gas_weight" in self.fields:
            self.fields["gas_weight"].required = False

    def clean_words(self) -> str:
        words: str = self.cleaned_data["words"]
        if not words.strip():
            raise forms.ValidationError(WORDS_REQUIRED)
        return words

    def clean_gas_weight(self) -> int:
        return self.cleaned_data.get("gas_weight") or 1

    def clean_steps(self) -> list[str]:
        return split_steps(self.cleaned_data.get("steps", ""))

    def goal_details(self) -> dict[str, Any]:
        """Keyword arguments for services.set_goal."""
        data = dict(self.cleaned_data)
        return {name: data[name] for name in [*self.Meta.fields, "steps"] if name in data}


class ContactGoalForm(GoalForm):
    """Noting a goal during a contact: only what can be said in a minute."""

    class Meta(GoalForm.Meta):
        fields = ["words", "why", "life_area"]


class ChangeForm(GoalForm):
    """The goal the person's goal became. The old goal's "why" and life area carry over.

    `version` and `replace`: as StatusForm's."""

    version = version_field()
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

    note = forms.CharField(
        label=_("What changed"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    carry_open_steps = forms.BooleanField(label=_("Keep the steps not done yet"), required=False, initial=True)

    class Meta(GoalForm.Meta):
        fields = ["words", "why", "target_on"]
        labels = {"words": _("Their new goal, in their own words")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["steps"].label = _("New small steps")

    def change(self) -> dict[str, Any]:
        """Keyword arguments for services.change_goal."""
        data = self.cleaned_data
        typed = {name: data[name] for name in ("words", "why", "target_on", "steps", "carry_open_steps", "note")}
        return {**typed, "version": data["version"], "replace_ending": data["replace"]}


class ReviewForm(forms.Form):
    """How close the person feels to their goal (their rating), and what they have done.

    `prefix` keeps several goals' forms apart on one page (Log a contact).
    """

    closeness = forms.TypedChoiceField(
        label=_("How close do they feel to this goal?"),
        help_text=_("Their own rating: 0 is not close at all, 10 is there."),
        choices=[(value, str(value)) for value in range(CLOSENESS_MIN, CLOSENESS_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"required": CLOSENESS_MESSAGE, "invalid_choice": CLOSENESS_MESSAGE},
    )
    gas = forms.TypedChoiceField(
        label=_("Which of their levels are they at?"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": GAS_MESSAGE},
    )
    steps_done = forms.MultipleChoiceField(label=_("Steps done"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.open_steps = {str(step.pk): step for step in goal.steps.all() if not step.is_done}
        self.fields["steps_done"].choices = [(pk, step.text) for pk, step in self.open_steps.items()]  # type: ignore[attr-defined]
        if not self.open_steps:
            del self.fields["steps_done"]
        if goal.uses_gas:
            levels = [(str(level), f"{level:+d} {words}".strip()) for level, words in goal.gas_levels]
            self.fields["gas"].choices = [("", _("Not rated this time")), *levels]  # type: ignore[attr-defined]
        else:
            del self.fields["gas"]

    def steps(self) -> list[Step]:
        return [self.open_steps[pk] for pk in self.cleaned_data.get("steps_done", [])]


class StatusForm(forms.Form):
    """Achieved or set aside: which button was pressed, when, and an optional note.

    `version`: the goal's version when the form was loaded (core/versioning.py); `replace`:
    sent from the conflict page, to replace the ending someone else saved meanwhile."""

    version = version_field()
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

    status = forms.ChoiceField(
        choices=[(Goal.Status.ACHIEVED, _("Achieved")), (Goal.Status.SET_ASIDE, _("Set aside"))],
        error_messages={"required": _("Choose achieved or set aside.")},
    )
    on = forms.DateField(
        label=_("When"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today if left empty."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def ending(self) -> dict[str, Any]:
        """Keyword arguments for services.end_goal."""
        data = self.cleaned_data
        return {name: data[name] for name in ("status", "on", "note", "version")} | {"replace_ending": data["replace"]}

    def clean_on(self) -> date | None:
        on: date | None = self.cleaned_data.get("on")
        if on is not None and on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("A small step"),
        max_length=STEP_MAX,
        error_messages={"required": _("Write the step.")},
    )
