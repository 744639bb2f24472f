"""No stigmatising or judgemental words in any user-facing string (docs/language.md).

Reads every template and every msgid and msgstr of the Spanish catalogue (which holds the
strings marked for translation in the Python code, in both languages), and fails with
where each word is, why it is not used and what to say instead.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings

from core.language import TERMS, findings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


def template_problems(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".txt", ".svg", ".xml"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            problems += [
                f"{path.relative_to(folder.parent)}:{number}: “{found.match}”: {found.term.reason} "
                f"Say instead: {found.term.instead}."
                for found in findings(line)
            ]
    return problems


def catalogue_problems(po_path: Path) -> list[str]:
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
        for text in filter(None, texts):
            problems += [
                f"{po_path.name}: msgid “{entry.msgid}”: “{found.match}”: {found.term.reason} "
                f"Say instead: {found.term.instead}."
                for found in findings(text)
            ]
    return problems


def test_no_template_uses_a_listed_word() -> None:
    assert template_problems(TEMPLATES) == []


def test_no_message_in_english_or_spanish_uses_a_listed_word() -> None:
    assert catalogue_problems(CATALOGUE) == []


def test_the_check_catches_a_planted_bad_string(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "planted"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% load i18n %}\n<p>{% translate "Fine words" %}</p>\n<p aria-label="Junkies only">x</p>\n', encoding="utf-8"
    )
    po = polib.POFile()
    po.append(polib.POEntry(msgid="The goal failed", msgstr="La meta se dejó de lado"))
    po.append(polib.POEntry(msgid="Sterile syringes", msgstr="Jeringas limpias"))
    po.append(polib.POEntry(msgid="Sign-in failed", msgstr="Inicio de sesión fallido"))
    po.save(str(tmp_path / "django.po"))

    from_templates = template_problems(tmp_path / "templates")
    from_catalogue = catalogue_problems(tmp_path / "django.po")

    assert len(from_templates) == 1 and from_templates[0].startswith("templates/planted/page.html:3: “Junkies”")
    assert "Say instead: person who uses drugs" in from_templates[0]
    assert len(from_catalogue) == 2
    assert from_catalogue[0].startswith("django.po: msgid “The goal failed”: “goal failed”")
    assert from_catalogue[1].startswith("django.po: msgid “Sterile syringes”: “Jeringas limpias”")


@pytest.mark.parametrize(
    "text",
    [
        "He is an addict",
        "Drug addicts",
        "Substance abuse",
        "drug misuse",
        "a crackhead",
        "Injecting drug users",
        "IDUs",
        "Clean syringes",
        "dirty needles",
        "She stayed clean for a year",
        "Clean urine test",
        "clean time",
        "clean and sober",
        "Non-compliant",
        "noncompliance",
        "Goal failed",
        "The plan has failed",
        "failure of treatment",
        "Relapsed",
        "recovering alcoholic",
        "drug-seeking",
        "hard-to-reach groups",
        "the homeless",
        "Es adicta",
        "drogadictos",
        "toxicómano",
        "yonki",
        "usuarios de drogas",
        "análisis limpio",
        "Está limpio",
        "jeringas limpias",
        "agujas sucias",
        "un fracasado",
        "objetivo fallido",
        "la meta fracasó",
        "incumplidora",
        "abuso de sustancias",
        "recaída",
        "los alcohólicos",
    ],
)
def test_a_listed_word_is_caught(text: str) -> None:
    assert findings(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Sign-in failed",
        "Inicio de sesión fallido",
        "Several failed sign-in attempts",
        "Username",
        "Nombre de usuario",
        "Users and teams",
        "Sterile syringes",
        "Jeringas estériles",
        "Addiction services",
        "adicción",
        "alcoholic drinks",
        "bebidas alcohólicas",
        "Clean up old exports",
        "Report abuse or violence",
        "Marked a goal achieved or set aside",
        "Set aside for now",
        "The homeless shelter on Mill Road",
        "Data protection compliance",
        "Person who uses drugs",
    ],
)
def test_innocent_uses_pass(text: str) -> None:
    assert findings(text) == [], text


def test_every_term_is_explained_in_the_docs() -> None:
    docs = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert [term.word for term in TERMS if f"| {term.word} |" not in docs] == []
