"""Check-in rollups: one row per person, measure and month, and monthly distributions per team.

Triggers note the person of every check-in or answer written (before and after), for the
refresh to rewrite that person's months (a late or merged check-in can move their
baseline, and so every month's reliable change). Check-ins and contacts already stored when
this migration runs are noted too, so the first refresh builds their rollups.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION reports_note_check_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reports_pending_change (source, client_id)
        SELECT DISTINCT 'checkins', client_id FROM new_rows;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reports_pending_change (source, client_id)
        SELECT DISTINCT 'checkins', client_id FROM old_rows;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reports_check_ins_inserted AFTER INSERT ON outcomes_checkin
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_check_ins();
CREATE TRIGGER reports_check_ins_updated AFTER UPDATE ON outcomes_checkin
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_check_ins();
CREATE TRIGGER reports_check_ins_deleted AFTER DELETE ON outcomes_checkin
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_check_ins();

-- Answers: their check-in names the person. An answer deleted with its check-in finds no
-- check-in here; the check-in's own trigger has noted it.
CREATE FUNCTION reports_note_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reports_pending_change (source, client_id)
        SELECT DISTINCT 'checkins', c.client_id
          FROM (SELECT DISTINCT check_in_id FROM new_rows) AS a
          JOIN outcomes_checkin AS c ON c.id = a.check_in_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reports_pending_change (source, client_id)
        SELECT DISTINCT 'checkins', c.client_id
          FROM (SELECT DISTINCT check_in_id FROM old_rows) AS a
          JOIN outcomes_checkin AS c ON c.id = a.check_in_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reports_answers_inserted AFTER INSERT ON outcomes_answer
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_answers();
CREATE TRIGGER reports_answers_updated AFTER UPDATE ON outcomes_answer
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_answers();
CREATE TRIGGER reports_answers_deleted AFTER DELETE ON outcomes_answer
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_note_answers();

INSERT INTO reports_pending_change (source, team_id, day)
SELECT DISTINCT 'contacts', team_id, (happened_at AT TIME ZONE 'UTC')::date FROM encounters_encounter;
INSERT INTO reports_pending_change (source, client_id)
SELECT DISTINCT 'checkins', client_id FROM outcomes_checkin;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reports_check_ins_inserted ON outcomes_checkin;
DROP TRIGGER IF EXISTS reports_check_ins_updated ON outcomes_checkin;
DROP TRIGGER IF EXISTS reports_check_ins_deleted ON outcomes_checkin;
DROP TRIGGER IF EXISTS reports_answers_inserted ON outcomes_answer;
DROP TRIGGER IF EXISTS reports_answers_updated ON outcomes_answer;
DROP TRIGGER IF EXISTS reports_answers_deleted ON outcomes_answer;
DROP FUNCTION IF EXISTS reports_note_check_ins();
DROP FUNCTION IF EXISTS reports_note_answers();
DELETE FROM reports_pending_change WHERE source = 'checkins';
"""


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('clients', '0004_add_team_not_seen_index'),
        ('outcomes', '0003_fill_builtin_instruments'),
        ('reports', '0002_note_contact_changes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CheckInMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('measure', models.CharField(max_length=101)),
                ('month', models.DateField()),
                ('value', models.DecimalField(decimal_places=2, max_digits=7)),
                ('category', models.CharField(blank=True, max_length=10)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.client')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.team')),
                ('worker', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'monthly check-in of a person',
                'db_table': 'reports_checkin_month',
                'indexes': [models.Index(fields=['team', 'month', 'measure'], name='checkin_month_team_idx')],
                'constraints': [models.UniqueConstraint(fields=('client', 'measure', 'month'), name='checkin_month_unique')],
            },
        ),
        migrations.CreateModel(
            name='MonthlyTeamScores',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('measure', models.CharField(max_length=101)),
                ('value', models.DecimalField(decimal_places=2, max_digits=7)),
                ('people', models.PositiveIntegerField(default=0)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.team')),
                ('worker', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'monthly distribution of a measure in a team',
                'db_table': 'reports_monthly_team_scores',
                'constraints': [models.UniqueConstraint(fields=('team', 'month', 'worker', 'measure', 'value'), name='monthly_scores_unique', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
