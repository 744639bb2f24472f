"""Forms: a check-in's answers, and an instrument defined by a data admin."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import NAME_MAX, SCALE_LIMIT, TEXT_MAX, WORDING_MAX, Instrument, InstrumentItem
from .services import CheckInAtContact

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client

DECLINED = "declined"
MAX_ITEMS = 30


def labels_every_answer(item: InstrumentItem) -> bool:
    """Each answer has words (the WHO-5, a choice): drawn as labelled buttons, not numbers."""
    return item.kind == InstrumentItem.Kind.CHOICE or all(label for _value, label in item.choices())


@dataclass(frozen=True)
class ItemRow:
    item: InstrumentItem
    field: forms.BoundField
    labelled: bool
    hint: str  # the words for some answers of a numeric scale ("0: very poor · 10: very good")

    @property
    def answers(self) -> list[Any]:
        """The item's answers without "prefer not to say" (drawn apart)."""
        return [widget for widget in self.field if widget.data["value"] != DECLINED]

    @property
    def decline(self) -> Any:
        return next(widget for widget in self.field if widget.data["value"] == DECLINED)


class CheckInForm(forms.Form):
    """One radio group per item: its answers and "prefer not to say". Every item may be left out.

    Field names are `<instrument slug>-<item key>`, the same on the check-in page and in the
    Log a contact panel. Anything else posted under the prefix (an item this version does
    not have) is refused, as is a value that is not one of an item's answers.
    """

    def __init__(self, *args: Any, instrument: Instrument, items: list[InstrumentItem], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", instrument.slug)
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items = items
        for item in items:
            labelled = labels_every_answer(item)
            answers = [(str(value), label if labelled else str(value)) for value, label in item.choices()]
            choices = answers + [(DECLINED, _("Prefer not to say"))]
            self.fields[item.key] = forms.ChoiceField(
                label=item.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("%(value)s is not one of the answers to this question.")},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        known = {self.add_prefix(item.key) for item in self.items}
        start = f"{self.prefix}-"
        if any(name.startswith(start) and name not in known for name in self.data):
            raise forms.ValidationError(
                _("An answer was sent for a question that is not in this questionnaire. Nothing was saved.")
            )
        if not self.errors and not any(cleaned.get(item.key) for item in self.items):
            raise forms.ValidationError(_("Nothing to save: give at least one answer, or “prefer not to say”."))
        return cleaned

    def answers(self) -> dict[UUID, int | None]:
        """Item id -> value, or None for "prefer not to say"; unanswered items left out."""
        answers: dict[UUID, int | None] = {}
        for item in self.items:
            given = self.cleaned_data.get(item.key)
            if given:
                answers[item.pk] = None if given == DECLINED else int(given)
        return answers

    def rows(self) -> list[ItemRow]:
        rows = []
        for item in self.items:
            labelled = labels_every_answer(item)
            hint = "" if labelled else " · ".join(label for _value, label in item.choices() if label)
            rows.append(ItemRow(item=item, field=self[item.key], labelled=labelled, hint=hint))
        return rows

    def field_names(self) -> str:
        """The fields an htmx request of the Log a contact panel sends (hx-params)."""
        return ",".join(self.add_prefix(item.key) for item in self.items)


class InstrumentForm(forms.Form):
    """What a data admin sets for an instrument of their own (items in ItemFormSet)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=50,
        help_text=_("Letters, numbers and hyphens; it names the questionnaire in reports. It cannot change later."),
    )
    instructions = forms.CharField(
        label=_("Instructions shown above the questions"), max_length=WORDING_MAX * 2, required=False
    )
    scoring = forms.ChoiceField(label=_("Scoring rule"), choices=Instrument.Scoring.choices)
    factor = forms.DecimalField(
        label=_("Factor"),
        max_digits=6,
        decimal_places=3,
        initial=Decimal(1),
        help_text=_("For “sum times a factor” only."),
        required=False,
    )
    min_answered = forms.IntegerField(
        label=_("Answers needed for a total"),
        min_value=1,
        max_value=MAX_ITEMS,
        required=False,
        help_text=_("Leave empty when every question must be answered. Declined questions never count as 0."),
    )
    higher_is_better = forms.BooleanField(label=_("A higher total is better"), required=False, initial=True)
    smallest_change = forms.DecimalField(
        label=_("Smallest change that counts"), max_digits=7, decimal_places=2, min_value=0, required=False
    )
    reliability = forms.DecimalField(
        label=_("Reliability (for example Cronbach's alpha)"),
        max_digits=4,
        decimal_places=3,
        required=False,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.999"))],
    )
    sd = forms.DecimalField(
        label=_("Standard deviation of the total"),
        max_digits=7,
        decimal_places=2,
        required=False,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    norms_source = forms.CharField(
        label=_("Published source of the reliability and standard deviation"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    licence = forms.CharField(
        label=_("Licence"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    citation = forms.CharField(
        label=_("Source"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Offer it for new check-ins"), required=False, initial=True)

    def __init__(self, *args: Any, instrument: Instrument | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if instrument is not None:
            slug = self.fields["slug"]
            slug.disabled = True
            slug.required = False
            if instrument.is_builtin:
                for name, field in self.fields.items():
                    field.disabled = name != "is_active"
                    field.required = False

    def clean_slug(self) -> str:
        if self.instrument is not None:
            return self.instrument.slug
        slug = cast(str, self.cleaned_data["slug"])
        if Instrument.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another questionnaire already has this short name."))
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scoring") == Instrument.Scoring.SUM_TIMES and not cleaned.get("factor"):
            self.add_error("factor", _("Give the factor the sum is multiplied by (not 0)."))
        if (cleaned.get("reliability") is None) != (cleaned.get("sd") is None):
            self.add_error("sd", _("Give both the reliability and the standard deviation, or neither."))
        if cleaned.get("reliability") is not None and not cleaned.get("norms_source"):
            self.add_error("norms_source", _("Name the published source of these figures."))
        return cleaned

    def fields_for_instrument(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in ("name", "instructions", "scoring", "min_answered")}
        fields |= {name: data.get(name) for name in ("smallest_change", "reliability", "sd")}
        fields |= {name: data.get(name) or "" for name in ("norms_source", "licence", "citation")}
        fields |= {
            "factor": data.get("factor") or Decimal(1),
            "higher_is_better": bool(data.get("higher_is_better")),
            "is_active": bool(data.get("is_active")),
        }
        return fields

    @classmethod
    def initial_for(cls, instrument: Instrument) -> dict[str, Any]:
        names = list(cls.base_fields)
        return {name: getattr(instrument, name) for name in names}


class ItemForm(forms.Form):
    wording = forms.CharField(label=_("Question"), max_length=WORDING_MAX, required=False)
    scale_min = forms.IntegerField(
        label=_("Lowest answer"), initial=0, min_value=-SCALE_LIMIT, max_value=SCALE_LIMIT, required=False
    )
    scale_max = forms.IntegerField(
        label=_("Highest answer"), initial=4, min_value=-SCALE_LIMIT, max_value=SCALE_LIMIT, required=False
    )
    low_label = forms.CharField(label=_("Lowest answer means"), max_length=60, required=False)
    high_label = forms.CharField(label=_("Highest answer means"), max_length=60, required=False)
    is_reverse_scored = forms.BooleanField(label=_("Reverse-scored"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("wording"):
            return cleaned
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is None or high is None:
            self.add_error("scale_max", _("Give the lowest and the highest answer."))
        elif low >= high:
            self.add_error("scale_max", _("The highest answer must be more than the lowest."))
        return cleaned


class BaseItemFormSet(forms.BaseFormSet[ItemForm]):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.filled():
            raise forms.ValidationError(_("Add at least one question."))

    def filled(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("wording")]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=3, max_num=MAX_ITEMS, validate_max=True)


def item_initial(items: list[InstrumentItem]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        labels = {int(entry["value"]): entry.get("label", "") for entry in item.labels}
        rows.append(
            {
                "wording": item.wording,
                "scale_min": item.scale_min,
                "scale_max": item.scale_max,
                "low_label": labels.get(item.scale_min, ""),
                "high_label": labels.get(item.scale_max, ""),
                "is_reverse_scored": item.is_reverse_scored,
            }
        )
    return rows


def item_formset(data: Any = None, initial: list[dict[str, Any]] | None = None) -> BaseItemFormSet:
    return cast(BaseItemFormSet, ItemFormSet(data, prefix="items", initial=initial))


# The check-in answers of Log a contact (the "check_ins" part of a contact) ----------------

# The panel's fields are named "checkin-<instrument slug>-<item key>", so that no
# questionnaire a data admin names can clash with the contact form's own fields.
PANEL_PREFIX = "checkin"
# Which person the panel was drawn for: answers are never saved with another person's
# contact (the person chosen can change while the panel is being drawn again).
PANEL_PERSON = "checkin_for"


def panel_prefix(instrument: Instrument) -> str:
    return f"{PANEL_PREFIX}-{instrument.slug}"


class CheckInsAtContactForm:
    """The answers given in the check-in panel, read from the contact's submission.

    One CheckInForm per offered instrument with an answer among the submitted fields.
    Refuses (problems) answers drawn for another person than the contact's, answers for an
    anonymous contact, and whatever a CheckInForm refuses.
    """

    def __init__(self, submitted: Mapping[str, Any], person: "Client | None") -> None:
        self.person = person
        self.drawn_for = str(submitted.get(PANEL_PERSON, ""))
        instruments = [
            instrument
            for instrument in Instrument.objects.offered()
            if any(key.startswith(f"{panel_prefix(instrument)}-") and submitted[key] for key in submitted)
        ]
        self.forms = [
            CheckInForm(
                submitted,
                instrument=instrument,
                items=list(instrument.items.all()),
                prefix=panel_prefix(instrument),
            )
            for instrument in instruments
        ]
        self._problems: list[str] = []

    def is_valid(self) -> bool:
        self._problems = []
        if not self.forms:
            return True
        if self.person is None:
            self._problems.append(
                str(_("A wellbeing check-in is recorded for a registered person: choose them first."))
            )
        elif self.drawn_for != self.person.code:
            self._problems.append(
                str(_("The check-in answers were given for someone else. Check who is chosen and answer again."))
            )
        for form in self.forms:
            if not form.is_valid():
                label = form.instrument.label
                for errors in form.errors.values():
                    self._problems.extend(f"{label}: {error}" for error in errors)
        return not self._problems

    def problems(self) -> list[str]:
        return self._problems

    def data(self) -> tuple[CheckInAtContact, ...]:
        return tuple(CheckInAtContact(form.instrument.pk, form.answers()) for form in self.forms)


def check_ins_at_contact(
    submitted: Mapping[str, Any], person: "Client | None", actor: "User"
) -> CheckInsAtContactForm | None:
    """The check-in part of a Log a contact submission; None when the panel sent nothing."""
    if PANEL_PERSON not in submitted:
        return None
    return CheckInsAtContactForm(submitted, person)


def check_in_forms() -> list[tuple[Instrument, CheckInForm]]:
    """The questionnaires offered, each an empty form named as the Log a contact panel names
    its answers: for the offline Log a contact page, which draws the panel for whoever is
    chosen from the phone's cache (offline/views.py). Two queries."""
    return [
        (
            instrument,
            CheckInForm(instrument=instrument, items=list(instrument.items.all()), prefix=panel_prefix(instrument)),
        )
        for instrument in Instrument.objects.offered()
    ]
