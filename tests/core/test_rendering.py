"""The widget renderer that keeps what it drew (core/rendering.py) draws exactly what Django's does."""

from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.rendering import MAX_KEPT, CachedWidgetRenderer, Unkeyable, frozen


class Everything(forms.Form):
    name = forms.CharField(label=_("Name"), required=False)
    count = forms.IntegerField(min_value=0, initial=0)
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(choices=[("street", _("Street")), ("van", _("Van"))], widget=forms.RadioSelect)
    site = forms.ChoiceField(choices=[("", _("Choose…")), ("a", "A"), ("b", "B")])
    agreed = forms.BooleanField(required=False)
    areas = forms.MultipleChoiceField(choices=[("n", "North"), ("s", "South")], widget=forms.CheckboxSelectMultiple)


def drawn(form: forms.Form) -> list[str]:
    return [str(field) for field in form]


def test_each_widget_is_drawn_as_django_draws_it() -> None:
    cached = CachedWidgetRenderer()
    for data in (
        None,
        {"name": "A <b>", "count": "3", "on": "2026-12-07", "kind": "van", "site": "b", "agreed": "on", "areas": ["s"]},
        {"name": "", "count": "x", "kind": "street", "site": "", "areas": ["n", "s"]},
    ):
        for _round in range(2):  # the second time from what was kept
            assert drawn(Everything(data, renderer=cached)) == drawn(Everything(data, renderer=DjangoTemplates()))


def test_another_value_is_drawn_anew() -> None:
    cached = CachedWidgetRenderer()
    first = str(Everything({"count": "1"}, renderer=cached)["count"])
    second = str(Everything({"count": "2"}, renderer=cached)["count"])
    assert 'value="1"' in first
    assert 'value="2"' in second


def test_each_language_is_kept_apart() -> None:
    cached = CachedWidgetRenderer()
    with translation.override("en"):
        english = str(Everything(renderer=cached)["site"])
    with translation.override("es"):
        spanish = str(Everything(renderer=cached)["site"])
    assert "Choose…" in english
    assert "Elige…" in spanish


def test_true_and_one_and_safe_text_are_different_keys() -> None:
    assert frozen({"required": True}) != frozen({"required": 1})
    assert frozen("<b>") != frozen(mark_safe("<b>"))  # noqa: S308 (a constant)
    assert frozen([date(2026, 12, 7)]) == frozen([date(2026, 12, 7)])


def test_a_context_with_an_object_is_drawn_and_not_kept() -> None:
    cached = CachedWidgetRenderer()
    with pytest.raises(Unkeyable):
        frozen({"widget": {"value": object()}})
    html = cached.render("django/forms/widgets/input.html", {"widget": {"value": object(), "attrs": {}, "name": "x"}})
    assert 'name="x"' in html
    assert cached.kept == {}


def test_the_store_starts_afresh_when_full() -> None:
    cached = CachedWidgetRenderer()
    for number in range(MAX_KEPT + 1):
        str(Everything({"count": str(number)}, renderer=cached)["count"])
    assert 0 < len(cached.kept) <= MAX_KEPT
