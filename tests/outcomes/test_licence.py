"""The WHO-5's licence statement says exactly how it is presented: an adaptation (a
"prefer not to say" answer, never scored, is added to each item), in the README and on
every check-in page alike."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from clients.models import Client
from outcomes.instruments import WHO5_LICENCE
from outcomes.models import Instrument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in this thread: later tests expect English."""
    with translation.override("en"):
        yield


# What both places must say, and what neither may say any more.
SAID = ["Adapted from", "prefer not to say", "never scored", "not created by WHO", "CC BY-NC-SA 3.0 IGO"]


def readme_who5() -> str:
    text = (Path(settings.BASE_DIR) / "README.md").read_text()
    start = text.index("**WHO-5 Wellbeing Index**")
    return " ".join(text[start : text.index("- **Health and quality of life**", start)].split())


def test_the_stored_statement_is_the_adaptation(who5: Instrument) -> None:
    assert who5.licence == WHO5_LICENCE
    assert "without changes" not in who5.licence.lower()


def test_the_check_in_page_and_the_readme_say_the_same(worker_client: HttpClient, person: Client) -> None:
    html = worker_client.get(reverse("outcomes:check_in", args=[person.code, "who5"])).content.decode()
    page = " ".join(html.replace("&#x27;", "'").replace("&quot;", '"').split())
    readme = readme_who5()
    assert " ".join(WHO5_LICENCE.split()) in page
    for words in SAID:
        assert words.lower() in page.lower(), words
        assert words.lower().replace("adapted from", "adaptation") in readme.lower(), words
    assert "without changes" not in readme.lower() and "without changes" not in page.lower()
    assert "prefer not to say" in page.lower()  # the adaptation itself is on the page


def test_the_statement_is_in_spanish_on_a_spanish_page(worker_client: HttpClient, person: Client) -> None:
    worker_client.cookies["django_language"] = "es"
    html = worker_client.get(reverse("outcomes:check_in", args=[person.code, "who5"])).content.decode()
    assert "Adaptado de" in html and "no fue creada por la OMS" in html
