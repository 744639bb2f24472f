"""The keyed hash chain in lanes (audit/chain.py explains why), replacing migration 0010's.

Carries its own SQL (never imports the live chain code), so it does the same on any
database whatever the code looks like later. Not reversible: a keyed chain is never turned
back into one anyone can recompute.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


GENESIS = "0" * 64
# pg_advisory_xact_lock(int, int): a class id of our own and the lane.
LOCK_CLASS = 20261129
# How many lanes new links are spread over (audit/chain.py says why; the bench in
# bench/audit_writes.py measured it). Stored in audit_chain_key.lanes: the owner may change
# it at any time, each lane's chain just goes on.
LANES = 8


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# Before anything changes: the sha256 chain as migration 0010 made it must hold, or this
# migration stops (re-keying a broken chain would hide whatever broke it).
CHECK_OLD_CHAIN = f"""
DO $$
DECLARE
    event record;
    previous text := '{GENESIS}';
    expected bigint := 1;
BEGIN
    FOR event IN SELECT e.id, e.chain_seq, e.chain_hash, audit_event_canonical(e) AS canonical
                 FROM audit_auditevent e ORDER BY e.chain_seq NULLS LAST, e.id LOOP
        IF event.chain_seq IS DISTINCT FROM expected
           OR event.chain_hash <> encode(sha256(convert_to(previous || event.canonical, 'UTF8')), 'hex') THEN
            RAISE EXCEPTION 'The audit chain is broken at event % (link %): run verify_audit_chain of the '
                'previous release and investigate before migrating; nothing was changed.', event.id, expected;
        END IF;
        previous := event.chain_hash;
        expected := expected + 1;
    END LOOP;
END;
$$;
"""  # noqa: S608 (a constant)


def install_sql(schema: str) -> str:
    path = f"{quote(schema)}, pg_temp"
    return f"""
-- The key: HMAC-SHA256's inner and outer pads of 32 random bytes (from gen_random_uuid, which
-- draws on the server's strong random source), kept where only the owner can read them.
CREATE TABLE audit_chain_key (
    id smallint PRIMARY KEY CHECK (id = 1),
    inner_pad bytea NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad bytea NOT NULL CHECK (length(outer_pad) = 64),
    lanes smallint NOT NULL CHECK (lanes BETWEEN 1 AND 64)
);
REVOKE ALL ON audit_chain_key FROM PUBLIC;
DO $$
DECLARE
    k bytea := sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'))
               || decode(repeat('00', 32), 'hex');
    inner_pad bytea := k;
    outer_pad bytea := k;
BEGIN
    FOR i IN 0..63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(k, i) # 54);  -- 0x36
        outer_pad := set_byte(outer_pad, i, get_byte(k, i) # 92);  -- 0x5c
    END LOOP;
    INSERT INTO audit_chain_key VALUES (1, inner_pad, outer_pad, {LANES});
END;
$$;

-- HMAC-SHA256 of a text under the key, in hex. Only the owner may call it: with it, anyone
-- could make a link.
CREATE FUNCTION audit_chain_mac(message text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {path} AS $$
    SELECT encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(message, 'UTF8'))), 'hex')
    FROM audit_chain_key k WHERE k.id = 1
$$;
REVOKE ALL ON FUNCTION audit_chain_mac(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_auditevent) RETURNS text
LANGUAGE sql STABLE SET search_path = {path} AS $$
    SELECT jsonb_build_array(
        e.id, e.chain_lane, e.chain_seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_id, e.action, e.object_type, e.object_id, e.client_id, e.request_id,
        host(e.ip), e.details
    )::text
$$;

