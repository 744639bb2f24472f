"""Control characters in what people type: refused in one place, with a message.

A NUL can't be stored in PostgreSQL text at all (psycopg2 refuses the statement: a server
error), and the other control characters (a vertical tab or form feed pasted from a word
processor, an escape sequence) break CSV exports, terminals and logs. Nobody types them on
purpose, so they are refused, never silently dropped:

- Every form field that takes text (`django.forms.CharField` and the fields built on it:
  email, regex, slug, URL, UUID...) refuses them when the form is validated, with
  `MESSAGE` next to the field. Multi-line fields (a `Textarea`) allow tab and newline;
  single-line ones allow none. `install()` (called once from core/apps.py) puts this check
  into CharField itself, so a form written tomorrow has it without remembering a mixin.
- Search boxes that are read straight from the request (the person pickers) go through
  `search_text`, which refuses the same way and gives the page the same message.
"""

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL and C1 controls; multi-line text may hold tab, newline and carriage return.
SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MESSAGE = _(
    "This contains a hidden control character (such as a null) that can't be saved. "
    "Type it again, or paste it as plain text."
)
CODE = "control_characters"


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return bool((MULTI_LINE if multiline else SINGLE_LINE).search(value))


def refuse_control_characters(value: Any, *, multiline: bool = False) -> None:
    if isinstance(value, str) and has_control_characters(value, multiline=multiline):
        raise ValidationError(MESSAGE, code=CODE)


def without_control_characters(value: str) -> str:
    """For a value that is only looked up, never stored or shown as typed (a person's code
    in a hidden field): one with control characters simply matches no one."""
    return SINGLE_LINE.sub("", value)


@dataclass(frozen=True)
class SearchText:
    text: str  # what to search for ("" when refused)
    refused: str  # the message to show, or ""


def search_text(raw: str) -> SearchText:
    """A search box's text, stripped; refused (nothing searched, `MESSAGE` shown) when it
    holds control characters."""
    if has_control_characters(raw):
        return SearchText(text="", refused=str(MESSAGE))
    return SearchText(text=raw.strip(), refused="")


_original_to_python = forms.CharField.to_python


def _to_python(self: forms.CharField, value: Any) -> Any:
    refuse_control_characters(value, multiline=isinstance(self.widget, forms.Textarea))
    return _original_to_python(self, value)


def install() -> None:
    """Make every CharField refuse control characters (idempotent)."""
    forms.CharField.to_python = _to_python  # type: ignore[method-assign]
