import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Team, User
from clients.models import Client, normalise_code

from ..models import (
    MAX_HEAD_COUNT,
    MAX_QUANTITY,
    Encounter,
    OverdoseResponse,
    Referral,
    ServiceType,
    Site,
    TeamService,
)
from ..services.overdose import OverdoseDetails
from ..services.referrals import NewReferral, ReferralChange
from .overdose import check_mark_died, fuller_fields

ANONYMOUS = "anonymous"
SERVICE_PREFIX = "service_"
FALLBACK_QUICK_BUTTONS = 6
STILL_OPEN = "open"


@dataclass(frozen=True)
class Catalogue:
    """The services a worker can record: active types, the team's quick buttons first.

    A team without quick buttons configured gets the first few active types by order.
    """

    service_types: Sequence[ServiceType]
    quick_ids: list[uuid.UUID]

    @classmethod
    def for_user(cls, user: User) -> "Catalogue":
        """One query: each active type carries its place among the team's quick buttons."""
        quick = TeamService.objects.filter(team_id__in=user.team_ids, service_type=OuterRef("pk"))
        quick_order = Subquery(quick.order_by("order").values("order")[:1])
        service_types = list(ServiceType.objects.filter(is_active=True).annotate(quick_order=quick_order))
        chosen = sorted(
            (service_type for service_type in service_types if service_type.quick_order is not None),
            key=lambda service_type: service_type.quick_order,
        )
        quick_ids = [service_type.pk for service_type in chosen or service_types[:FALLBACK_QUICK_BUTTONS]]
        return cls(service_types=service_types, quick_ids=quick_ids)


