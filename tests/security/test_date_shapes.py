"""One date style per language on every page of the access matrix (issue 13).

Every GET page of the matrix is rendered for a role that may open it, in English and in
Spanish, and its visible text (what a person reads: text nodes, not attributes, so form
inputs keep their ISO values) is searched for anything shaped like a date. Each one must be
the language's style: `6 Dec 2026` / `6 dic 2026`, with `, 14:30` where the time matters, or a
month `Dec 2026` / `dic 2026`. `12/06/2026`, `2026-12-06`, `Dec. 6, 2026`, `6 December 2026`
and `6 Dic 2026` all fail.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from .matrix import Row
from .test_access_matrix import MATRIX, as_role, objects  # noqa: F401 (fixtures used by name)

pytestmark = pytest.mark.django_db

# The role that opens a page: supervisors see the most; the data admin and system admin
# their own pages; anonymous the sign-in pages.
OPENERS = ["supervisor", "worker", "data_admin", "system_admin", "anonymous"]

MONTHS = {
    "en": "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
    "es": "ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic",
}
EVERY_MONTH_WORD = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|ene|abr|ago|dic)\.?"
)
# Anything a reader would take for a date: digits with / . or - between them, or a month's
# name (any case, either language) next to a day or a year.
DATE_LIKE = re.compile(
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"
    rf"|(?:\b\d{{1,2}}\.?\s+(?:de\s+)?)?\b{EVERY_MONTH_WORD}(?:\s+(?:de\s+)?\d{{1,4}}\b)(?:,?\s+\d{{4}}\b)?"
    rf"|\b\d{{1,2}}\s+(?:de\s+)?{EVERY_MONTH_WORD}(?!\w)",
    re.IGNORECASE,
)


def allowed(language: str) -> re.Pattern[str]:
    months = MONTHS[language]
    return re.compile(rf"^(?:\d{{1,2}} (?:{months}) \d{{4}}(?:, \d{{2}}:\d{{2}})?|(?:{months}) \d{{4}})$")


class VisibleText(HTMLParser):
    """Text nodes outside <script>, <style> and <template>."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def wrong_dates(text: str, language: str) -> list[str]:
    style = allowed(language)
    return [match.group(0) for match in DATE_LIKE.finditer(text) if not style.match(match.group(0).strip())]


def opener(row: Row) -> str:
    return next(role for role in OPENERS if row.expected.get(role) == 200)


# Not pages a person reads: a zip file, a health check, security.txt (RFC 9116 wants ISO dates),
# the API (JSON for other systems: ISO 8601 dates, as its schema says), the JSON a phone's
# offline code reads, the service worker and the web app manifest.
NOT_PAGES = {
    "exports:export_download",
    "core:health",
    "security:security_txt",
    "offline:device_state",
    "offline:people",
    "offline:changes",
    "service_worker",
    "manifest",
}
PAGES = [
    row
    for row in MATRIX
    if row.method == "get"
    and row.name not in NOT_PAGES
    and not row.name.startswith("api:")
    and any(row.expected.get(role) == 200 for role in OPENERS)
]


@pytest.mark.parametrize(
    ("text", "language", "wrong"),
    [
        ("Seen 6 Dec 2026, 14:30 and Dec 2026", "en", []),
        ("Visto 6 dic 2026, 14:30 · dic 2026", "es", []),
        ("Seen 12/06/2026, 2026-12-06 and 6.12.2026", "en", ["12/06/2026", "2026-12-06", "6.12.2026"]),
        ("Seen Dec. 6, 2026 and 6 December 2026", "en", ["Dec. 6, 2026", "6 December 2026"]),
        ("Visto 6 Dic 2026 y 6 de diciembre de 2026", "es", ["6 Dic 2026", "6 de diciembre de 2026"]),
        ("May I help? 3 people in March", "en", []),
    ],
)
def test_the_date_finder_tells_the_style_from_the_rest(text: str, language: str, wrong: list[str]) -> None:
    assert wrong_dates(text, language) == wrong


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("row", PAGES, ids=lambda row: row.name)
def test_every_page_shows_dates_in_the_language_s_one_style(
    row: Row,
    language: str,
    objects: dict[str, Any],  # noqa: F811 (the matrix's fixture)
    as_role: Callable[[str], HttpClient],  # noqa: F811
) -> None:
    http = as_role(opener(row))
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = http.get(row.path(objects), row.data_for(objects))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    # A page may be asked for in another language (the summary a person takes, in theirs):
    # its dates are judged in the language it is shown in, which must be the one asked for.
    path = row.path(objects)
    asked = parse_qs(urlsplit(path).query).get("language", [language])[0]
    shown_in = re.search(r'<html lang="([a-z-]+)"', page)
    assert shown_in is not None and shown_in[1] == asked
    assert wrong_dates(visible_text(page), asked) == []


@pytest.mark.parametrize(("language", "month"), [("en", "Dec"), ("es", "dic")])
def test_a_contact_s_date_reads_the_same_on_its_page_and_the_person_s(
    language: str,
    month: str,
    objects: dict[str, Any],  # noqa: F811 (the matrix's fixture)
    as_role: Callable[[str], HttpClient],  # noqa: F811
) -> None:
    """The pages above do show dates: a contact's date and time, in each language's words."""
    encounter = objects["encounter"]
    encounter.happened_at = datetime(2026, 12, 6, 14, 30, tzinfo=UTC)
    encounter.save(update_fields=["happened_at"])
    http = as_role("worker")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (
        reverse("encounters:detail", args=[encounter.pk]),
        reverse("clients:detail", args=[encounter.client.code]),
    ):
        assert f"6 {month} 2026, 14:30" in visible_text(http.get(url).content.decode())
