"""The privacy rules every row-level export follows, as SQL (so rows stream through COPY).

The rules (also in README.md and in the codebook.json of every export):

- No names, aliases, codes, descriptions, notes or any other free text: the datasets
  (reports/exports/datasets.py) select coded columns only.
- Each person gets a pseudonym: HMAC-SHA256 of their id with a key made at random for this
  export, held only in the job's memory and dropped when it ends. The same person has one
  pseudonym within an export and an unrelated one in every other export, so exports cannot
  be joined with each other. HMAC is computed in PostgreSQL from the key's two pads with the
  core `sha256()` function (no extension needed): sha256(opad || sha256(ipad || message)).
  The pads go to the server inside the statement, so do not turn on `log_statement = all`
  on the database server while exports run.
- Dates become months (or quarters); year of birth becomes a 10-year age band at the date of
  the row ("20-29", ..., "90+"); sites become their area. Anonymous contacts keep their
  head count and the rough age band and gender recorded with them ("25-34 (rough)").
- k-anonymity: every combination of the quasi-identifiers (age band, gender, area, period)
  in a file is shared by at least k people (k = 11 unless chosen, never below 5). People are
  counted as distinct pseudonyms, plus the head count of each anonymous row (anonymous rows
  cannot be linked to each other, so each counts as the people it was). A row whose
  combination is shared by fewer is generalised: its period to the quarter, then its area
  to "(all areas)"; a row still in a group of fewer than k is left out (suppressed). Each
  step counts only the rows that reach it, so every value that appears in a file — a
  month, a quarter, "(all areas)" — stands for a group of at least k people.
"""

import hmac
import secrets
from dataclasses import dataclass
from hashlib import sha256

K_DEFAULT = 11
K_MIN = 5
PSEUDONYM_HEX = 16  # 64 bits: no two people of a programme share one by chance
ALL_AREAS = "(all areas)"
NOT_RECORDED = "not recorded"
BLOCK = 64  # SHA-256's block size: a key up to 64 bytes is padded to it


@dataclass(frozen=True)
class PseudonymKey:
    """A random key for one export, and the two HMAC pads that PostgreSQL needs.

    Never stored: the job makes one, uses it for every dataset of the export, and drops it.
    """

    ipad: bytes
    opad: bytes
    _key: bytes

    @classmethod
    def new(cls) -> "PseudonymKey":
        key = secrets.token_bytes(32)
        padded = key.ljust(BLOCK, b"\0")
        return cls(bytes(b ^ 0x36 for b in padded), bytes(b ^ 0x5C for b in padded), key)

    def pseudonym(self, person_id: str) -> str:
        """The same value in Python (for tests and for explaining): HMAC-SHA256, hex, truncated."""
        return hmac.new(self._key, person_id.encode(), sha256).hexdigest()[:PSEUDONYM_HEX]

    def __repr__(self) -> str:  # never print the key
        return "PseudonymKey(...)"


def pseudonym_sql(column: str) -> str:
    """SQL for the pseudonym of the uuid in `column` (NULL stays NULL); parameters ipad, opad."""
    return (
        f"left(encode(sha256(%(opad)s || sha256(%(ipad)s || convert_to({column}::text, 'UTF8'))), 'hex'), "
        f"{PSEUDONYM_HEX})"
    )


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
    """A coded text value: '' becomes "not recorded"; line breaks never reach a file."""
    return f"coalesce(nullif(translate({column}, E'\\r\\n\\t', '   '), ''), '{NOT_RECORDED}')"


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


