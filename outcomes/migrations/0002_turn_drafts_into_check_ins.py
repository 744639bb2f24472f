"""A check-in answered while a contact is being logged becomes a check-in when the contact is saved.

Log a contact draws its form with the contact's id already made. The check-in panel on
that page stores the answers as they are given in `outcomes_checkindraft`, keyed by that
id (`contact_ref`), person and instrument. When the contact is saved, this trigger turns
the drafts for the contact's person into check-ins linked to it (their answers too, the
total already computed by outcomes/scoring.py), taken at the contact's time, in the same
transaction as the contact itself, whichever code path saved it; then it removes every
draft for that id (one made for a person chosen first and then changed is not a check-in).
A draft without any answer is not a check-in either.

Why a trigger: outcomes depend on contacts, never the other way (DESIGN.md), so the
contacts code must not call into outcomes. The trigger reads only the new row's id, and
its person and time through to_jsonb(), so that renaming the contact's columns can never
stop a contact from being saved: at worst a draft stays a draft (tests/outcomes would
show it). The advisory lock on the contact id pairs with the one taken by
outcomes.services.save_draft, so a draft saved at the same moment as its contact is
either turned into a check-in here or sees the contact and becomes one there.
"""

from django.db import migrations

CREATE = """
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

DROP = """
DROP TRIGGER IF EXISTS outcomes_checkin_from_draft ON encounters_encounter;
DROP FUNCTION IF EXISTS outcomes_drafts_to_check_ins();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_instruments_check_ins"),
        ("encounters", "0004_add_worker_when_index"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