-- Whether an event's stored link is right after `previous`: a yes or no, never a hash, so
-- whoever may call it (the verifier runs as the application's role) learns nothing that
-- would let them make a link.
CREATE FUNCTION audit_link_valid(previous text, e audit_auditevent) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {path} AS $$
    SELECT e.chain_hash = audit_chain_mac(previous || audit_event_canonical(e))
$$;

-- The one way in for the application: one event, its time as the application gives it; the
-- chain columns are the database's. Returns the new event's id.
CREATE FUNCTION audit_append(
    p_at timestamptz, p_actor_id bigint, p_action text, p_object_type text, p_object_id text,
    p_client_id uuid, p_request_id text, p_ip inet, p_details jsonb
) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {path} AS $$
    INSERT INTO audit_auditevent (at, actor_id, action, object_type, object_id, client_id, request_id, ip, details)
    VALUES (p_at, p_actor_id, p_action, p_object_type, p_object_id, p_client_id, p_request_id, p_ip, p_details)
    RETURNING id
$$;
REVOKE ALL ON FUNCTION audit_append(timestamptz, bigint, text, text, text, uuid, text, inet, jsonb) FROM PUBLIC;

-- Append-only, except the chain trigger's one write: the three chain columns filled, once.
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = {path} AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_lane IS NULL AND OLD.chain_seq IS NULL AND OLD.chain_hash = ''
       AND NEW.chain_lane IS NOT NULL AND NEW.chain_seq IS NOT NULL AND NEW.chain_hash <> ''
       AND to_jsonb(NEW) - 'chain_lane' - 'chain_seq' - 'chain_hash'
           = to_jsonb(OLD) - 'chain_lane' - 'chain_seq' - 'chain_hash' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Rows come in through audit_append (or the owner's own hands), never with chain columns set.
CREATE OR REPLACE FUNCTION audit_chain_unset() RETURNS trigger
LANGUAGE plpgsql SET search_path = {path} AS $$
BEGIN
    IF NEW.chain_lane IS NOT NULL OR NEW.chain_seq IS NOT NULL OR NEW.chain_hash <> '' THEN
        RAISE EXCEPTION 'audit_auditevent: the hash chain is filled by the database'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF current_user::regrole <> (SELECT relowner::regrole FROM pg_class WHERE oid = TG_RELID) THEN
        RAISE EXCEPTION 'audit_auditevent: events are written through audit_append()'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

-- At commit: the transaction's lane (its id modulo the number of lanes), that lane's lock,
-- its head, and the new link.
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $$
DECLARE
    lane smallint;
    head record;
    event audit_auditevent := NEW;
BEGIN
    SELECT (txid_current() % k.lanes)::smallint INTO lane FROM audit_chain_key k WHERE k.id = 1;
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, lane);
    SELECT e.chain_seq, e.chain_hash INTO head FROM audit_auditevent e
        WHERE e.chain_lane = lane ORDER BY e.chain_seq DESC LIMIT 1;
    event.chain_lane := lane;
    event.chain_seq := coalesce(head.chain_seq, 0) + 1;
    event.chain_hash := audit_chain_mac(coalesce(head.chain_hash, '{GENESIS}') || audit_event_canonical(event));
    UPDATE audit_auditevent SET chain_lane = event.chain_lane, chain_seq = event.chain_seq,
        chain_hash = event.chain_hash WHERE id = NEW.id;
    RETURN NULL;
END;
$$;
"""  # noqa: S608 (constants and a quoted identifier)


# The events already stored are linked again, under the key, in lane 0 in their old order.
RELINK_SQL = f"""
ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only;
DO $$
DECLARE
    event audit_auditevent;
    previous text := '{GENESIS}';
    seq bigint := 0;
BEGIN
    FOR event IN SELECT * FROM audit_auditevent ORDER BY chain_seq NULLS LAST, id LOOP
        seq := seq + 1;
        event.chain_lane := 0;
        event.chain_seq := seq;
        previous := audit_chain_mac(previous || audit_event_canonical(event));
        UPDATE audit_auditevent SET chain_lane = 0, chain_seq = seq, chain_hash = previous WHERE id = event.id;
    END LOOP;
END;
$$;
ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only;
"""  # noqa: S608 (a constant)


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        cursor.execute(CHECK_OLD_CHAIN)
        cursor.execute(install_sql(schema))
        cursor.execute(RELINK_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0011_export_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_lane",
            field=models.SmallIntegerField(blank=True, editable=False, null=True, verbose_name="chain lane"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="place in the chain"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain_lane", "chain_seq"), name="audit_chain_lane_seq_uniq"),
        ),
        migrations.RunPython(install),
    ]
