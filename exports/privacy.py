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

from privacy.rules import K_DEFAULT, K_MIN, L_DIVERSITY
from privacy.safe import safe_text_sql

__all__ = ["K_DEFAULT", "K_MIN"]

ALL_AREAS = "(all areas)"
NOT_RECORDED = "not recorded"


# Age at the row's date from the year of birth (the year is all that is kept, so an age is
# within a year of the truth), in 10-year bands with "90+" on top.
AGE_BAND_SQL = """
CASE WHEN {yob} IS NULL THEN '{unknown}'
     WHEN extract(year FROM {at} AT TIME ZONE %(zone)s)::int - {yob} >= 90 THEN '90+'
     WHEN extract(year FROM {at} AT TIME ZONE %(zone)s)::int - {yob} < 0 THEN '{unknown}'
     ELSE ((extract(year FROM {at} AT TIME ZONE %(zone)s)::int - {yob}) / 10 * 10)::text || '-'
          || ((extract(year FROM {at} AT TIME ZONE %(zone)s)::int - {yob}) / 10 * 10 + 9)::text
END"""

# The rough age band recorded with an anonymous contact, marked so it never mixes with the
# 10-year bands of registered people.
ROUGH_AGE_SQL = """
CASE {band} WHEN '' THEN '{unknown}' WHEN 'under_18' THEN 'under 18 (rough)' WHEN '65_plus' THEN '65+ (rough)'
     ELSE replace({band}, '_', '-') || ' (rough)' END"""

MONTH_SQL = "to_char({at} AT TIME ZONE %(zone)s, 'YYYY-MM')"
QUARTER_SQL = "to_char({at} AT TIME ZONE %(zone)s, 'YYYY-\"Q\"Q')"


def age_band_sql(yob: str, at: str) -> str:
    return AGE_BAND_SQL.format(yob=yob, at=at, unknown=NOT_RECORDED)


def rough_age_sql(band: str) -> str:
    return ROUGH_AGE_SQL.format(band=band, unknown=NOT_RECORDED)


def month_sql(at: str) -> str:
    return MONTH_SQL.format(at=at)


def quarter_sql(at: str) -> str:
    return QUARTER_SQL.format(at=at)


