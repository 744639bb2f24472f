import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.versioning import version_field

from .models import CLOSENESS_MAX, CLOSENESS_MIN, GAS_MAX, GAS_MIN, NOTE_MAX, STEP_MAX, WORDS_MAX, Goal, Step
from .services import ReviewAtContact

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client

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


# Goal reviews sent with a contact's own fields (the offline Log a contact page draws them
# from the phone's encrypted cache: static/js/offline.js). On the live page a review is saved
# by its own button beside the contact (goals/contact_views.py), so these names differ from
# that panel's ("review-<goal>-..."): a live page never sends a review twice.
REVIEW_AT_CONTACT = "goal_review"


class ReviewsAtContactForm:
    """The reviews in a Log a contact submission, one per goal named in
    "goal_review-<goal id>-closeness" (with "-gas", "-steps_done" (repeated) and "-note").

    The fields are read and checked here (a number from 0 to 10, a level from -2 to +2, step
    ids, the note's length); whether the goal is one of the person's active goals, the level
    one described for it and the steps its own is the save path's (goals.services)."""

    def __init__(self, submitted: Mapping[str, Any], person: "Client | None") -> None:
        self.submitted = submitted
        self.person = person
        self.goal_ids = sorted(
            {
                key.removeprefix(f"{REVIEW_AT_CONTACT}-").rsplit("-", 1)[0]
                for key in submitted
                if key.startswith(f"{REVIEW_AT_CONTACT}-") and key.count("-") >= 2
            }
        )
        self.reviews: list[ReviewAtContact] = []
        self._problems: list[str] = []

    def _values(self, goal: str, name: str) -> list[str]:
        key = f"{REVIEW_AT_CONTACT}-{goal}-{name}"
        getlist = getattr(self.submitted, "getlist", None)
        values = getlist(key) if getlist is not None else [self.submitted.get(key)]
        return [str(value).strip() for value in values if value is not None and str(value).strip()]

    def is_valid(self) -> bool:
        self.reviews, problems = [], []
        for goal in self.goal_ids:
            closeness, gas = self._values(goal, "closeness"), self._values(goal, "gas")
            steps, note = self._values(goal, "steps_done"), " ".join(self._values(goal, "note"))
            if not (closeness or gas or steps or note):
                continue  # a card drawn and not used
            try:
                goal_id = uuid.UUID(goal)
                step_ids = tuple(uuid.UUID(step) for step in steps)
            except ValueError:
                problems.append(str(_("A goal reviewed at this contact is not one of the person's goals.")))
                continue
            rating = _number(closeness)
            if rating is None or not CLOSENESS_MIN <= rating <= CLOSENESS_MAX:
                problems.append(str(CLOSENESS_MESSAGE))
                continue
            level = _number(gas)
            if gas and (level is None or not GAS_MIN <= level <= GAS_MAX):
                problems.append(str(GAS_MESSAGE))
                continue
            if len(note) > NOTE_MAX:
                problems.append(str(_("A review's note can be at most %(max)d characters.") % {"max": NOTE_MAX}))
                continue
            self.reviews.append(ReviewAtContact(goal_id, rating, level, note, step_ids))
        if self.reviews and self.person is None:
            problems.append(str(_("A goal review is recorded for a registered person: choose them first.")))
        self._problems = problems
        return not problems

    def problems(self) -> list[str]:
        return self._problems

    def data(self) -> tuple[ReviewAtContact, ...]:
        return tuple(self.reviews)


def _number(values: list[str]) -> int | None:
    if len(values) != 1:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None


def reviews_at_contact(
    submitted: Mapping[str, Any], person: "Client | None", actor: "User"
) -> ReviewsAtContactForm | None:
    """The goal reviews part of a Log a contact submission; None when it carries none."""
    if not any(key.startswith(f"{REVIEW_AT_CONTACT}-") for key in submitted):
        return None
    return ReviewsAtContactForm(submitted, person)
