"""Check-ins at a contact are made by the contact's one save path now.

The answers given in Log a contact's check-in panel travel with the contact, and its
check-in part (outcomes.services.save_check_ins_part, registered with encounters' contact
parts) makes the check-ins through record_check_in, the one place a check-in is made, in
the contact's transaction, each audited. The trigger that copied drafts into check-ins in
SQL (0002) is dropped; drafts stay, as the page's memory of the answers given so far.
Reversing puts the old trigger back, with its own copy of the SQL.
"""

from django.db import migrations

DROP = """
DROP TRIGGER IF EXISTS outcomes_checkin_from_draft ON encounters_encounter;
DROP FUNCTION IF EXISTS outcomes_drafts_to_check_ins();
"""

RECREATE = """
CREATE FUNCTION outcomes_drafts_to_check_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    contact jsonb := to_jsonb(NEW);
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.id::text, 0));
    INSERT INTO outcomes_checkin
        (id, client_id, team_id, encounter_id, instrument_id, taken_at, recorded_by_id, total, created_at)
    SELECT draft.id, draft.client_id, draft.team_id, NEW.id, draft.instrument_id,
           COALESCE((contact ->> 'happened_at')::timestamptz, draft.updated_at),
           draft.recorded_by_id, draft.total, now()
      FROM outcomes_checkindraft AS draft
     WHERE draft.contact_ref = NEW.id
       AND draft.client_id::text = contact ->> 'client_id'
       AND draft.answers <> '{}'::jsonb;
    INSERT INTO outcomes_answer (check_in_id, item_id, value, is_declined)
    SELECT draft.id, answer.key::uuid, (answer.value #>> '{}')::smallint, jsonb_typeof(answer.value) = 'null'
      FROM outcomes_checkindraft AS draft, jsonb_each(draft.answers) AS answer
     WHERE draft.contact_ref = NEW.id
       AND draft.client_id::text = contact ->> 'client_id';
    DELETE FROM outcomes_checkindraft WHERE contact_ref = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER outcomes_checkin_from_draft
    AFTER INSERT ON encounters_encounter
    FOR EACH ROW EXECUTE FUNCTION outcomes_drafts_to_check_ins();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0003_fill_builtin_instruments"),
        ("encounters", "0005_add_submission_digest"),
    ]

    operations = [migrations.RunSQL(DROP, RECREATE)]
