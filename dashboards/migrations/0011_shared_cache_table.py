"""The table of Django's database cache (settings CACHES; `createcachetable` makes the same).

The organisation view's year of protected figures is built and audited once and kept here for
every app node and process (dashboards/hierarchy.py), instead of once per process in each
one's memory: building a year is seconds of CPU, and a cluster of two nodes of two processes
built it four times an hour. Stateless app nodes share it like everything else, through
PostgreSQL. It holds aggregate figures only, never a person's row (docs/security.md).
"""

from django.db import migrations

CREATE = """
CREATE TABLE alongside_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX alongside_cache_expires ON alongside_cache (expires);
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_row_level_security_checkin_month")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE IF EXISTS alongside_cache;")]
