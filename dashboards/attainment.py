"""How goal attainment changed over a period, for the dashboards.

Goal Attainment Scaling T-scores (Kiresuk and Sherman, 1968), worked out in PostgreSQL by the
same rule as goals/stats.py (`gas_t_scores`, the person's page): each goal's latest rated level
(-2..+2) known at a moment, weighted, rho 0.3; goals changed into another are left out. A person
counts with their home team now, as there.

For a period, the people counted are those with at least one goal level rated in it. For each,
the T-score at the end of the period (every level known by then) and, when they had a rated
level before the period began, the T-score at its start. The figure: how many people, the
mean T-score at the start and at the end over those who have both, and how many of them rose.
Nothing here reads a goal's words.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from goals.stats import RHO

# Per person with a level rated in [starts, ends): their T-score at `starts` (NULL when no
# level was rated before) and at `ends`. One query.
PERIOD_T_SCORES = """
WITH rated AS (
    SELECT goal.client_id, goal.id AS goal_id, goal.gas_weight AS w, review.gas, review.reviewed_at
      FROM goals_review AS review
      JOIN goals_goal AS goal ON goal.id = review.goal_id
      JOIN clients_client AS person ON person.id = goal.client_id
     WHERE person.home_team_id = ANY(%(teams)s::uuid[])
       AND goal.status <> 'changed'
       AND review.gas IS NOT NULL
       AND review.reviewed_at < %(ends)s
), at_end AS (
    SELECT DISTINCT ON (goal_id) client_id, w, gas FROM rated ORDER BY goal_id, reviewed_at DESC
), at_start AS (
    SELECT DISTINCT ON (goal_id) client_id, w, gas FROM rated
     WHERE reviewed_at < %(starts)s ORDER BY goal_id, reviewed_at DESC
), t_end AS (
    SELECT client_id, 50 + 10 * sum(w * gas) / sqrt((1 - %(rho)s) * sum(w * w) + %(rho)s * sum(w) ^ 2) AS t
      FROM at_end GROUP BY client_id
), t_start AS (
    SELECT client_id, 50 + 10 * sum(w * gas) / sqrt((1 - %(rho)s) * sum(w * w) + %(rho)s * sum(w) ^ 2) AS t
      FROM at_start GROUP BY client_id
)
SELECT t_end.client_id, t_start.t::float8, t_end.t::float8
  FROM t_end LEFT JOIN t_start ON t_start.client_id = t_end.client_id
 WHERE EXISTS (SELECT 1 FROM rated WHERE rated.client_id = t_end.client_id AND rated.reviewed_at >= %(starts)s)
 ORDER BY t_end.client_id
"""

# A rise smaller than this is rounding, not a change.
EPSILON = 1e-9


@dataclass(frozen=True)
class AttainmentChange:
    """People with a goal level rated in the period; of them, those who also had one before it
    (`compared`), their mean T-score at the start and at the end, and how many rose."""

    people: int = 0
    compared: int = 0
    mean_start: float | None = None
    mean_end: float | None = None
    rose: int = 0


def attainment_change(*, team_ids: Sequence[uuid.UUID], starts: datetime, ends: datetime) -> AttainmentChange:
    params: dict[str, list[str] | datetime | float] = {
        "teams": [str(team) for team in team_ids],
        "starts": starts,
        "ends": ends,
        "rho": RHO,
    }
    with connection.cursor() as cursor:
        cursor.execute(PERIOD_T_SCORES, params)
        rows = cursor.fetchall()
    pairs = [(start, end) for _client, start, end in rows if start is not None]
    if not pairs:
        return AttainmentChange(people=len(rows))
    return AttainmentChange(
        people=len(rows),
        compared=len(pairs),
        mean_start=sum(start for start, _end in pairs) / len(pairs),
        mean_end=sum(end for _start, end in pairs) / len(pairs),
        rose=sum(1 for start, end in pairs if end > start + EPSILON),
    )
