"""Log a contact's weight on a phone: at most 100 KB on the first load, 20 KB on a repeat load.

Bytes, not time, so a test may check them. Measured as `make bench-weight` does
(bench/page_weight.py), but on the test database: gunicorn with production's settings,
static files collected by CompressedManifestStaticFilesStorage (hashed names, far-future
cache headers, gzip through WhiteNoise), pages compressed by GZipMiddleware. The live test
server would not do: it serves static files uncompressed and without cache headers.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from bench.page_weight import FIRST_KB_MAX, LOG_CONTACT, REPEAT_KB_MAX, collect_static, server_env, serving, weigh
from encounters.models import Site
from tests.factories import ClientFactory

from .conftest import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def database_url_for_tests() -> str:
    database = settings.DATABASES["default"]
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER']}:{database['PASSWORD']}@{host}:{port}/{database['NAME']}"


@pytest.fixture
def production_server(tmp_path: Path) -> Iterator[str]:
    """gunicorn on the test database; the same secret key, so a test's session is valid there."""
    env = server_env(database_url_for_tests(), tmp_path / "static", settings.SECRET_KEY)
    collect_static(env, ignore=("admin",))  # the admin's files are most of the time, and not on the page
    with serving(env) as base_url:
        yield base_url


def test_log_a_contact_weighs_at_most_100_kb_first_and_20_kb_after(
    page: Page, check_page: PageChecks, production_server: str, worker: User, site: Site
) -> None:
    ClientFactory.create_batch(8, home_team=site.team, last_seen_at=timezone.now())  # a full picker
    http = HttpClient()
    http.force_login(worker)
    cookie = http.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": production_server}])

    weight = weigh(page, production_server + LOG_CONTACT, after_first=check_page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact")
    check_page()

    first = dict(weight.first.responses)
    assert first[production_server + LOG_CONTACT] < 10_000  # the page itself, compressed
    bootstrap = [size for url, size in first.items() if "/bootstrap.min." in url]
    assert bootstrap and bootstrap[0] < 40_000  # 232 KB as a file: sent compressed, by its hashed name
    repeat = dict(weight.repeat.responses)
    assert [url for url, size in repeat.items() if "/static/" in url and size > 0] == []  # all from the cache
    assert weight.first.kb <= FIRST_KB_MAX, weight.first
    assert weight.repeat.kb <= REPEAT_KB_MAX, weight.repeat
