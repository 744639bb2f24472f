"""Tests mirror the apps (docs/architecture.md, "One convention each"): a test of an app's
pages lives in that app's folder. Checked on the page tests whose app is unambiguous, the
query-count modules: the URL namespace a module reverses most is its folder's app.
`tests/core/` is exempt: its query counts walk the main pages of several apps at once."""

import ast
import re
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
NAMESPACE = re.compile(r"^([a-z_]+):")


def namespaces(module: Path) -> Counter[str]:
    """How often each URL namespace is named in a reverse("app:name") call."""
    found: Counter[str] = Counter()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "reverse" and node.args:
            first = node.args[0]
            text = ""
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                text = first.value
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                text = str(first.values[0].value)
            if match := NAMESPACE.match(text):
                found[match.group(1)] += 1
    return found


def test_each_page_query_count_module_sits_with_the_app_of_its_pages() -> None:
    misfiled = {}
    modules = [path for path in TESTS.glob("*/test_query_counts*.py") if path.parent.name != "core"]
    assert len(modules) > 10  # the scan finds the modules it is about
    for module in modules:
        counts = namespaces(module)
        most = counts.most_common(1)[0][0] if counts else module.parent.name
        if most != module.parent.name:
            misfiled[str(module.relative_to(TESTS))] = dict(counts)
    assert misfiled == {}


def test_the_scan_reads_plain_and_formatted_url_names(tmp_path: Path) -> None:
    module = tmp_path / "test_query_counts_x.py"
    module.write_text('reverse("goals:detail", args=[1])\nreverse(f"encounters:{name}")\nreverse("goals:list")\n')
    assert namespaces(module) == Counter({"goals": 2, "encounters": 1})
