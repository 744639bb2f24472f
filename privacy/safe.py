"""Safe to open in a spreadsheet: the one rule for text that could start a formula.

A text value that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (OWASP's CSV injection); such a value gets a
leading apostrophe, which every one of them shows as text. The same rule in Python
(`safe_text`) and in SQL (`safe_text_sql`, for rows that stream through COPY); a test holds
them equal. Numbers never pass through it (a negative number is a number, written as one).
"""

from psycopg2.sql import SQL, Composable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# The SQL twin: `{value}` is an SQL expression of type text (composed by psycopg2.sql).
SAFE_TEXT_SQL = SQL(
    "CASE WHEN left({value}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {value} ELSE {value} END"
)


def safe_text_sql(value: Composable) -> Composable:
    return SAFE_TEXT_SQL.format(value=value)
