"""`|crispy_kept` and `|crispy_field_kept` (core/templatetags/kept_forms.py) draw what crispy draws."""

import uuid

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.templatetags import kept_forms
from core.templatetags.kept_forms import crispy_field_kept, crispy_kept


class Decision(forms.Form):
    kind = forms.ChoiceField(label=_("Consent to"))
    method = forms.ChoiceField(choices=[("verbal", _("Verbal")), ("written", "Written")], widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=20, help_text=_("Optional."))
    id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [("", _("Choose…")), *kinds]  # type: ignore[attr-defined]


KINDS = [("records", "Keeping records"), ("sms", "Messages")]


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    kept_forms._kept.clear()


def test_a_blank_form_is_drawn_as_crispy_draws_it_and_kept() -> None:
    for _round in range(2):
        assert crispy_kept(Decision(kinds=KINDS)) == as_crispy_form(Decision(kinds=KINDS))
    assert len(kept_forms._kept) == 1


def test_other_choices_or_values_are_drawn_anew() -> None:
    first = crispy_kept(Decision(kinds=KINDS))
    other = crispy_kept(Decision(kinds=[("records", "Keeping records")]))
    assert "Messages" in first
    assert "Messages" not in other
    valued = crispy_kept(Decision(kinds=KINDS, initial={"note": "hello"}))
    assert 'value="hello"' in valued
    assert 'value="hello"' not in first


class Method(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", "Written"


def test_a_models_choice_as_the_initial_value_is_kept_and_drawn_as_its_value() -> None:
    """The person page's consent form starts at Consent.Method.VERBAL, an enum member: kept
    as the plain value it draws, the same HTML, and a different one keeps its own."""
    for _round in range(2):
        kept = crispy_kept(Decision(kinds=KINDS, initial={"method": Method.VERBAL}))
        assert kept == as_crispy_form(Decision(kinds=KINDS, initial={"method": Method.VERBAL}))
    assert len(kept_forms._kept) == 1
    written = crispy_kept(Decision(kinds=KINDS, initial={"method": Method.WRITTEN}))
    assert written == as_crispy_form(Decision(kinds=KINDS, initial={"method": Method.WRITTEN}))
    assert written != kept
    assert len(kept_forms._kept) == 2


class Ticks(forms.Form):
    alone = forms.BooleanField(required=False, label=_("Not using alone"))
    naloxone = forms.BooleanField(required=False, initial=True, label="Naloxone")


def test_checkboxes_are_kept_and_drawn_as_crispy_draws_them() -> None:
    """A checkbox's widget holds a function (check_test): the same function draws the same."""
    for _round in range(2):
        assert crispy_kept(Ticks()) == as_crispy_form(Ticks())
    assert len(kept_forms._kept) == 1
    assert "checked" in crispy_kept(Ticks())
    unticked = crispy_kept(Ticks(initial={"naloxone": False}))
    assert unticked == as_crispy_form(Ticks(initial={"naloxone": False}))
    assert "checked" not in unticked


def test_each_language_is_kept_apart() -> None:
    with translation.override("en"):
        english = crispy_kept(Decision(kinds=KINDS))
    with translation.override("es"):
        spanish = crispy_kept(Decision(kinds=KINDS))
    assert "Choose…" in english
    assert "Elige…" in spanish


def test_a_bound_form_is_drawn_every_time_with_its_mistakes() -> None:
    form = Decision({"kind": "nobody", "method": "verbal"}, kinds=KINDS)
    assert crispy_kept(form) == as_crispy_form(Decision({"kind": "nobody", "method": "verbal"}, kinds=KINDS))
    assert "invalid-feedback" in crispy_kept(form)
    assert kept_forms._kept == {}


def test_each_field_alone_is_drawn_as_crispy_draws_it() -> None:
    contact = uuid.uuid4()
    for name in ("kind", "method", "note", "id"):
        for _round in range(2):
            kept = crispy_field_kept(Decision(kinds=KINDS, initial={"id": contact})[name])
            assert kept == as_crispy_field(Decision(kinds=KINDS, initial={"id": contact})[name])
    assert str(contact) in crispy_field_kept(Decision(kinds=KINDS, initial={"id": contact})["id"])
    another = uuid.uuid4()
    assert str(another) in crispy_field_kept(Decision(kinds=KINDS, initial={"id": another})["id"])


def test_a_model_choice_field_is_drawn_and_not_kept() -> None:
    from accounts.models import Team

    class Pick(forms.Form):
        team = forms.ModelChoiceField(queryset=Team.objects.none())

    assert crispy_kept(Pick()) == as_crispy_form(Pick())
    assert kept_forms._kept == {}
