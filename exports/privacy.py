"""The privacy rules every row-level export follows, as SQL (so rows stream through COPY).

The rules (also in README.md and in the codebook.json of every export):

- No names, aliases, codes, descriptions, notes or any other free text: the datasets
  (exports/datasets.py) select coded columns only.
- No person link: rows carry no pseudonym, so no file can be joined on a person, within an
  export or across exports, and no person's trace (all their rows) can be put together.
  A person's rows are protected by the people they are grouped with instead (below).
- Dates become months (or quarters); year of birth becomes a 10-year age band at the date of
  the row ("20-29", ..., "90+"); sites become their area. Anonymous contacts keep their
  head count and the rough age band and gender recorded with them ("25-34 (rough)").
- k-anonymity: every combination of the quasi-identifiers (age band, gender, area, period)
  in a file is shared by at least k people (k = 11 unless chosen, never below 5), counted as
  distinct registered people: an anonymous contact's head count never counts (ten people
  met anonymously beside one registered person are not a group of eleven). Where a dataset
  has a sensitive column (an overdose response's outcome, a check-in's total), every group
  also holds at least 2 different values of it (l-diversity), so being in a group never
  tells what happened to someone. A row whose
  combination is shared by fewer is generalised: its period to the quarter, then its area
  to "(all areas)"; a row still in a group of fewer than k is left out (suppressed). Each
  step counts only the rows that reach it, so every value that appears in a file — a
  month, a quarter, "(all areas)" — stands for a group of at least k people.
"""

from dataclasses import dataclass
from typing import Literal

from psycopg2.sql import SQL, Composable, Identifier
from psycopg2.sql import Literal as Value

from privacy.rules import K_DEFAULT, K_MIN, L_DIVERSITY
from privacy.safe import safe_text_sql

__all__ = ["K_DEFAULT", "K_MIN"]

ALL_AREAS = "(all areas)"
NOT_RECORDED = "not recorded"


def column(name: str) -> Identifier:
    """A column as `name` or `table.name` (an identifier, quoted by psycopg2)."""
    return Identifier(*name.split("."))


# The age band at the row's date (10-year bands from the year of birth, "90+" on top; an
# anonymous contact's rough band marked "(rough)") is made inside each dataset's definer
# function (exports migration 0003: alongside_age_band, alongside_rough_age_band), which
# never returns the year of birth itself.

MONTH_SQL = SQL("to_char({at} AT TIME ZONE %(zone)s, 'YYYY-MM')")
QUARTER_SQL = SQL("to_char({at} AT TIME ZONE %(zone)s, 'YYYY-\"Q\"Q')")
CLEANED_SQL = SQL("coalesce(nullif(translate({value}, E'\\r\\n\\t\\x1f', '    '), ''), {unknown})")


def month_sql(at: str | Composable) -> Composable:
    return MONTH_SQL.format(at=column(at) if isinstance(at, str) else at)


def quarter_sql(at: str | Composable) -> Composable:
    return QUARTER_SQL.format(at=column(at) if isinstance(at, str) else at)


def text_sql(value: str | Composable) -> Composable:
    """A coded text value (a column, or an expression): '' becomes "not recorded"; line
    breaks never reach a file, and a value that would start a formula in a spreadsheet is
    neutralised (privacy/safe.py)."""
    expression = column(value) if isinstance(value, str) else value
    return safe_text_sql(CLEANED_SQL.format(value=expression, unknown=Value(NOT_RECORDED)))


@dataclass(frozen=True)
class Level:
    """One step of the generalisation ladder: which period and area a row shows at it."""

    name: str
    period: str  # "month" or "quarter"
    all_areas: bool


def ladder(period: str) -> list[Level]:
    """Month exports: month -> quarter -> quarter with every area. Quarter exports start at quarters."""
    levels = [Level("as chosen", period, False)]
    if period == "month":
        levels.append(Level("period to quarter", "quarter", False))
    levels.append(Level("area to all", "quarter", True))
    return levels


