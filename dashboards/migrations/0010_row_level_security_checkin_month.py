"""Row-level security on the wellbeing rollup's rows per person and month
(reports_checkin_month; core/scope.py, docs/security.md).

Each row is a person's WHO-5 (or other measure) for a month, with the team of that month. It
is visible when its person is (the people's policy, clients 0007: their CURRENT home team in
the transaction's scope), as the check-ins it is made from are (outcomes 0006): a supervisor's
dashboard counts the people their teams serve now. The refresh (dashboards/rollups.py) runs
with every team in scope ('*', which skips the look-up); the organisation view reads the
rows through `alongside_org_who5` (0008). The tables' owner, who runs migrations, is not bound.
"""

from django.db import migrations

ENABLE = """
ALTER TABLE reports_checkin_month ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_scope ON reports_checkin_month
  USING (alongside_every_team() OR EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = reports_checkin_month.client_id))
  WITH CHECK (alongside_every_team() OR EXISTS (SELECT 1 FROM clients_client AS c WHERE c.id = reports_checkin_month.client_id));
"""
DISABLE = """
DROP POLICY IF EXISTS team_scope ON reports_checkin_month;
ALTER TABLE reports_checkin_month DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_organisation_attainment_by_definer"),
        ("clients", "0008_row_level_security_person_rows"),
    ]

    operations = [migrations.RunSQL(ENABLE, DISABLE)]
