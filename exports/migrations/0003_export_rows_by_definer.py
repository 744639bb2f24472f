"""The export job reads each dataset's rows through a definer function, never with every team
in its scope (docs/security.md, "Reading across teams"; core/definer.py).

The export worker used to set its transaction's row-level scope to every team and read the
tables directly. Now its scope is empty, like the data admin's who asked for the export, and
each dataset's rows come from a function that PostgreSQL runs as the tables' owner and that
returns rows with no person link and nothing finer than the export needs:

- no person's id: `person_key` is a pseudonym made inside the call from a random salt that
  never leaves it (a new one each call), so it is the same person within one reading (what
  the k-anonymity ladder counts: exports/privacy.py) and links to nothing outside it, not
  even to another reading of the same export;
- the row's time as the first moment of its month (in the programme's zone), its date of
  status as the first day of its month: the export shows months or quarters only;
- the age band at the row's date, never the year of birth; the area, never the site;
- coded columns only, never a name, note, goal's words or other free text (the GAS levels'
  words become "yes"/"no": were they described?).

The export's teams and period are the arguments. Text is cleaned and made safe for
spreadsheets outside, by exports/privacy.py's one rule, as before.
"""

from django.db import migrations

HELPERS = """
CREATE OR REPLACE FUNCTION alongside_age_band(yob integer, at timestamptz, zone text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN yob IS NULL THEN 'not recorded'
              WHEN extract(year FROM at AT TIME ZONE zone)::int - yob >= 90 THEN '90+'
              WHEN extract(year FROM at AT TIME ZONE zone)::int - yob < 0 THEN 'not recorded'
              ELSE ((extract(year FROM at AT TIME ZONE zone)::int - yob) / 10 * 10)::text || '-'
                   || ((extract(year FROM at AT TIME ZONE zone)::int - yob) / 10 * 10 + 9)::text
         END
$$;

CREATE OR REPLACE FUNCTION alongside_rough_age_band(band text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE band WHEN '' THEN 'not recorded' WHEN 'under_18' THEN 'under 18 (rough)'
                   WHEN '65_plus' THEN '65+ (rough)' ELSE replace(band, '_', '-') || ' (rough)' END
$$;

CREATE OR REPLACE FUNCTION alongside_month_of(at timestamptz, zone text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT date_trunc('month', at AT TIME ZONE zone) AT TIME ZONE zone
$$;
"""

CONTACTS = """
CREATE OR REPLACE FUNCTION alongside_export_contacts(teams uuid[], starts timestamptz, ends timestamptz, zone text)
RETURNS TABLE (person_key uuid, heads integer, at timestamptz, age_band text, gender text, area text, kind text,
               services jsonb)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH salt AS MATERIALIZED (SELECT gen_random_uuid()::text AS value),
given AS (
  SELECT q.encounter_id, jsonb_object_agg(q.service_type_id::text, q.quantity) AS services
    FROM (SELECT sp.encounter_id, sp.service_type_id, sum(sp.quantity) AS quantity
            FROM encounters_serviceprovided AS sp
            JOIN encounters_encounter AS e ON e.id = sp.encounter_id
           WHERE e.team_id = ANY(teams) AND e.happened_at >= starts AND e.happened_at < ends
           GROUP BY 1, 2) AS q
   GROUP BY 1
)
SELECT CASE WHEN e.client_id IS NULL THEN NULL ELSE md5(salt.value || e.client_id::text)::uuid END,
       e.head_count::integer,
       alongside_month_of(e.happened_at, zone),
       CASE WHEN e.client_id IS NULL THEN alongside_rough_age_band(e.age_band)
            ELSE alongside_age_band(c.year_of_birth, e.happened_at, zone) END,
       (CASE WHEN e.client_id IS NULL THEN e.gender ELSE c.gender END)::text,
       s.area::text,
       e.kind::text,
       coalesce(g.services, '{}'::jsonb)
  FROM salt
 CROSS JOIN encounters_encounter AS e
  LEFT JOIN clients_client AS c ON c.id = e.client_id
  LEFT JOIN encounters_site AS s ON s.id = e.site_id
  LEFT JOIN given AS g ON g.encounter_id = e.id
 WHERE e.team_id = ANY(teams) AND e.happened_at >= starts AND e.happened_at < ends
$$;
"""