def k_anonymous_select(
    *,
    base: Composable,
    output: list[str],
    period: str,
    k: int,
    sensitive: str | None = None,
    quasi: tuple[str, ...] = (),
    partition: str | None = None,
    released: str | None = None,
    levels: list[Level] | None = None,
    summary: Literal["table", "none", "only"] = "table",
) -> Composable:
    """Wrap a dataset's SELECT so every quasi-identifier combination holds at least k people
    (and, with a `sensitive` column, at least L_DIVERSITY different values of it).

    `base` must yield: person_id (uuid or NULL), heads (people a row stands for: 1, or an
    anonymous contact's head count), at (timestamptz), age_band, gender, area (text), and the
    dataset's own output columns. `output` lists those, in file order; the wrapped SELECT
    returns period, age_band, gender, area, then `output`. `heads` is read by nothing: an
    anonymous contact's head count is never a number of people here.

    How, in one statement (so COPY streams it and psql can time the very same thing):
    - `base_rows`: the dataset's SELECT, run once (MATERIALIZED: its definer function is
      never run again for a second reading, so keys and rows share one set of pseudonyms);
    - `keys`: the quasi-identifiers of every row, from `base_rows`, kept once: narrow;
    - `c0`, `c1`, ...: the people in each combination at each step of the ladder, each step
      counting only the rows the steps before could not keep;
    - `d`: one decision per combination as chosen (all its rows share it: they go up the
      ladder together): the step that keeps it, or none;
    - the rows stream from `base_rows`, joined to `d` (a few thousand rows), and
      a data-modifying CTE writes the privacy summary (rows and smallest group per step)
      from `d` into the session's temporary table `export_privacy` (`PRIVACY_TABLE`).
    Parameters: zone (and the dataset's).

    A dataset may add quasi-identifiers of its own (`quasi`, output columns that are part of
    every group: a test's kind), a `partition` (a column of `base` that is part of every group
    but never output: the tests dataset's team pseudonym, so each team's groups stand alone)
    a boolean column `released` that every row of a kept group must have (decided before, over
    more than the export: the tests dataset's, exports migration 0004), and its own ladder
    (`levels`; by default `ladder(period)`).

    A hot standby writes nothing, not even a temporary table, so an export read from the
    replica (core/replica.py) asks for the rows with `summary="none"` and for the summary
    alone (level, rows, smallest) with `summary="only"`, both in one REPEATABLE READ snapshot.

    Composed with psycopg2.sql: identifiers (the CTEs c0, c1, ..., key0, ...) by Identifier,
    numbers (k, levels) by Literal, never formatted into a string.
    """
    if k < K_MIN:
        raise ValueError(f"k must be at least {K_MIN}")
    levels = levels or ladder(period)
    first = levels[0].period
    # Columns of every group besides age band, gender, area and period, in `keys` and `base_rows` alike.
    grouped = [*quasi, *([partition] if partition else [])]
    all_areas = Value(ALL_AREAS)

    def c(n: int) -> Identifier:
        return Identifier(f"c{n}")

    def keyed(n: int) -> Identifier:
        return Identifier(f"key{n}")

    def p(level_period: str) -> Identifier:
        return Identifier(f"p_{level_period}")

    def key(level: Level, row: str, period_sql: Composable | None = None) -> Composable:
        """A group at `level` as one text value: one-column joins the planner estimates well
        (four-column joins of CTEs were estimated at 1 row and planned as nested loops)."""
        area = all_areas if level.all_areas else Identifier(row, "area")
        extra = SQL("").join(SQL(", {column}").format(column=Identifier(row, name)) for name in grouped)
        return SQL("concat_ws(E'\\x1f', {age}, {gender}, {area}, {period}{extra})").format(
            age=Identifier(row, "age_band"),
            gender=Identifier(row, "gender"),
            area=area,
            period=period_sql or Identifier(row, f"p_{level.period}"),
            extra=extra,
        )

    people = SQL("count(DISTINCT q.person_id)")
    # A group is kept when it holds k people (and, with a sensitive column, L values of it).
    if sensitive:
        ok = SQL("({people} >= {k} AND count(DISTINCT q.sensitive) >= {l})").format(
            people=people, k=Value(k), l=Value(L_DIVERSITY)
        )
    else:
        ok = SQL("({people} >= {k})").format(people=people, k=Value(k))
    if released:
        ok = SQL("({ok} AND bool_and(q.released))").format(ok=ok)
    sensitive_column = Identifier("b", sensitive) if sensitive else SQL("NULL::text")
    key_columns = SQL(", ").join(
        SQL("{key} AS {name}").format(key=key(level, "b0"), name=keyed(n)) for n, level in enumerate(levels)
    )
    ctes = [
        # The dataset's rows once (its definer function runs once, exports/datasets.py): the
        # keys and the rows streamed out read the same rows, with the same pseudonyms.
        SQL("base_rows AS MATERIALIZED ({base})").format(base=base),
        SQL(
            "keys AS (SELECT b0.*, {key_columns} FROM (SELECT b.person_id, {sensitive} AS sensitive, "
            "b.age_band, b.gender, b.area{grouped}, {released} AS released, {month} AS p_month, "
            "{quarter} AS p_quarter FROM base_rows AS b) AS b0)"
        ).format(
            key_columns=key_columns,
            released=Identifier("b", released) if released else SQL("true"),
            grouped=SQL("").join(SQL(", {column}").format(column=Identifier("b", name)) for name in grouped),
            sensitive=sensitive_column,
            month=month_sql("b.at"),
            quarter=quarter_sql("b.at"),
        ),
        SQL(
            "c0 AS (SELECT q.key0 AS key, {later_keys}min(q.{p_first}) AS {p_first}, "
            "min(q.p_quarter) AS g_quarter, min(q.area) AS area, "
            "count(*) AS rows, {people} AS people, {ok} AS ok FROM keys AS q GROUP BY q.key0)"
        ).format(
            later_keys=SQL("").join(SQL("min(q.{key}) AS {key}, ").format(key=keyed(n)) for n in range(1, len(levels))),
            p_first=p(first),
            people=people,
            ok=ok,
        ),
    ]
    for index in range(1, len(levels)):
        # The rows no step before this one could keep.
        failed = SQL(" ").join(
            SQL("JOIN {c} ON {c_key} = {q_key} AND NOT {c_ok}").format(
                c=c(n),
                c_key=Identifier(f"c{n}", "key"),
                q_key=Identifier("q", f"key{n}"),
                c_ok=Identifier(f"c{n}", "ok"),
            )
            for n in range(index)
        )
        ctes.append(
            SQL(
                "{c} AS (SELECT {q_key} AS key, {people} AS people, {ok} AS ok "
                "FROM keys AS q {failed} GROUP BY {q_key})"
            ).format(c=c(index), q_key=Identifier("q", f"key{index}"), people=people, ok=ok, failed=failed)
        )
    joins = SQL(" ").join(
        SQL("LEFT JOIN {c} ON {c_key} = {c0_key}").format(
            c=c(n), c_key=Identifier(f"c{n}", "key"), c0_key=Identifier("c0", f"key{n}")
        )
        for n in range(1, len(levels))
    )
    suppressed = len(levels)

    def case(thens: list[Composable], otherwise: Composable | None = None) -> Composable:
        """CASE WHEN c0.ok THEN .. WHEN c1.ok THEN .. [ELSE ..] END: the first step that keeps it."""
        whens = SQL(" ").join(
            SQL("WHEN {ok} THEN {then}").format(ok=Identifier(f"c{n}", "ok"), then=then) for n, then in enumerate(thens)
        )
        if otherwise is None:
            return SQL("CASE {whens} END").format(whens=whens)
        return SQL("CASE {whens} ELSE {otherwise} END").format(whens=whens, otherwise=otherwise)

    def shown_period(level: Level) -> Composable:
        return Identifier("c0", f"p_{first}") if level.period == first else Identifier("c0", "g_quarter")

    def shown_area(level: Level) -> Composable:
        return all_areas if level.all_areas else Identifier("c0", "area")

    ctes.append(
        SQL(
            "d AS (SELECT c0.key, c0.rows, {level} AS level, {kept_people} AS kept_people, "
            "{out_period} AS out_period, {out_area} AS out_area FROM c0 {joins})"
        ).format(
            level=case([Value(n) for n in range(len(levels))], Value(suppressed)),
            kept_people=case([Identifier(f"c{n}", "people") for n in range(len(levels))]),
            out_period=case([shown_period(level) for level in levels]),
            out_area=case([shown_area(level) for level in levels]),
            joins=joins,
        )
    )
    summarise = SQL("SELECT level, sum(rows), min(kept_people) FROM d GROUP BY level")
    if summary == "only":
        return SQL("WITH {ctes} {summarise} ORDER BY level").format(ctes=SQL(", ").join(ctes), summarise=summarise)
    if summary == "table":
        ctes.append(
            SQL("summary AS (INSERT INTO {table} (level, rows, smallest) {summarise} RETURNING 1)").format(
                table=PRIVACY_TABLE, summarise=summarise
            )
        )
    period_of_row = month_sql("b.at") if first == "month" else quarter_sql("b.at")
    columns = SQL(", ").join(
        [
            SQL("d.out_period AS period"),
            SQL("b.age_band"),
            SQL("b.gender"),
            SQL("d.out_area AS area"),
            *[Identifier("b", name) for name in output],
        ]
    )
    return SQL(
        "WITH {ctes} SELECT {columns} FROM base_rows AS b JOIN d ON d.key = {key} WHERE d.level < {suppressed}"
    ).format(
        ctes=SQL(", ").join(ctes),
        columns=columns,
        key=key(levels[0], "b", period_of_row),
        suppressed=Value(suppressed),
    )


PRIVACY_TABLE = Identifier("pg_temp", "export_privacy")
CREATE_PRIVACY_TABLE = SQL(
    "CREATE TEMPORARY TABLE IF NOT EXISTS {table} (level int, rows bigint, smallest bigint)"
).format(table=PRIVACY_TABLE)
