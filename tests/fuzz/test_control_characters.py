"""Control characters are refused in one place, with a message, in every text field and
search (core/text.py): the overdose form's person search with a NUL was a server error."""

import uuid

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from clients.models import Client
from core.text import MESSAGE

pytestmark = pytest.mark.django_db

ENGLISH = "hidden control character"
SPANISH = "carácter de control oculto"


@pytest.mark.parametrize("url", ["encounters:overdose_new", "encounters:log"])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_nul_in_a_person_search_is_refused_with_a_message(
    worker_client: HttpClient, person: Client, url: str, htmx: bool
) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = worker_client.post(reverse(url), {"find": "1", "q": f"{person.preferred_name}\x00"}, headers=headers)
    assert response.status_code == 200
    page = response.content.decode()
    assert ENGLISH in page
    plain = worker_client.post(reverse(url), {"find": "1", "q": person.preferred_name}, headers=headers)
    assert ENGLISH not in plain.content.decode() and person.code in plain.content.decode()


def test_the_message_is_in_spanish_too(worker_client: HttpClient) -> None:
    worker_client.cookies["django_language"] = "es"
    response = worker_client.post(reverse("encounters:overdose_new"), {"find": "1", "q": "a\x00"})
    assert SPANISH in response.content.decode()


@pytest.mark.parametrize("bad", ["Ro\x00bin", "Ro\x0bbin", "Robin\x1b[2J", "Ro\x7fbin", "Robin\n"])
def test_a_form_refuses_a_name_with_a_control_character_and_says_so(worker_client: HttpClient, bad: str) -> None:
    response = worker_client.post(reverse("clients:register"), {"preferred_name": bad})
    assert response.status_code == 200
    assert ENGLISH in response.content.decode()
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    "field",
    [forms.CharField(), forms.EmailField(), forms.SlugField(), forms.RegexField(r".*"), forms.UUIDField()],
    ids=lambda field: type(field).__name__,
)
def test_every_kind_of_text_field_refuses_nul(field: forms.Field) -> None:
    with pytest.raises(ValidationError) as refusal:
        field.clean(f"{uuid.uuid4()}\x00")
    assert refusal.value.code == "control_characters"


def test_multi_line_text_keeps_tab_and_newline_single_line_does_not() -> None:
    note = forms.CharField(widget=forms.Textarea)
    assert note.clean("first line\n\tsecond line\r\n") == "first line\n\tsecond line"
    for bad in ("a\x00b", "a\x0bb", "a\x0cb", "a\x85b"):
        with pytest.raises(ValidationError):
            note.clean(bad)
    with pytest.raises(ValidationError):
        forms.CharField().clean("a\tb")


def test_the_message_says_what_to_do() -> None:
    with translation.override("en"):
        assert "Type it again, or paste it as plain text." in str(MESSAGE)
    with translation.override("es"):
        assert "texto sin formato" in str(MESSAGE)
