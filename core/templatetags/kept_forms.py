"""`{{ form|crispy_kept }}` and `{{ form.x|crispy_field_kept }}`: crispy's `|crispy` and
`|as_crispy_field`, drawn once per process for a blank form.

A person's page carries two blank forms (a consent decision, a safety flag) and Log a
contact two more (a referral, an overdose response); crispy draws each through a dozen
templates, a sixth of the person page's CPU (bench/README.md, "CPU per request"). A blank
(unbound) form's HTML depends only on its class and, for each field, its name, id, label,
help text, required and disabled flags, value, widget and widget attributes and choices,
in the active language and time zone. This filter keys the HTML by exactly those and draws
only what it has not seen (a field alone: by its own description and its form's class
and CSS classes; Log a contact draws its fields one by one). A bound form (with the
person's answers or mistakes), a form with a crispy helper, or a field whose description
is not plain data (a model choice field's query) is drawn as `|crispy` draws it, every
time. Nothing in the HTML comes from the request: the CSRF token is the template's,
outside the form's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms, template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.rendering import MAX_KEPT, Unkeyable, frozen

register = template.Library()
_kept: dict[Any, SafeString] = {}


def _field_key(field: forms.BoundField) -> Any:
    widget = field.field.widget
    return (
        field.name,
        field.html_name,
        field.auto_id,
        type(field.field),
        type(widget),
        frozen(field.label),
        frozen(field.help_text),
        field.field.required,
        field.field.disabled,
        field.field.show_hidden_initial,
        frozen(field.value()),
        frozen(field.build_widget_attrs({}, widget)),
        frozen(vars(widget)),  # attrs, choices, format, input type, ...
        frozen(getattr(field.field, "choices", None)),
    )


def form_key(form: forms.BaseForm) -> Any:
    """What a blank form's HTML depends on, or Unkeyable."""
    return (
        type(form),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        getattr(form, "required_css_class", None),
        getattr(form, "error_css_class", None),
        get_language(),
        timezone.get_current_timezone_name(),
        tuple(_field_key(field) for field in form),
    )


def _kept_or_drawn(key: Callable[[], Any], draw: Callable[[], str]) -> SafeString:
    """The HTML kept under `key()`, or `draw()` kept there; drawn every time when the key
    can't be made (Unkeyable)."""
    try:
        made = key()
    except Unkeyable:
        return mark_safe(draw())  # noqa: S308 (crispy's own HTML)
    html = _kept.get(made)
    if html is None:
        html = mark_safe(draw())  # noqa: S308
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[made] = html
    return html


@register.filter
def crispy_kept(form: forms.BaseForm) -> SafeString:
    if not isinstance(form, forms.BaseForm) or form.is_bound or getattr(form, "helper", None) is not None:
        return mark_safe(as_crispy_form(form))  # noqa: S308 (crispy's own HTML)
    return _kept_or_drawn(lambda: form_key(form), lambda: as_crispy_form(form))


@register.filter
def crispy_field_kept(field: forms.BoundField) -> SafeString:
    form = getattr(field, "form", None)
    if form is None or form.is_bound or getattr(form, "helper", None) is not None:
        return mark_safe(as_crispy_field(field))  # noqa: S308
    return _kept_or_drawn(
        lambda: (
            "field",
            type(form),
            getattr(form, "required_css_class", None),
            getattr(form, "error_css_class", None),
            form.use_required_attribute,
            form.label_suffix,
            get_language(),
            timezone.get_current_timezone_name(),
            _field_key(field),
        ),
        lambda: as_crispy_field(field),
    )
