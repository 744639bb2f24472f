"""Triggers that note every change to contacts and the services given at them.

For each statement that inserts, updates or deletes contacts (encounters_encounter) or
services given (encounters_serviceprovided), one row per (team, UTC day) of the contacts
touched, before and after the change, goes into reports_pending_change. The refresh
(reports/rollups.py) turns those into the (team, month) rollup rows to rewrite.

Statement-level triggers with transition tables: a statement that writes 2,000,000 rows
(the benchmark's seed) or moves a person's 300 contacts (a merge) adds one small
INSERT ... SELECT DISTINCT, not one call per row. PostgreSQL allows transition tables on a
trigger for one event only, so each table has three triggers sharing a function.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION reports_note_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reports_pending_change (source, team_id, day)
        SELECT DISTINCT 'contacts', team_id, (happened_at AT TIME ZONE 'UTC')::date FROM new_rows;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reports_pending_change (source, team_id, day)
        SELECT DISTINCT 'contacts', team_id, (happened_at AT TIME ZONE 'UTC')::date FROM old_rows;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reports_contacts_inserted AFTER INSERT ON encounters_encounter
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_contacts();
CREATE TRIGGER reports_contacts_updated AFTER UPDATE ON encounters_encounter
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_contacts();
CREATE TRIGGER reports_contacts_deleted AFTER DELETE ON encounters_encounter
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_contacts();

-- Services: the contact they belong to says the team and the day. A service deleted with
-- its contact finds no contact here; the contact's own trigger has noted it.
CREATE FUNCTION reports_note_services() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reports_pending_change (source, team_id, day)
        SELECT DISTINCT 'contacts', e.team_id, (e.happened_at AT TIME ZONE 'UTC')::date
          FROM (SELECT DISTINCT encounter_id FROM new_rows) AS s
          JOIN encounters_encounter AS e ON e.id = s.encounter_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reports_pending_change (source, team_id, day)
        SELECT DISTINCT 'contacts', e.team_id, (e.happened_at AT TIME ZONE 'UTC')::date
          FROM (SELECT DISTINCT encounter_id FROM old_rows) AS s
          JOIN encounters_encounter AS e ON e.id = s.encounter_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reports_services_inserted AFTER INSERT ON encounters_serviceprovided
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_services();
CREATE TRIGGER reports_services_updated AFTER UPDATE ON encounters_serviceprovided
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_services();
CREATE TRIGGER reports_services_deleted AFTER DELETE ON encounters_serviceprovided
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_services();

INSERT INTO reports_rollup_state (id) VALUES (1) ON CONFLICT DO NOTHING;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reports_contacts_inserted ON encounters_encounter;
DROP TRIGGER IF EXISTS reports_contacts_updated ON encounters_encounter;
DROP TRIGGER IF EXISTS reports_contacts_deleted ON encounters_encounter;
DROP TRIGGER IF EXISTS reports_services_inserted ON encounters_serviceprovided;
DROP TRIGGER IF EXISTS reports_services_updated ON encounters_serviceprovided;
DROP TRIGGER IF EXISTS reports_services_deleted ON encounters_serviceprovided;
DROP FUNCTION IF EXISTS reports_note_contacts();
DROP FUNCTION IF EXISTS reports_note_services();
DELETE FROM reports_rollup_state;
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_contact_rollups")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
