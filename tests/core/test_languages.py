"""English and Spanish from the first page: the catalogue is complete, compiled and current."""

import gettext
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCES = [
    "accounts",
    "audit",
    "clients",
    "config",
    "core",
    "demo",
    "encounters",
    "goals",
    "outcomes",
    "health",
    "dashboards",
    "privacy",
    "exports",
    "offline",
    "api",
    "imports",
]


def keys(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    assert po.percent_translated() == 100


def test_the_compiled_catalogue_matches_the_source() -> None:
    compiled = gettext.GNUTranslations(io.BytesIO(MO.read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(polib.pofile(str(PO)).to_binary()))
    messages = {key: value for key, value in compiled._catalog.items() if key}  # type: ignore[attr-defined]
    assert messages == {key: value for key, value in fresh._catalog.items() if key}  # type: ignore[attr-defined]


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext is not installed (apt-get install gettext; .ci/run installs it): cannot extract messages",
)
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """Extract the messages afresh from a copy of the sources and compare with the catalogue."""
    for name in [*SOURCES, "templates"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "es", "--no-location", "--verbosity", "0"],
        cwd=tmp_path,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": "postgres://unused/unused",
            "PATH": os.environ.get("PATH", ""),
        },
    )
    extracted = keys(polib.pofile(str(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po")))
    missing = extracted - keys(polib.pofile(str(PO)))
    assert missing == set(), "run `make messages` and translate the new strings"


@pytest.mark.django_db
def test_the_chosen_language_is_remembered(client: HttpClient) -> None:
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("accounts:sign_in")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert 'lang="es"' in page
    assert "Iniciar sesión" in page


@pytest.mark.django_db
def test_the_browser_language_is_used_until_one_is_chosen(client: HttpClient) -> None:
    page = client.get(reverse("accounts:sign_in"), headers={"Accept-Language": "es-ES,es;q=0.9"}).content.decode()
    assert "Iniciar sesión" in page
    page = client.get(reverse("accounts:sign_in"), headers={"Accept-Language": "en"}).content.decode()
    assert "Sign in" in page


@pytest.mark.django_db
def test_built_in_service_names_are_translated(worker_client: HttpClient) -> None:
    worker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = worker_client.get(reverse("encounters:log")).content.decode()
    assert "Jeringas estériles" in page
    assert "Kit de naloxona" in page