class EncounterForm(forms.Form):
    """Log a contact in one submit. Service quantities are one field per service type."""

    id = forms.UUIDField(widget=forms.HiddenInput)
    who = forms.CharField(
        label=_("Who"), max_length=20, error_messages={"required": _("Choose a person, or Anonymous.")}
    )
    # Checked in clean_head_count, and only for an anonymous contact: a registered person
    # always counts as one, so a leftover value in the hidden field must not block saving.
    head_count = forms.IntegerField(
        label=_("How many people"),
        required=False,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_HEAD_COUNT}),
    )
    age_band = forms.ChoiceField(
        label=_("Rough age"), choices=[("", _("Not noted"))] + Encounter.AgeBand.choices, required=False
    )
    # "In their own words" has nowhere to put the words on an anonymous contact.
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Not noted"))]
        + [choice for choice in Client.Gender.choices if choice[0] != Client.Gender.SELF_DESCRIBED],
        required=False,
    )
    happened_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Team (for anonymous contacts)"), required=False, empty_label=None
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"), required=False)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Encounter.Kind.choices, initial=Encounter.Kind.STREET)
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=1000,
        required=False,
        help_text=_("The team can read this. Stick to facts that help the person."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: User, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.catalogue = catalogue
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(pk__in=user.team_ids)
        sites = Site.objects.filter(team_id__in=user.team_ids, is_active=True)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites
        if len(user.team_ids) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = user.team_ids[0]
            self.fields["team"].disabled = True
        for service_type in catalogue.service_types:
            self.fields[SERVICE_PREFIX + service_type.slug] = forms.IntegerField(
                label=service_type.label,
                min_value=0,
                max_value=MAX_QUANTITY if service_type.counts_quantity else 1,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control stepper-input"}),
            )

    @classmethod
    def initial_for(cls, user: User, *, last_site: Site | None, person: Client | None) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "happened_at": timezone.localtime().replace(second=0, microsecond=0),
            "team": user.team_ids[0] if user.team_ids else None,
            "site": last_site.pk if last_site else None,
            "who": person.code if person else "",
        }

    def service_fields(self) -> list[tuple[ServiceType, forms.BoundField]]:
        return [
            (service_type, self[SERVICE_PREFIX + service_type.slug]) for service_type in self.catalogue.service_types
        ]

    def quick_fields(self) -> list[tuple[ServiceType, forms.BoundField]]:
        """The team's quick buttons, in the team's order."""
        by_id = {service_type.pk: (service_type, field) for service_type, field in self.service_fields()}
        return [by_id[pk] for pk in self.catalogue.quick_ids if pk in by_id]

    def more_fields(self) -> list[tuple[ServiceType, forms.BoundField]]:
        """Every other active service, in catalogue order (grouped by category on the page)."""
        quick = set(self.catalogue.quick_ids)
        return [(service_type, field) for service_type, field in self.service_fields() if service_type.pk not in quick]

    def more_groups(self) -> list[tuple[str, list[tuple[ServiceType, forms.BoundField]]]]:
        """The other services by category, categories in the order their first service comes."""
        groups: dict[str, list[tuple[ServiceType, forms.BoundField]]] = {}
        for service_type, field in self.more_fields():
            groups.setdefault(service_type.get_category_display(), []).append((service_type, field))
        return list(groups.items())

    def more_in_use(self) -> bool:
        """Open "More services" when one of them has a value or an error (nothing hidden)."""
        return any(field.errors or str(field.value() or "0") not in {"0", ""} for _st, field in self.more_fields())

    def clean_who(self) -> Client | None:
        value = self.cleaned_data["who"]
        if value == ANONYMOUS:
            return None
        client = (
            Client.objects.visible_to(self.user)
            .current()
            .select_related("home_team")
            .filter(code=normalise_code(value))
            .first()
        )
        if client is None:
            raise forms.ValidationError(_("Choose a person from the list, or Anonymous."))
        return client

    def clean_head_count(self) -> int:
        value = self.cleaned_data["head_count"]
        if "who" not in self.cleaned_data or self.cleaned_data["who"] is not None:
            return 1  # a registered person (or nobody chosen yet: that error is shown instead)
        if value is None:
            raise forms.ValidationError(_("Say how many people were at this contact."))
        MinValueValidator(1)(value)
        MaxValueValidator(MAX_HEAD_COUNT)(value)
        return cast(int, value)

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data["happened_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client, site = data.get("who"), data.get("site")
        if client is not None:
            data["team"] = client.home_team
            data["age_band"] = data["gender"] = ""
        team = data.get("team")
        if team is None and "who" in data:
            self.add_error("team", _("Choose the team this contact counts for."))
        if site is not None and team is not None and site.team_id != team.pk:
            self.add_error("site", _("This site belongs to another team."))
        self._refuse_services_not_offered()
        return data

    def _refuse_services_not_offered(self) -> None:
        """A service that is not in the list (another team's, or taken out of use meanwhile).

        Dropping it silently would store a contact that is not what the worker entered.
        """
        offered = {service_type.slug for service_type in self.catalogue.service_types}
        sent = {
            key.removeprefix(SERVICE_PREFIX)
            for key, value in self.data.items()
            if key.startswith(SERVICE_PREFIX) and str(value).strip() not in {"", "0"}
        }
        unknown = sorted(sent - offered)
        if unknown:
            names = ", ".join(
                service_type.label for service_type in ServiceType.objects.filter(slug__in=unknown[:20])
            ) or ", ".join(unknown[:5])
            message = ngettext(
                "This service is not offered to your team (it may have been taken out of use): %(names)s. "
                "It is not on the form any more: check the services and save again.",
                "These services are not offered to your team (they may have been taken out of use): %(names)s. "
                "They are not on the form any more: check the services and save again.",
                len(unknown),
            ) % {"names": names}
            self.add_error(None, message)

    def services(self) -> dict[ServiceType, int]:
        return {
            service_type: self.cleaned_data.get(SERVICE_PREFIX + service_type.slug) or 0
            for service_type in self.catalogue.service_types
        }


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def follow_up_too_early(contact_on: date | None) -> str:
    """A follow-up date before the day of the contact (today, unless it happened earlier)."""
    if contact_on is None or contact_on >= timezone.localdate():
        return str(_("Choose a follow-up date from today on."))
    return str(_("Choose a follow-up date from the day of the contact on."))


class ReferralForm(forms.Form):
    """A referral made at this contact (optional: nothing chosen means none)."""

    to = forms.ChoiceField(label=_("Referred to"), choices=[("", _("Choose…"))] + Referral.To.choices, required=False)
    partner = forms.CharField(label=_("Where (partner organisation)"), max_length=120, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Referral.Status.MADE, _("Made")), (Referral.Status.SUGGESTED, _("Suggested"))],
        initial=Referral.Status.MADE,
        required=False,
        widget=forms.RadioSelect,
    )
    follow_up_on = forms.DateField(label=_("Follow up on (optional)"), required=False, widget=_date_input())

    def __init__(self, *args: Any, contact_on: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contact_on = contact_on

    def has_content(self) -> bool:
        return bool(self.errors) or any(self[name].value() for name in ("to", "partner", "follow_up_on"))

    def clean_follow_up_on(self) -> Any:
        value = self.cleaned_data["follow_up_on"]
        if value is not None and value < (self.contact_on or timezone.localdate()):
            raise forms.ValidationError(follow_up_too_early(self.contact_on))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to") and (data.get("partner") or data.get("follow_up_on")):
            self.add_error("to", _("Choose what the referral is to, or clear the referral."))
        return data

    def referral(self) -> NewReferral | None:
        data = self.cleaned_data
        if not data.get("to"):
            return None
        return NewReferral(
            to=data["to"],
            partner=data["partner"],
            status=data["status"] or Referral.Status.MADE,
            follow_up_on=data["follow_up_on"],
        )


class ReferralUpdateForm(forms.Form):
    """How one of the person's open referrals went, told at this contact."""

    status = forms.ChoiceField(
        label=_("How did it go?"),
        choices=[
            ("", _("No news")),
            (Referral.Status.ATTENDED, _("Attended")),
            (Referral.Status.NOT_ATTENDED, _("Not attended")),
            (Referral.Status.DECLINED, _("Declined")),
            (STILL_OPEN, _("Still open: new follow-up date")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    follow_up_on = forms.DateField(label=_("New follow-up date"), required=False, widget=_date_input())

    def __init__(self, *args: Any, referral: Referral, contact_on: date | None = None, **kwargs: Any) -> None:
        kwargs["prefix"] = f"update-{referral.pk}"
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.contact_on = contact_on

    def has_content(self) -> bool:
        return bool(self.errors) or any(self[name].value() for name in ("status", "follow_up_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status, follow_up_on = data.get("status"), data.get("follow_up_on")
        if follow_up_on is not None and follow_up_on < (self.contact_on or timezone.localdate()):
            self.add_error("follow_up_on", follow_up_too_early(self.contact_on))
        elif status == STILL_OPEN and follow_up_on is None:
            self.add_error("follow_up_on", _("Choose the new follow-up date."))
        return data

    def change(self) -> ReferralChange | None:
        status, follow_up_on = self.cleaned_data.get("status"), self.cleaned_data.get("follow_up_on")
        if not status and follow_up_on is None:
            return None
        if not status or status == STILL_OPEN:
            return ReferralChange(referral_id=self.referral.pk, status=self.referral.status, follow_up_on=follow_up_on)
        return ReferralChange(referral_id=self.referral.pk, status=status, follow_up_on=None)


class OverdoseForm(forms.Form):
    """An overdose response at this contact (optional: nothing filled in means none)."""

    naloxone_doses = forms.IntegerField(
        label=_("Naloxone doses given"),
        min_value=0,
        max_value=20,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    emergency_services = forms.ChoiceField(
        label=_("Emergency services"),
        choices=OverdoseResponse.EmergencyServices.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OverdoseResponse.Outcome.choices, required=False, widget=forms.RadioSelect
    )
    debrief = forms.CharField(
        label=_("Short factual debrief (optional)"),
        max_length=1000,
        required=False,
        help_text=_("What happened and what was done. No blame, no judgement."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fuller_fields())
        self.order_fields(["naloxone_doses", "naloxone_given_by"])

    def has_content(self) -> bool:
        return bool(self.errors) or any(self[name].value() for name in self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(name) for name in self.fields):
            if not data.get("emergency_services"):
                self.add_error("emergency_services", _("Say whether emergency services were called."))
            if not data.get("outcome"):
                self.add_error("outcome", _("Choose the outcome."))
        check_mark_died(self, data, person=True)  # at a contact the person is always named
        return data

    def response(self) -> OverdoseDetails | None:
        data = self.cleaned_data
        if not data.get("outcome"):
            return None
        return OverdoseDetails(
            naloxone_doses=data.get("naloxone_doses") or 0,
            emergency_services=data["emergency_services"],
            outcome=data["outcome"],
            debrief=data["debrief"],
            naloxone_given_by=tuple(data.get("naloxone_given_by") or ()),
            rescue_breathing=bool(data.get("rescue_breathing")),
            cpr=bool(data.get("cpr")),
            to_hospital=bool(data.get("to_hospital")),
            mark_died=bool(data.get("mark_died")),
        )


def unprefixed(data: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Posted values of one prefixed form, as `initial` (a redraw keeps them, unchecked)."""
    start = f"{prefix}-"
    return {key.removeprefix(start): value for key, value in data.items() if key.startswith(start)}


class ExtrasForms:
    """Encounters' own parts of Log a contact for a registered person, in one bundle: a
    referral made, referrals followed up, an overdose response (encounters/parts.py).

    Bound to a submission to save it; drawn from `initial` to redraw the page (a search,
    or the person chosen changed) without showing errors for what is not finished yet.
    `open_referrals` are the person's open referrals, and on a submission also any of the
    person's referrals it names (a resubmission names the ones its first saving settled:
    log_encounter tells a duplicate from a new contact, which it refuses).

    `contact_on` is the day the contact happened: a follow-up date may not be before it. A
    contact queued offline with today's follow-up and synced the next day is judged against
    the day it happened, not the day it reached the server (None: today).
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        open_referrals: list[Referral],
        initial: Mapping[str, Any] | None,
        contact_on: date | None = None,
    ) -> None:
        self.data = data
        initial = initial or {}
        self.referral = ReferralForm(
            data, prefix="referral", initial=unprefixed(initial, "referral"), contact_on=contact_on
        )
        self.overdose = OverdoseForm(data, prefix="overdose", initial=unprefixed(initial, "overdose"))
        self.updates = [
            ReferralUpdateForm(
                data, referral=referral, initial=unprefixed(initial, f"update-{referral.pk}"), contact_on=contact_on
            )
            for referral in open_referrals
        ]
        self.problems: list[str] = []

    def updates_in_use(self) -> bool:
        return any(form.has_content() for form in self.updates)

    def is_valid(self, *, anonymous: bool) -> bool:
        parts: list[ReferralForm | OverdoseForm | ReferralUpdateForm] = [self.referral, self.overdose, *self.updates]
        forms_valid = all([form.is_valid() for form in parts])
        # Anonymous: the parts are not drawn, so say why whatever was sent is refused.
        if anonymous and any(form.has_content() for form in parts):
            self.problems.append(
                str(_("A referral or an overdose response is recorded for a registered person: choose them first."))
            )
        if self._stray_updates():
            self.problems.append(
                str(
                    _(
                        "A referral you updated is not open for this person any more (or it belongs to someone "
                        "else). Check their open referrals and save again."
                    )
                )
            )
        return forms_valid and not self.problems

    def _stray_updates(self) -> bool:
        shown = {f"update-{form.referral.pk}-" for form in self.updates}
        return any(
            key.startswith("update-") and value and not any(key.startswith(prefix) for prefix in shown)
            for key, value in (self.data or {}).items()
        )

    def parts(self) -> dict[str, Any]:
        """The parts for log_encounter (key: data), only those filled in."""
        changes = tuple(change for form in self.updates if (change := form.change()) is not None)
        parts = {
            "referral": self.referral.referral(),
            "referral_updates": changes,
            "overdose": self.overdose.response(),
        }
        return {key: data for key, data in parts.items() if data}
