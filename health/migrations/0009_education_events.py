"""The organisation view's safer-use topics covered (core/definer.py's pattern): one row per
(measure, team, month) with how many contacts covered a built-in topic (`topics:<key>`) and
the sum of their record keys, read as the owner across teams (the policies hide every row from
a data admin in no team). Only the seven built-in topics: a topic a team added is in the
team's own words, so it means nothing beside another team's. A renamed built-in topic still
counts under its key (renaming is about words, not what is taught). People per topic are not
counted here: distinct people do not add up over months and teams.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION alongside_education_events(zone text, starts timestamptz, ends timestamptz)
RETURNS TABLE (measure text, team_id uuid, month date, records bigint, keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT 'topics:' || t.key, e.team_id, date_trunc('month', e.happened_at AT TIME ZONE zone)::date,
       count(*), sum(alongside_record_key(e.id::text))
  FROM health_topiccovered AS c
  JOIN health_topic AS t ON t.id = c.topic_id
  JOIN encounters_encounter AS e ON e.id = c.encounter_id
 WHERE t.key <> '' AND e.happened_at >= starts AND e.happened_at < ends
 GROUP BY 1, 2, 3
$$;
"""
DROP = "DROP FUNCTION IF EXISTS alongside_education_events(text, timestamptz, timestamptz);"


class Migration(migrations.Migration):
    dependencies = [("health", "0008_team_vaccines")]

    operations = [migrations.RunSQL(FUNCTION, DROP)]
