"""Reviews made beside a contact are linked to it by the contact's one save path now.

The goals part of a contact (goals.services.save_reviews_part, registered with encounters'
contact parts) links the reviews waiting with the contact's id, in the contact's
transaction, so the database no longer does an app's work behind the code's back
(docs/architecture.md: the triggers left). Reversing puts the old trigger back, with its
own copy of the SQL.
"""

from django.db import migrations

DROP = """
DROP TRIGGER IF EXISTS goals_review_link_contact ON encounters_encounter;
DROP FUNCTION IF EXISTS goals_link_reviews_to_contact();
"""

RECREATE = """
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


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_add_version"),
        ("encounters", "0005_add_submission_digest"),
    ]

    operations = [migrations.RunSQL(DROP, RECREATE)]
