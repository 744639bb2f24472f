"""Log a contact's PrEP and PEP, and vaccinations: fields drawn inside the contact's form for the
person chosen (templates/health/_log_contact_health.html), read into the parts `prevention`
and `vaccinations` (health/apps.py) through the same checks as the tests (forms.PartAtContact:
drawn for the person chosen, or refused). Also the form a supervisor keeps a team's own
vaccines with (health/views/vaccines.py)."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from .forms import PANEL_PERSON, PREFIX, PartAtContact
from .prevention import MAX_DOSE, Prevention, TeamVaccine, Vaccination
from .services.prevention import PreventionAtContact, VaccinationAtContact

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client


def prevention_field(kind: str, name: str) -> str:
    return f"{PREFIX}-{kind}-{name}"


def vaccine_field(vaccine: str, name: str) -> str:
    return f"{PREFIX}-vaccine-{vaccine}-{name}"


def team_vaccine_key(team_vaccine: TeamVaccine) -> str:
    """A team's vaccine in its fields' names: by its id, never its name
    ("health-vaccine-team-<uuid>-dose")."""
    return f"team-{team_vaccine.pk}"


TEAM_FIELDS = f"{PREFIX}-vaccine-team-"


def _doses(most: int) -> list[tuple[str, str]]:
    return [(str(n), gettext_lazy("Dose %(number)d") % {"number": n}) for n in range(1, most + 1)]


class PreventionForm(forms.Form):
    """For PrEP and for PEP: where it stands now (blank: nothing new), and if stopped, why, in
    the person's words, only if they want it noted."""

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.kinds = list(Prevention.Kind)
        for kind in self.kinds:
            self.fields[prevention_field(kind, "status")] = forms.ChoiceField(
                label=gettext_lazy("Where it stands"),
                choices=[("", gettext_lazy("Nothing new")), *Prevention.Status.choices],
                required=False,
            )
            self.fields[prevention_field(kind, "words")] = forms.CharField(
                label=gettext_lazy("If stopped: why, in the person's words (optional)"), max_length=300, required=False
            )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(kind.label), [self[prevention_field(kind, name)] for name in ("status", "words")])
            for kind in self.kinds
        ]

    @property
    def has_content(self) -> bool:
        return self.is_bound and any(self.data.get(prevention_field(kind, "status")) for kind in self.kinds)

    def data_out(self) -> tuple[PreventionAtContact, ...]:
        found = []
        for kind in self.kinds:
            status = self.cleaned_data.get(prevention_field(kind, "status"))
            if status:
                found.append(
                    PreventionAtContact(kind, status, self.cleaned_data.get(prevention_field(kind, "words"), ""))
                )
        return tuple(found)


class VaccinationsForm(forms.Form):
    """For each vaccine: the dose given at this contact (blank: none), and where. The built-in
    vaccines first, then the team's own (`team_vaccines`: the ones in use, to draw; bound to a
    submission, also a retired one it names, so a contact queued offline before the vaccine
    was retired keeps its dose)."""

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, team_vaccines: Sequence[TeamVaccine] = (), **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.vaccines: list[tuple[str, str, str, TeamVaccine | None]] = [
            (str(vaccine), str(vaccine.label), "", None) for vaccine in Vaccination.Vaccine if vaccine != "other"
        ]
        for own in team_vaccines:
            key = team_vaccine_key(own)
            if own.is_active or (data is not None and data.get(vaccine_field(key, "dose"))):
                self.vaccines.append((key, own.name, own.note, own))
        # A dose sent for a vaccine that is not the person's team's (a worker of two teams
        # offline): refused with the contact, never dropped in silence.
        known = {vaccine_field(key, "dose") for key, *_rest in self.vaccines}
        self.unknown = [
            name
            for name, value in (data or {}).items()
            if name.startswith(TEAM_FIELDS) and name.endswith("-dose") and value and name not in known
        ]
        for key, _label, _note, team_vaccine in self.vaccines:
            most = team_vaccine.doses if team_vaccine is not None else MAX_DOSE
            self.fields[vaccine_field(key, "dose")] = forms.TypedChoiceField(
                label=gettext_lazy("Dose"),
                choices=[("", gettext_lazy("Not given")), *_doses(most)],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[vaccine_field(key, "where")] = forms.ChoiceField(
                label=gettext_lazy("Where"),
                choices=Vaccination.Where.choices,
                initial=Vaccination.Where.BY_TEAM,
                required=False,
            )

    def rows(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(the vaccine's name, the team's note on it, its fields): a team's vaccine as typed."""
        return [
            (label, note, [self[vaccine_field(key, name)] for name in ("dose", "where")])
            for key, label, note, _team_vaccine in self.vaccines
        ]

    @property
    def has_content(self) -> bool:
        return self.is_bound and (
            bool(self.unknown) or any(self.data.get(vaccine_field(key, "dose")) for key, *_rest in self.vaccines)
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.unknown:
            raise forms.ValidationError(gettext_lazy("That vaccine is not one of this person's team's vaccines."))
        return cleaned

    def data_out(self) -> tuple[VaccinationAtContact, ...]:
        found = []
        for key, _label, _note, team_vaccine in self.vaccines:
            dose = self.cleaned_data.get(vaccine_field(key, "dose"))
            if dose:
                where = self.cleaned_data.get(vaccine_field(key, "where")) or Vaccination.Where.BY_TEAM
                if team_vaccine is None:
                    found.append(VaccinationAtContact(key, dose, where))
                else:
                    found.append(VaccinationAtContact(Vaccination.Vaccine.OTHER, dose, where, team_vaccine.pk))
        return tuple(found)


class TeamVaccineForm(forms.Form):
    """A team's own vaccine: its name in the team's words, the doses of a full course, a note."""

    name = forms.CharField(label=gettext_lazy("Name, in the team's words"), max_length=80)
    doses = forms.TypedChoiceField(
        label=gettext_lazy("Doses in a full course"),
        choices=[(str(n), str(n)) for n in range(1, MAX_DOSE + 1)],
        coerce=int,
        initial="1",
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For the team: e.g. the gap between doses. Never about a person."),
    )


def prevention_at_contact(submitted: Mapping[str, Any], person: "Client | None", actor: "User") -> PartAtContact | None:
    if PANEL_PERSON not in submitted:
        return None
    return PartAtContact(PreventionForm(submitted), submitted, person)


def vaccinations_at_contact(
    submitted: Mapping[str, Any], person: "Client | None", actor: "User"
) -> PartAtContact | None:
    if PANEL_PERSON not in submitted:
        return None
    # The team's own vaccines are looked up only when a dose of one was sent (one query).
    named = any(key.startswith(TEAM_FIELDS) and value for key, value in submitted.items())
    team_vaccines = team_vaccines_for(person) if named else []
    return PartAtContact(VaccinationsForm(submitted, team_vaccines=team_vaccines), submitted, person)


def team_vaccines_for(person: "Client | None") -> list[TeamVaccine]:
    """The person's team's own vaccines, retired ones too (the form draws those in use): one query."""
    if person is None:
        return []
    return list(TeamVaccine.objects.filter(team_id=person.home_team_id).in_order())
