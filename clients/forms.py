from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Field
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from core.versioning import version_field

from .context_items import CONTEXT_WORDS_MAX, SITUATIONS_OF, ContextItem
from .models import (
    EARLIEST_BIRTH_YEAR,
    USE_WISH_MAX,
    Client,
    Consent,
    ConsentKind,
    normalise_code,
    normalise_name,
)
from .services.identity import IDENTITY_FIELDS
from .services.merge import FIELD_GROUPS, MERGED, SURVIVOR
from .summary import summary_parts


class ClientRegistrationForm(forms.ModelForm):
    """Everything about the person is optional; their agreement to a record is not."""

    agrees_to_record = forms.BooleanField(
        label=_("The person agrees that the team keeps a record about them"),
        help_text=_("If they do not agree, log their contacts as anonymous: that needs no record."),
        error_messages={"required": _("Ask the person first: a record is kept only with their agreement.")},
    )
    consent_method = forms.ChoiceField(
        label=_("How they agreed"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.RadioSelect,
        required=False,
    )
    home_team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), empty_label=None)

    class Meta:
        model = Client
        fields = [
            "agrees_to_record",
            "consent_method",
            "preferred_name",
            "year_of_birth",
            "gender",
            "gender_self_described",
            "home_team",
        ]
        widgets = {
            "preferred_name": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
            "year_of_birth": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "gender": forms.RadioSelect,
        }

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        teams = Team.objects.filter(pk__in=user.team_ids)
        cast(forms.ModelChoiceField, self.fields["home_team"]).queryset = teams
        if len(user.team_ids) == 1:
            self.fields["home_team"].widget = forms.HiddenInput()
            self.fields["home_team"].initial = user.team_ids[0]
            self.fields["home_team"].disabled = True
        self.fields["gender"].required = False
        cast(forms.ChoiceField, self.fields["gender"]).choices = list(Client.Gender.choices)
        self.fields["gender_self_described"].help_text = _("Only when they chose 'In their own words'.")

    def clean_consent_method(self) -> str:
        return self.cleaned_data.get("consent_method") or Consent.Method.VERBAL

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("gender") != Client.Gender.SELF_DESCRIBED and data.get("gender_self_described"):
            self.add_error("gender_self_described", _("Choose 'In their own words' above, or leave this empty."))
        return data


class AliasOnlyRegistrationForm(ClientRegistrationForm):
    """A distribution volunteer registers a person with a code and an alias only
    (accounts/roles.py): the system makes the code; no year of birth, no gender."""

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("year_of_birth", "gender", "gender_self_described"):
            del self.fields[name]
        self.fields["preferred_name"].label = _("Alias (optional)")
        self.fields["preferred_name"].help_text = _("A name the person wants to be known by in the team, if any.")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search", "enterkeyhint": "search"}),
    )


class ConsentRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consent to"))
    decision = forms.ChoiceField(label=_("Their decision"), choices=Consent.Decision.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label=_("How"), choices=Consent.Method.choices, initial=Consent.Method.VERBAL, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, kinds: list[ConsentKind], **kwargs: Any) -> None:
        """`kinds` are already loaded (the person's page has them): no query to render."""
        kwargs.setdefault("auto_id", "consent_%s")  # ids unique on the person's page, beside other forms
        super().__init__(*args, **kwargs)
        self.kinds = {kind.slug: kind for kind in kinds}
        choices = [("", _("Choose…")), *((slug, kind.label) for slug, kind in self.kinds.items())]
        self.fields["kind"].choices = choices  # type: ignore[attr-defined]

    def clean_kind(self) -> ConsentKind:
        return self.kinds[self.cleaned_data["kind"]]


