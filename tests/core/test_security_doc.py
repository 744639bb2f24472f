"""docs/security.md names, for each control, the test that proves it, and docs/architecture.md
for each point of the redesign: those tests exist.

A renamed or deleted test would otherwise leave the document claiming a proof that is gone.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REFERENCE = re.compile(r"(tests/[\w/]+\.py)(?:::(\w+))?")


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)}


@pytest.mark.parametrize("document", ["security.md", "architecture.md"])
def test_every_test_named_in_the_document_exists(document: str) -> None:
    """security.md maps every control to its proof; architecture.md every point of issue 14."""
    references = set(REFERENCE.findall((ROOT / "docs" / document).read_text()))
    assert len(references) >= 20
    missing = []
    for file, name in sorted(references):
        path = ROOT / file
        if not path.exists() or (name and name not in functions_in(path)):
            missing.append(f"{file}::{name}" if name else file)
    assert missing == []
