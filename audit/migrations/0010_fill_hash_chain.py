"""The hash chain's functions and triggers (audit/chain.py explains them); links the events
already stored, in id order.

The chain functions run with the schema the tables are in pinned as their search path (and
pg_temp last), because the linking function runs with the table owner's rights.

The SQL is kept here as it was when this migration was written (migration 0012 replaces
it with the keyed chain), so a fresh database goes through the same steps as an old one.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GENESIS = "0" * 64
# pg_advisory_xact_lock(int, int): a class id of our own, so no other advisory lock collides.
LOCK_CLASS, LOCK_OBJECT = 20261129, 1


def install_sql(schema: str) -> str:
    """Functions and triggers of the chain, in `schema` (the one the tables live in)."""
    path = f"{quote(schema)}, pg_temp"
    return f"""
CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_auditevent) RETURNS text
LANGUAGE sql STABLE SET search_path = {path} AS $$
    SELECT jsonb_build_array(
        e.id, e.chain_seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_id, e.action, e.object_type, e.object_id, e.client_id, e.request_id,
        host(e.ip), e.details
    )::text
$$;

-- Append-only, except the chain trigger's one write: both chain columns filled, nothing else.
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = {path} AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND OLD.chain_hash = ''
       AND NEW.chain_seq IS NOT NULL AND NEW.chain_hash <> ''
       AND to_jsonb(NEW) - 'chain_seq' - 'chain_hash' = to_jsonb(OLD) - 'chain_seq' - 'chain_hash' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- The chain columns are the database's to fill: an INSERT that sets them is refused.
CREATE OR REPLACE FUNCTION audit_chain_unset() RETURNS trigger
LANGUAGE plpgsql SET search_path = {path} AS $$
BEGIN
    IF NEW.chain_seq IS NOT NULL OR NEW.chain_hash <> '' THEN
        RAISE EXCEPTION 'audit_auditevent: the hash chain is filled by the database'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $$
DECLARE
    head record;
    event audit_auditevent := NEW;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, {LOCK_OBJECT});
    SELECT chain_seq, chain_hash INTO head FROM audit_auditevent
        WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
    event.chain_seq := coalesce(head.chain_seq, 0) + 1;
    event.chain_hash := encode(
        sha256(convert_to(coalesce(head.chain_hash, '{GENESIS}') || audit_event_canonical(event), 'UTF8')), 'hex'
    );
    UPDATE audit_auditevent SET chain_seq = event.chain_seq, chain_hash = event.chain_hash WHERE id = NEW.id;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS audit_auditevent_chain_unset ON audit_auditevent;
CREATE TRIGGER audit_auditevent_chain_unset
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_chain_unset();
DROP TRIGGER IF EXISTS audit_auditevent_chain ON audit_auditevent;
CREATE CONSTRAINT TRIGGER audit_auditevent_chain
    AFTER INSERT ON audit_auditevent
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_chain_link();
"""  # noqa: S608 (constants and a quoted identifier)


# Events already stored when the chain arrives are linked in id order, once.
FILL_SQL = f"""
DO $$
DECLARE
    event audit_auditevent;
    previous text := '{GENESIS}';
    seq bigint := 0;
BEGIN
    FOR event IN SELECT * FROM audit_auditevent WHERE chain_seq IS NULL ORDER BY id LOOP
        seq := seq + 1;
        event.chain_seq := seq;
        previous := encode(sha256(convert_to(previous || audit_event_canonical(event), 'UTF8')), 'hex');
        UPDATE audit_auditevent SET chain_seq = seq, chain_hash = previous WHERE id = event.id;
    END LOOP;
END;
$$;
"""  # noqa: S608 (a constant)

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS audit_auditevent_chain ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_chain_unset ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_chain_link();
DROP FUNCTION IF EXISTS audit_chain_unset();
DROP FUNCTION IF EXISTS audit_event_canonical(audit_auditevent);
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        cursor.execute(install_sql(schema))
        cursor.execute(FILL_SQL)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(UNINSTALL_SQL)


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_add_hash_chain")]

    operations = [migrations.RunPython(install, uninstall)]
