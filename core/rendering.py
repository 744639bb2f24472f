"""Form widgets drawn once per process, not once per page (FORM_RENDERER).

Log a contact draws about a hundred widgets (a stepper per service, the sites, the kinds,
the check-in's answers), and each one is a template rendered by Django's form renderer:
about a third of that page's CPU (bench/README.md, "CPU per request"). A widget's HTML is a
pure function of its template and its context (name, value, attributes, choices), in the
active language and time zone, so the same widget with the same value gives the same HTML
on every page: this renderer keeps what it drew, keyed by exactly those, and draws only
what it has not seen.

The key is built from plain values only (text, numbers, dates, UUIDs, and lists and dicts of
them, each with its type, so `True` and `1` or a string and a safe string never meet). A
context holding anything else (a model instance, a lazy object whose text could change) is
drawn as before and not kept. Nothing in a widget's context comes from the request (the
CSRF token and the CSP nonce are never in it), so nobody's HTML can reach anybody else's
page that theirs would not have been. At most MAX_KEPT entries are kept per process
(a page's fresh contact id is one new entry each time); then the store starts afresh.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import FunctionType
from typing import Any
from uuid import UUID

from django.db.models.enums import Choices
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeData
from django.utils.translation import get_language

MAX_KEPT = 4096
PLAIN = (str, int, float, bool, type(None), Decimal, date, datetime, time, timedelta, UUID)


class Unkeyable(Exception):
    """A context value that is not plain data: draw it, keep nothing."""


def frozen(value: Any) -> Any:
    """`value` as a hashable key that equals another only when both draw the same HTML."""
    kind = type(value)
    if isinstance(value, SafeData):
        return ("safe", str(value))
    if isinstance(value, Promise):  # a lazy translation: its text in the active language
        return ("text", str(value))
    if isinstance(value, Choices):  # a model's choice (Consent.Method.VERBAL): drawn as its value
        return frozen(value.value)
    if isinstance(value, FunctionType):  # a checkbox's check_test: the same function draws the same
        return ("function", value)
    if kind in PLAIN:
        return (kind.__name__, value)
    if kind is dict:
        # Items in their order: attributes are written out in it.
        return ("dict", tuple((key, frozen(item)) for key, item in value.items()))
    if kind in (list, tuple):
        return (kind.__name__, tuple(frozen(item) for item in value))
    raise Unkeyable(kind.__name__)


class CachedWidgetRenderer(DjangoTemplates):
    """Django's own renderer, keeping each widget's HTML by its template and context."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[Any, str] = {}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if request is not None or "widget" not in context:  # whole forms: drawn each time
            return super().render(template_name, context, request)
        try:
            key = (template_name, get_language(), timezone.get_current_timezone_name(), frozen(context))
        except Unkeyable:
            return super().render(template_name, context, request)
        html = self.kept.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = html
        return html