def text_sql(column: str) -> str:
    """A coded text value: '' becomes "not recorded"; line breaks never reach a file, and a
    value that would start a formula in a spreadsheet is neutralised (privacy/safe.py)."""
    cleaned = f"coalesce(nullif(translate({column}, E'\\r\\n\\t\\x1f', '    '), ''), '{NOT_RECORDED}')"
    return safe_text_sql(cleaned)


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
    base: str,
    output: list[str],
    period: str,
    k: int,
    sensitive: str | None = None,
    summary: Literal["table", "none", "only"] = "table",
) -> str:
    """Wrap a dataset's SELECT so every quasi-identifier combination holds at least k people
    (and, with a `sensitive` column, at least L_DIVERSITY different values of it).

    `base` must yield: person_id (uuid or NULL), heads (people a row stands for: 1, or an
    anonymous contact's head count), at (timestamptz), age_band, gender, area (text), and the
    dataset's own output columns. `output` lists those, in file order; the wrapped SELECT
    returns period, age_band, gender, area, then `output`. `heads` is read by nothing: an
    anonymous contact's head count is never a number of people here.

    How, in one statement (so COPY streams it and psql can time the very same thing):
    - `keys`: the quasi-identifiers of every row, from the dataset's SELECT with only those
      columns (PostgreSQL drops the joins nothing reads), kept once: narrow;
    - `c0`, `c1`, ...: the people in each combination at each step of the ladder, each step
      counting only the rows the steps before could not keep;
    - `d`: one decision per combination as chosen (all its rows share it: they go up the
      ladder together): the step that keeps it, or none;
    - the rows stream from the dataset's SELECT, joined to `d` (a few thousand rows), and
      a data-modifying CTE writes the privacy summary (rows and smallest group per step)
      from `d` into the session's temporary table `export_privacy` (`PRIVACY_TABLE`).
    Parameters: zone (and the dataset's).

    A hot standby writes nothing, not even a temporary table, so an export read from the
    replica (core/replica.py) asks for the rows with `summary="none"` and for the summary
    alone (level, rows, smallest) with `summary="only"`, both in one REPEATABLE READ snapshot.
    """
    if k < K_MIN:
        raise ValueError(f"k must be at least {K_MIN}")
    levels = ladder(period)
    first = levels[0].period

    def key(level: Level, row: str, period_sql: str | None = None) -> str:
        """A group at `level` as one text value: one-column joins the planner estimates well
        (four-column joins of CTEs were estimated at 1 row and planned as nested loops)."""
        area = f"'{ALL_AREAS}'" if level.all_areas else f"{row}.area"
        return f"concat_ws(E'\\x1f', {row}.age_band, {row}.gender, {area}, {period_sql or f'{row}.p_{level.period}'})"

    people = "count(DISTINCT q.person_id)"
    diverse = f" AND count(DISTINCT q.sensitive) >= {L_DIVERSITY}" if sensitive else ""
    # A group is kept when it holds k people (and, with a sensitive column, L values of it).
    ok = f"({people} >= {k}{diverse})"
    sensitive_column = f"b.{sensitive}" if sensitive else "NULL::text"
    key_columns = ", ".join(f"{key(level, 'b0')} AS key{n}" for n, level in enumerate(levels))
    ctes = [
        f"keys AS (SELECT b0.*, {key_columns} FROM (SELECT b.person_id, {sensitive_column} AS sensitive, "  # noqa: S608
        "b.age_band, b.gender, b.area, "
        f"{month_sql('b.at')} AS p_month, {quarter_sql('b.at')} AS p_quarter FROM ({base}) AS b) AS b0)",
        "c0 AS (SELECT q.key0 AS key, "  # noqa: S608 (our own SQL)
        + "".join(f"min(q.key{n}) AS key{n}, " for n in range(1, len(levels)))
        + f"min(q.p_{first}) AS p_{first}, min(q.p_quarter) AS g_quarter, min(q.area) AS area, "
        f"count(*) AS rows, {people} AS people, {ok} AS ok FROM keys AS q GROUP BY q.key0)",
    ]
    for index in range(1, len(levels)):
        # The rows no step before this one could keep.
        failed = " ".join(f"JOIN c{n} ON c{n}.key = q.key{n} AND NOT c{n}.ok" for n in range(index))
        ctes.append(
            f"c{index} AS (SELECT q.key{index} AS key, {people} AS people, {ok} AS ok "  # noqa: S608
            f"FROM keys AS q {failed} GROUP BY q.key{index})"
        )
    joins = " ".join(f"LEFT JOIN c{n} ON c{n}.key = c0.key{n}" for n in range(1, len(levels)))
    kept = [f"WHEN c{n}.ok THEN" for n in range(len(levels))]
    suppressed = len(levels)

    def shown(level: Level) -> tuple[str, str]:
        period_value = f"c0.p_{first}" if level.period == first else "c0.g_quarter"
        return period_value, (f"'{ALL_AREAS}'" if level.all_areas else "c0.area")

    ctes.append(
        "d AS (SELECT c0.key, c0.rows, "  # noqa: S608
        f"CASE {' '.join(f'{when} {n}' for n, when in enumerate(kept))} ELSE {suppressed} END AS level, "
        f"CASE {' '.join(f'{when} c{n}.people' for n, when in enumerate(kept))} END AS kept_people, "
        f"CASE {' '.join(f'{when} {shown(level)[0]}' for when, level in zip(kept, levels, strict=True))} END "
        "AS out_period, "
        f"CASE {' '.join(f'{when} {shown(level)[1]}' for when, level in zip(kept, levels, strict=True))} END "
        f"AS out_area FROM c0 {joins})"
    )
    summarise = "SELECT level, sum(rows), min(kept_people) FROM d GROUP BY level"
    if summary == "only":
        return f"WITH {', '.join(ctes)} {summarise} ORDER BY level"
    if summary == "table":
        ctes.append(f"summary AS (INSERT INTO {PRIVACY_TABLE} (level, rows, smallest) {summarise} RETURNING 1)")
    period_of_row = month_sql("b.at") if first == "month" else quarter_sql("b.at")
    columns = ", ".join(
        [
            "d.out_period AS period",
            "b.age_band",
            "b.gender",
            "d.out_area AS area",
            *[f"b.{name}" for name in output],
        ]
    )
    return (
        f"WITH {', '.join(ctes)} SELECT {columns} FROM ({base}) AS b "  # noqa: S608
        f"JOIN d ON d.key = {key(levels[0], 'b', period_of_row)} WHERE d.level < {suppressed}"
    )


PRIVACY_TABLE = "pg_temp.export_privacy"
CREATE_PRIVACY_TABLE = f"CREATE TEMPORARY TABLE IF NOT EXISTS {PRIVACY_TABLE} (level int, rows bigint, smallest bigint)"