def k_anonymous_select(*, base: str, output: list[str], period: str, k: int) -> str:
    """Wrap a dataset's SELECT so every quasi-identifier combination holds at least k people.

    `base` must yield: person_id (uuid or NULL), heads (people a row stands for: 1, or an
    anonymous contact's head count), at (timestamptz), age_band, gender, area (text), and the
    dataset's own output columns. `output` lists those, in file order; the wrapped SELECT
    returns person, period, age_band, gender, area, then `output`.

    One statement: the ladder's group counts are CTEs over one materialised pass of the
    rows, and a data-modifying CTE writes the privacy summary (rows per level and the
    smallest group at each) into the session's temporary table `export_privacy`
    (`PRIVACY_TABLE`), so COPY can stream the rows and the summary costs no second pass.
    Parameters: zone, ipad, opad.
    """
    if k < K_MIN:
        raise ValueError(f"k must be at least {K_MIN}")
    levels = ladder(period)
    ctes = [
        f"base AS ({base})",
        "qi AS (SELECT b.*, "  # noqa: S608 (column names and numbers of ours, never input)
        f"{month_sql('b.at')} AS p_month, {quarter_sql('b.at')} AS p_quarter FROM base AS b)",
    ]
    candidates = "qi"
    for index, level in enumerate(levels):
        area = f"'{ALL_AREAS}'" if level.all_areas else "area"
        ctes.append(
            f"c{index} AS (SELECT age_band, gender, {area} AS g_area, p_{level.period} AS g_period, "  # noqa: S608
            "count(DISTINCT person_id) + coalesce(sum(heads) FILTER (WHERE person_id IS NULL), 0) AS people "
            f"FROM {candidates} GROUP BY 1, 2, 3, 4)"
        )
        if index + 1 < len(levels):
            # The rows this level could not keep: only they are counted at the next.
            ctes.append(
                f"r{index + 1} AS (SELECT q.* FROM {candidates} AS q JOIN c{index} AS c "  # noqa: S608
                f"ON c.age_band = q.age_band AND c.gender = q.gender AND c.g_area = "
                f"{f"'{ALL_AREAS}'" if level.all_areas else 'q.area'} AND c.g_period = q.p_{level.period} "
                f"WHERE c.people < {k})"
            )
            candidates = f"r{index + 1}"
    joins, level_case, period_case, area_case = [], [], [], []
    for index, level in enumerate(levels):
        area = f"'{ALL_AREAS}'" if level.all_areas else "q.area"
        joins.append(
            f"LEFT JOIN c{index} ON c{index}.age_band = q.age_band AND c{index}.gender = q.gender "
            f"AND c{index}.g_area = {area} AND c{index}.g_period = q.p_{level.period}"
        )
        level_case.append(f"WHEN c{index}.people >= {k} THEN {index}")
        period_case.append(f"WHEN c{index}.people >= {k} THEN q.p_{level.period}")
        area_case.append(f"WHEN c{index}.people >= {k} THEN {area}")
    suppressed = len(levels)
    ctes.append(
        "leveled AS (SELECT q.*, "  # noqa: S608
        f"CASE {' '.join(level_case)} ELSE {suppressed} END AS level, "
        f"CASE {' '.join(period_case)} END AS out_period, "
        f"CASE {' '.join(area_case)} END AS out_area "
        f"FROM qi AS q {' '.join(joins)})"
    )
    # The smallest group kept at each level (groups of kept rows only), for the summary.
    smallest = " UNION ALL ".join(
        f"SELECT {index} AS level, min(people) AS smallest, 0 AS rows FROM c{index} WHERE people >= {k}"  # noqa: S608
        for index in range(len(levels))
    )
    ctes.append(
        f"summary AS (INSERT INTO {PRIVACY_TABLE} (level, rows, smallest) "  # noqa: S608
        "SELECT level, sum(rows), min(smallest) FROM ("
        "SELECT level, NULL::bigint AS smallest, count(*) AS rows FROM leveled GROUP BY level "
        f"UNION ALL {smallest}) AS s GROUP BY level RETURNING 1)"
    )
    columns = ", ".join(
        [
            f"coalesce({pseudonym_sql('person_id')}, '') AS person",
            "out_period AS period",
            "age_band",
            "gender",
            "out_area AS area",
            *output,
        ]
    )
    return f"WITH {', '.join(ctes)} SELECT {columns} FROM leveled WHERE level < {suppressed}"  # noqa: S608


PRIVACY_TABLE = "pg_temp.export_privacy"
CREATE_PRIVACY_TABLE = f"CREATE TEMPORARY TABLE IF NOT EXISTS {PRIVACY_TABLE} (level int, rows bigint, smallest bigint)"
