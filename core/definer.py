"""Reading across teams without widening the scope: aggregate definer functions.

Row-level security (core/scope.py) lets a transaction see only the rows of the teams in its
scope: a data admin who is in no team sees no person and no row kept with one. Some pages
and jobs need figures over every team all the same (the organisation view, the aggregate
export, the API's figures). They never widen the scope to every team for it, which would put
every team's rows in reach of anything else that transaction runs. They call a function
that PostgreSQL runs as the tables' owner (SECURITY DEFINER; the policies do not bind the
owner) and that returns aggregates only.

The pattern, for every such read (docs/security.md, "Reading across teams"):

1. A migration of the app that owns the figure creates the function, its SQL written out:

       CREATE OR REPLACE FUNCTION alongside_<what>(<named arguments>)
       RETURNS TABLE (team_id uuid, month date, <counts, sums, keys>)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ ... $$;

   It returns team (or organisation) and period aggregates: never a person's id, a row's
   id, a name or any free text, and nothing that lets a caller name the rows (a per-person
   value is aggregated inside). The search path is pinned, with pg_temp last, so the owner's
   function never reads a table the caller made (a temporary table named like one of ours).
2. Python calls it with `aggregate_rows(function, params)`: named arguments, composed with
   psycopg2.sql (never formatted), on the database the caller reads from (the replica for
   the organisation view).
3. The figures then pass the one protection layer (privacy/), as any figure leaving a team.
4. `tests/security/test_definer_functions.py` lists every SECURITY DEFINER function in the
   database with why it may be one; a new function fails it until it is listed there, and
   an aggregate one fails it if it returns a column that could name a person or a row.

core imports no app: functions are named by their SQL names.
"""

from collections.abc import Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from psycopg2.sql import SQL, Identifier, Placeholder


def aggregate_rows(function: str, params: Mapping[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
    """Every row `function` returns, called with `params` as named arguments."""
    if not function.startswith("alongside_"):
        raise ValueError("aggregate functions are named alongside_<what>")
    arguments = SQL(", ").join(
        SQL("{name} => {value}").format(name=Identifier(name), value=Placeholder(name)) for name in params
    )
    statement = SQL("SELECT * FROM {function}({arguments})").format(function=Identifier(function), arguments=arguments)
    with connections[using].cursor() as cursor:
        cursor.execute(statement, dict(params))
        return cursor.fetchall()