CHECK_INS = """
CREATE OR REPLACE FUNCTION alongside_export_check_ins(teams uuid[], starts timestamptz, ends timestamptz, zone text)
RETURNS TABLE (person_key uuid, at timestamptz, age_band text, gender text, area text, instrument text,
               instrument_version integer, total numeric, items_answered bigint, items_declined bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH salt AS MATERIALIZED (SELECT gen_random_uuid()::text AS value),
answers AS (
  SELECT a.check_in_id, count(*) FILTER (WHERE NOT a.is_declined) AS answered,
         count(*) FILTER (WHERE a.is_declined) AS declined
    FROM outcomes_answer AS a
    JOIN outcomes_checkin AS ci ON ci.id = a.check_in_id
   WHERE ci.team_id = ANY(teams) AND ci.taken_at >= starts AND ci.taken_at < ends
   GROUP BY a.check_in_id
)
SELECT md5(salt.value || ci.client_id::text)::uuid,
       alongside_month_of(ci.taken_at, zone),
       alongside_age_band(c.year_of_birth, ci.taken_at, zone),
       c.gender::text,
       s.area::text,
       i.slug::text,
       i.version::integer,
       ci.total,
       coalesce(a.answered, 0),
       coalesce(a.declined, 0)
  FROM salt
 CROSS JOIN outcomes_checkin AS ci
  JOIN clients_client AS c ON c.id = ci.client_id
  JOIN outcomes_instrument AS i ON i.id = ci.instrument_id
  LEFT JOIN encounters_encounter AS e ON e.id = ci.encounter_id
  LEFT JOIN encounters_site AS s ON s.id = e.site_id
  LEFT JOIN answers AS a ON a.check_in_id = ci.id
 WHERE ci.team_id = ANY(teams) AND ci.taken_at >= starts AND ci.taken_at < ends
$$;
"""

GOALS = """
CREATE OR REPLACE FUNCTION alongside_export_goals(teams uuid[], starts timestamptz, ends timestamptz, zone text)
RETURNS TABLE (person_key uuid, at timestamptz, age_band text, gender text, life_area text, status text,
               status_month date, uses_gas text, gas_weight integer, reviews bigint, first_closeness integer,
               latest_closeness integer, latest_gas integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH salt AS MATERIALIZED (SELECT gen_random_uuid()::text AS value),
reviewed AS (
  SELECT r.goal_id, count(*) AS reviews,
         (array_agg(r.closeness ORDER BY r.reviewed_at, r.id))[1] AS first_closeness,
         (array_agg(r.closeness ORDER BY r.reviewed_at DESC, r.id DESC))[1] AS latest_closeness,
         (array_agg(r.gas ORDER BY r.reviewed_at DESC, r.id DESC) FILTER (WHERE r.gas IS NOT NULL))[1] AS latest_gas
    FROM goals_review AS r
    JOIN goals_goal AS g ON g.id = r.goal_id
   WHERE g.team_id = ANY(teams) AND g.created_at >= starts AND g.created_at < ends AND r.reviewed_at < ends
   GROUP BY r.goal_id
)
SELECT md5(salt.value || g.client_id::text)::uuid,
       alongside_month_of(g.created_at, zone),
       alongside_age_band(c.year_of_birth, g.created_at, zone),
       c.gender::text,
       g.life_area::text,
       g.status::text,
       date_trunc('month', g.status_on)::date,
       CASE WHEN g.gas_much_less <> '' OR g.gas_less <> '' OR g.gas_expected <> '' OR g.gas_more <> ''
                 OR g.gas_much_more <> '' THEN 'yes' ELSE 'no' END,
       g.gas_weight::integer,
       coalesce(r.reviews, 0),
       r.first_closeness::integer,
       r.latest_closeness::integer,
       r.latest_gas::integer
  FROM salt
 CROSS JOIN goals_goal AS g
  JOIN clients_client AS c ON c.id = g.client_id
  LEFT JOIN reviewed AS r ON r.goal_id = g.id
 WHERE g.team_id = ANY(teams) AND g.created_at >= starts AND g.created_at < ends
$$;
"""

