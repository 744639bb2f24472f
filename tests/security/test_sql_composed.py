"""SQL in dashboards/ and exports/ is composed with psycopg2.sql (SQL, Identifier, Literal),
never built by formatting strings (issue 14): an f-string, a %-format, str.format or a `+`
of string pieces that holds SQL is a place where a value could one day be pasted into a
statement. This scans the apps' source (every module, migrations included) with `ast`.

What counts as SQL: a string piece with an SQL keyword in capitals (SELECT, FROM, WHERE,
JOIN, ...) or an SQL-only mark (`::`, `date_trunc(`, `to_char(`, `coalesce(`, ...).
Messages for people are made with gettext and `%` on its result, which this never flags
(the left side of such a `%` is a call, not a string).
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["dashboards", "exports"]

SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|JOIN|COPY|CREATE|DROP|ANALYZE|TRUNCATE|GROUP BY|ORDER BY|"
    r"UNION|CASE WHEN|FILTER|RETURNING|LIMIT|OFFSET)\b"
    r"|::|\b(date_trunc|to_char|coalesce|concat_ws|count|sum|min|max|array_agg|nullif|translate|md5|unnest)\("
)


def _text(node: ast.AST) -> str:
    """The constant text of a string expression (the literal parts of an f-string)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(_text(part) for part in node.values)  # pieces apart: "{a}:{b}" is no "::"
    return ""


def _constants(tree: ast.Module) -> dict[str, str]:
    """Names bound to a string at module level (so `NAME.format(...)` and `NAME % x` are seen)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            text = _text(node.value)
            if text:
                found[node.targets[0].id] = text
    return found


def _sql(node: ast.AST, constants: dict[str, str]) -> bool:
    text = constants.get(node.id, "") if isinstance(node, ast.Name) else _text(node)
    return bool(SQL_WORDS.search(text))


def formatted_sql(source: str, name: str = "<source>") -> Iterator[str]:
    """Where `source` builds SQL by formatting strings: "name:line how"."""
    tree = ast.parse(source)
    constants = _constants(tree)
    for node in ast.walk(tree):
        how = None
        if isinstance(node, ast.JoinedStr) and _sql(node, constants):
            how = "f-string"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _sql(node.left, constants):
            how = "%-format"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if _sql(node.left, constants) or _sql(node.right, constants):
                how = "+ of strings"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"format", "replace", "join"}
            and _sql(node.func.value, constants)
        ):
            how = f"str.{node.func.attr}"
        if how:
            yield f"{name}:{getattr(node, 'lineno', '?')} {how}"


def _modules() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py"))


def test_the_scan_sees_every_way_of_formatting_sql() -> None:
    examples = {
        'f"SELECT * FROM t WHERE id = {x}"': "f-string",
        '"DELETE FROM t WHERE id = %s" % x': "%-format",
        'Q = "SELECT {a} FROM t"\nQ.format(a=x)': "str.format",
        '"SELECT * FROM " + table': "+ of strings",
        "f\"to_char({column}, 'YYYY-MM')\"": "f-string",
        'Q = "WHERE {people}"\nQ.replace("{people}", x)': "str.replace",
        '", ".join(f"{name}::text" for name in names)': "f-string",
    }
    for source, how in examples.items():
        found = list(formatted_sql(source))
        assert found and how in found[0], (source, found)
    harmless = [
        '_("Choose at most %(months)s months.") % {"months": 12}',
        'f"{self.team_id} {self.month:%Y-%m}"',
        'SQL("SELECT {x} FROM t").format(x=Identifier("a"))',
        'f"k must be at least {K_MIN}"',
    ]
    for source in harmless:
        assert list(formatted_sql(source)) == [], source


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_sql_is_built_by_formatting_strings(path: Path) -> None:
    found = list(formatted_sql(path.read_text(), str(path.relative_to(ROOT))))
    assert found == [], "compose SQL with psycopg2.sql (SQL, Identifier, Literal): " + ", ".join(found)