class FlagForm(forms.Form):
    text = forms.CharField(
        label=_("What every worker should know"),
        max_length=200,
        help_text=_("For example: prefers women workers; do not visit alone; an allergy."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires_on = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        help_text=_("Leave empty if it applies until someone ends it."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "flag_%s")  # ids unique on the person's page, beside other forms
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError(_("Write what workers should know."))
        return text

    def clean_expires_on(self) -> date | None:
        until: date | None = self.cleaned_data.get("expires_on")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date, or leave it empty."))
        return until


class IdentityForm(forms.ModelForm):
    """The person's details; `version` is the one they were loaded at (core/versioning.py)."""

    version = version_field()

    class Meta:
        model = Client
        fields = IDENTITY_FIELDS
        widgets = {
            "preferred_name": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
            "year_of_birth": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "gender": forms.RadioSelect,
            "contact_preference": forms.RadioSelect,
            "contact_details": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        gender = cast(forms.ChoiceField, self.fields["gender"])
        gender.choices = [("", _("Not recorded")), *Client.Gender.choices]
        self.fields["gender_self_described"].help_text = _("Only when they chose 'In their own words'.")

    def clean_year_of_birth(self) -> int | None:
        year: int | None = self.cleaned_data.get("year_of_birth")
        this_year = timezone.localdate().year
        if year is not None and not EARLIEST_BIRTH_YEAR <= year <= this_year:
            raise forms.ValidationError(
                _("Enter a year between %(first)s and %(last)s."),
                params={"first": EARLIEST_BIRTH_YEAR, "last": this_year},
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("gender") != Client.Gender.SELF_DESCRIBED and data.get("gender_self_described"):
            self.add_error("gender_self_described", _("Choose 'In their own words' above, or leave this empty."))
        return data


class AliasForm(forms.Form):
    name = forms.CharField(
        label=_("Another name they use"),
        max_length=100,
        help_text=_("A street name, a nickname, another spelling."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )

    def __init__(self, *args: Any, known_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = {normalise_name(name) for name in known_names if name}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Type the name."))
        if normalise_name(name) in self.known:
            raise forms.ValidationError(_("This name is already recorded for them."))
        return name


class MergeStartForm(forms.Form):
    other = forms.CharField(
        label=_("Code of the other record"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, person: Client, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person, self.user = person, user

    def clean_other(self) -> Client:
        code = normalise_code(self.cleaned_data["other"])
        people = Client.objects.visible_to(self.user).filter(home_team_id__in=self.user.supervised_team_ids())
        other = people.filter(code=code).first() if code else None
        if other is None:
            raise forms.ValidationError(_("No record with this code in the teams you supervise."))
        if other.pk == self.person.pk or other.merged_into_id == self.person.pk:
            raise forms.ValidationError(_("That is this person's own record."))
        if other.merged_into_id is not None:
            raise forms.ValidationError(_("That record is already merged into another one."))
        return other


def display_values(client: Client) -> dict[str, str]:
    """What each detail looks like to a person reading the comparison."""
    not_recorded = str(_("not recorded"))
    contact = [client.get_contact_preference_display(), client.contact_details]
    if client.contact_preference:
        contact.append(str(_("a message may be left") if client.may_leave_message else _("leave no message")))
    values = {
        "preferred_name": client.preferred_name,
        "year_of_birth": str(client.year_of_birth or ""),
        "gender": client.get_gender_label(),
        "pronouns": client.pronouns,
        "languages": client.languages,
        "contact": " · ".join(part for part in contact if part) if client.contact_preference else "",
        "description": client.description,
        "status": client.get_status_display(),
    }
    return {group: value or not_recorded for group, value in values.items()}


class MergeForm(forms.Form):
    """One radio pair per detail: keep A's value (the default) or B's."""

    def __init__(self, *args: Any, survivor: Client, merged: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kept, other = display_values(survivor), display_values(merged)
        for group, names in FIELD_GROUPS.items():
            self.fields[group] = forms.ChoiceField(
                label=cast(Field[Any, Any], Client._meta.get_field(names[0])).verbose_name,
                choices=[(SURVIVOR, kept[group]), (MERGED, other[group])],
                initial=SURVIVOR,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": _("Choose which value to keep."),
                    "invalid_choice": _("Choose one of the two values."),
                },
            )


class EraseForm(forms.Form):
    """Typed confirmation: the person's code, so nobody erases the wrong record by a tap."""

    confirm_code = forms.CharField(
        label=_("Type the person's code to confirm"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_confirm_code(self) -> str:
        typed = cast(str, self.cleaned_data["confirm_code"])
        if normalise_code(typed) != self.client.code:
            raise forms.ValidationError(_("That is not this person's code. Nothing was erased."))
        return typed


class TransferForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Move to team"), empty_label=_("Choose a team"))

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.exclude(pk=client.home_team_id).order_by("name")
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


class SummaryForm(forms.Form):
    parts = forms.MultipleChoiceField(
        label=_("What goes on it (the person chooses)"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing to put on the summary.")},
    )
    language = forms.ChoiceField(label=_("Language of the summary"), choices=[])
    programme_name = forms.BooleanField(
        label=_("Show the programme's name"),
        required=False,
        help_text=_(
            "Off unless the person asks: a paper found on someone can expose them. Without it, "
            "nothing on the page says where it comes from."
        ),
    )
    show = forms.CharField(widget=forms.HiddenInput, initial="1")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(part.key, part.label) for part in summary_parts()]
        self.fields["parts"].choices = choices  # type: ignore[attr-defined]
        self.fields["parts"].initial = [key for key, _label in choices]
        # Each language in its own words, so the person can pick theirs ("Español").
        languages = [
            (code, capfirst(translation.get_language_info(code)["name_local"])) for code, _ in settings.LANGUAGES
        ]
        self.fields["language"].choices = languages  # type: ignore[attr-defined]
        self.fields["language"].initial = translation.get_language()


class UseWishForm(forms.Form):
    """Their words on what they want from their relationship with drugs; only with them."""

    words = forms.CharField(
        label=_("What they want from their relationship with drugs, in their own words"),
        max_length=USE_WISH_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: “use more safely”, “cut down at weekends”, “no change wanted”. Never scored."),
    )
    with_person = forms.BooleanField(
        label=_("Written with the person, as they said it"),
        error_messages={"required": _("Only write this with the person, in their words.")},
    )


def _situation_choices() -> list[tuple[Any, Any]]:
    """The short list, grouped by what it is about (Income, Benefits, Housing support)."""
    labels = dict(ContextItem.Situation.choices)
    groups: list[tuple[Any, Any]] = [
        (kind_label, [(value, labels[value]) for value in SITUATIONS_OF[kind]])
        for kind, kind_label in ContextItem.Kind.choices
    ]
    return [("", _("Choose one")), *groups]


class ContextItemForm(forms.Form):
    """One thing the person chose to share about their situation: a choice from the short
    list, their own words if they want them noted, and the day. Only with the person."""

    situation = forms.ChoiceField(label=_("What they shared"), choices=_situation_choices)
    words = forms.CharField(
        label=_("In their words (optional)"),
        max_length=CONTEXT_WORDS_MAX,
        required=False,
        help_text=_("Only if they want it noted, as they say it."),
    )
    noted_on = forms.DateField(
        label=_("On"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    chose_to_share = forms.BooleanField(
        label=_("They chose to share this and to have it noted"),
        error_messages={"required": _("Only note what the person chooses to share.")},
    )

    def clean_noted_on(self) -> date:
        value: date = self.cleaned_data["noted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