REFERRALS = """
CREATE OR REPLACE FUNCTION alongside_export_referrals(teams uuid[], starts timestamptz, ends timestamptz, zone text)
RETURNS TABLE (person_key uuid, at timestamptz, age_band text, gender text, area text, referred_to text, status text,
               updates bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH salt AS MATERIALIZED (SELECT gen_random_uuid()::text AS value)
SELECT md5(salt.value || r.client_id::text)::uuid,
       alongside_month_of(r.created_at, zone),
       alongside_age_band(c.year_of_birth, r.created_at, zone),
       c.gender::text,
       s.area::text,
       r."to"::text,
       r.status::text,
       (SELECT count(*) FROM encounters_referralupdate AS u WHERE u.referral_id = r.id)
  FROM salt
 CROSS JOIN encounters_referral AS r
  JOIN clients_client AS c ON c.id = r.client_id
  LEFT JOIN encounters_encounter AS e ON e.id = r.encounter_id
  LEFT JOIN encounters_site AS s ON s.id = e.site_id
 WHERE r.team_id = ANY(teams) AND r.created_at >= starts AND r.created_at < ends
$$;
"""

OVERDOSES = """
CREATE OR REPLACE FUNCTION alongside_export_overdose_responses(teams uuid[], starts timestamptz, ends timestamptz,
                                                               zone text)
RETURNS TABLE (person_key uuid, at timestamptz, age_band text, gender text, area text, naloxone_doses integer,
               emergency_services text, outcome text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH salt AS MATERIALIZED (SELECT gen_random_uuid()::text AS value)
SELECT CASE WHEN o.client_id IS NULL THEN NULL ELSE md5(salt.value || o.client_id::text)::uuid END,
       alongside_month_of(o.happened_at, zone),
       alongside_age_band(c.year_of_birth, o.happened_at, zone),
       c.gender::text,
       s.area::text,
       o.naloxone_doses::integer,
       o.emergency_services::text,
       o.outcome::text
  FROM salt
 CROSS JOIN encounters_overdoseresponse AS o
  LEFT JOIN clients_client AS c ON c.id = o.client_id
  LEFT JOIN encounters_site AS s ON s.id = o.site_id
 WHERE o.team_id = ANY(teams) AND o.happened_at >= starts AND o.happened_at < ends
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS alongside_export_overdose_responses(uuid[], timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS alongside_export_referrals(uuid[], timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS alongside_export_goals(uuid[], timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS alongside_export_check_ins(uuid[], timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS alongside_export_contacts(uuid[], timestamptz, timestamptz, text);
DROP FUNCTION IF EXISTS alongside_month_of(timestamptz, text);
DROP FUNCTION IF EXISTS alongside_rough_age_band(text);
DROP FUNCTION IF EXISTS alongside_age_band(integer, timestamptz, text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0002_export_chunk"),
        ("reports", "0008_organisation_figures_by_definer"),
        ("clients", "0008_row_level_security_person_rows"),
        ("encounters", "0009_referral_care_steps"),
        ("goals", "0005_row_level_security"),
        ("outcomes", "0006_row_level_security"),
    ]

    operations = [
        migrations.RunSQL(HELPERS, migrations.RunSQL.noop),
        migrations.RunSQL(CONTACTS, migrations.RunSQL.noop),
        migrations.RunSQL(CHECK_INS, migrations.RunSQL.noop),
        migrations.RunSQL(GOALS, migrations.RunSQL.noop),
        migrations.RunSQL(REFERRALS, migrations.RunSQL.noop),
        migrations.RunSQL(OVERDOSES, DROP),  # undone first: drops them all
    ]
