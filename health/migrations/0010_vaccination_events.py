"""The organisation view's vaccinations (core/definer.py's pattern, like health 0009's topics):
one row per (measure, team, month) with how many doses the team gave of each built-in vaccine
(`vaccines:<key>`) and the sum of their record keys, read as the owner across teams (the
policies hide every row from a data admin in no team). A team's own vaccines all count as
`vaccines:other`: their names are the team's words and never leave it (this function does not
read them). A dose noted as given elsewhere is not the team's work and is not counted. People
vaccinated are not counted here: distinct people do not add up over months and teams.

Also the index of a team's doses by day, which this function and the team dashboard's
vaccinations (health/vaccination_figures.py) read.
"""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION alongside_vaccination_events(first_day date, next_year date)
RETURNS TABLE (measure text, team_id uuid, month date, records bigint, keys float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT 'vaccines:' || v.vaccine, v.team_id, date_trunc('month', v.given_on)::date,
       count(*), sum(alongside_record_key(v.id::text))
  FROM health_vaccination AS v
 WHERE v."where" = 'by_team' AND v.given_on >= first_day AND v.given_on < next_year
 GROUP BY 1, 2, 3
$$;
"""
DROP = "DROP FUNCTION IF EXISTS alongside_vaccination_events(date, date);"


class Migration(migrations.Migration):
    # alongside_record_key: dashboards 0008 (the app label is "reports").
    dependencies = [("health", "0009_education_events"), ("reports", "0008_organisation_figures_by_definer")]

    operations = [
        migrations.AddIndex(
            model_name="vaccination",
            index=models.Index(fields=["team", "given_on"], name="health_vaccination_team_on_idx"),
        ),
        migrations.RunSQL(FUNCTION, DROP),
    ]
