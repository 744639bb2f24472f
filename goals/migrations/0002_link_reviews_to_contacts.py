"""A review made while a contact is being logged links to that contact once it is saved.

Log a contact draws its form with the contact's id already made (so a retried submission
is stored once). The goals panel on that page sends the id with each review, stored as
`goals_review.contact_ref` while the contact does not exist yet. When the contact is
saved, this trigger sets `encounter_id` on the reviews that were waiting for it, in the
same transaction as the contact itself, whichever code path saved it (the form, a queued
offline submission, an import).

Why a trigger: goals depend on contacts, never the other way (DESIGN.md), so the contacts
code must not call into goals. The trigger reads only the new row's id, and its person
through to_jsonb(), so that renaming the contact's columns can never stop a contact from
being saved: at worst a review stays unlinked (tests/goals/test_services.py,
TestContactLink, would show it). A review is only linked to a contact with the same person.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION goals_link_reviews_to_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE goals_review AS review
       SET encounter_id = NEW.id
      FROM goals_goal AS goal
     WHERE review.contact_ref = NEW.id
       AND review.encounter_id IS NULL
       AND goal.id = review.goal_id
       AND goal.client_id::text = to_jsonb(NEW) ->> 'client_id';
    RETURN NULL;
END;
$$;
CREATE TRIGGER goals_review_link_contact
    AFTER INSERT ON encounters_encounter
    FOR EACH ROW EXECUTE FUNCTION goals_link_reviews_to_contact();
"""

DROP = """
DROP TRIGGER IF EXISTS goals_review_link_contact ON encounters_encounter;
DROP FUNCTION IF EXISTS goals_link_reviews_to_contact();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0001_goals_steps_reviews"),
        ("encounters", "0002_fill_service_types"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
