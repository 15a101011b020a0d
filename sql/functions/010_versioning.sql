-- 010_versioning: the register's clock and the one generic history trigger.
-- The temporal_tables way: a live row carries sys_period [from, ); an UPDATE or DELETE closes
-- it and copies the old version into <table>_history. The clock is injectable (the
-- per-transaction setting cadastre.clock) so history can be recorded at the date a dossier was
-- decided (loading old files) and tests are deterministic.
-- The trigger functions are attached to every versioned table in 100_triggers.sql.
--
-- Functions, in the order they are defined:
--   cadastre.set_clock_at() → timestamp with time zone
--   cadastre.clock() → timestamp with time zone
--   cadastre.set_clock(timestamptz) → void
--   cadastre.keep_history() → trigger
--   cadastre.start_version() → trigger
--   cadastre.refuse_history_change() → trigger
--   cadastre.refuse_delete() → trigger
--   cadastre.in_bulk_session() → boolean

CREATE OR REPLACE FUNCTION cadastre.set_clock_at()
RETURNS timestamptz
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_setting text := current_setting('cadastre.clock', true);
    v_at      timestamptz;
BEGIN
    -- Anyone can SET a setting, so the setting alone would let any client post-date versions
    -- and audit rows: it is honoured only when the owner-only set_clock recorded it for this
    -- transaction.
    SELECT c.at INTO v_at FROM cadastre.clock_override AS c
    WHERE c.txid = txid_current_if_assigned();
    IF v_at IS NULL OR v_at <> v_setting::timestamptz THEN
        RAISE EXCEPTION 'The register''s clock cannot be set by this session (cadastre.clock = %)',
            v_setting
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only the register''s owner sets the clock (cadastre.set_clock), to load '
                         'history; RESET cadastre.clock and try again.';
    END IF;
    RETURN v_at;
END;
$$;
COMMENT ON FUNCTION cadastre.set_clock_at() IS
    'The instant cadastre.set_clock recorded for this transaction; a forged setting is refused.';

CREATE OR REPLACE FUNCTION cadastre.clock()
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    -- SQL, inlined into the history triggers: the common case (no clock set) costs one
    -- setting read, as before the check existed.
    SELECT CASE WHEN nullif(current_setting('cadastre.clock', true), '') IS NULL THEN now()
                ELSE cadastre.set_clock_at() END
$$;
COMMENT ON FUNCTION cadastre.clock() IS
    'The register''s system time: the transaction time, or the instant the owner set with '
    'cadastre.set_clock (a forged setting is refused).';

CREATE OR REPLACE FUNCTION cadastre.set_clock(p_at timestamptz)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    -- Forget the overrides of transactions that have ended (skipping rows another set_clock
    -- is deleting right now, so two loaders never wait on each other); record this one's.
    DELETE FROM cadastre.clock_override
    WHERE txid IN (SELECT c.txid FROM cadastre.clock_override AS c
                   WHERE c.txid < txid_snapshot_xmin(txid_current_snapshot())
                   FOR UPDATE SKIP LOCKED);
    INSERT INTO cadastre.clock_override (txid, at) VALUES (txid_current(), p_at)
    ON CONFLICT (txid) DO UPDATE SET at = EXCLUDED.at;
    PERFORM set_config('cadastre.clock', p_at::text, true);
END;
$$;
COMMENT ON FUNCTION cadastre.set_clock(timestamptz) IS
    'Record this transaction''s changes as of p_at (loading history, tests). Owner only. Must '
    'not go back before a row''s current version.';
REVOKE EXECUTE ON FUNCTION cadastre.set_clock(timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cadastre.keep_history()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_now   timestamptz;
    v_from  timestamptz;
BEGIN
    -- Attached any other way it would copy the wrong row, or none (temporal_tables' guard).
    IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('UPDATE', 'DELETE') THEN
        RAISE EXCEPTION 'cadastre.keep_history() must fire BEFORE UPDATE OR DELETE FOR EACH ROW, '
                        'not % % FOR EACH % (trigger % on %.%)',
            TG_WHEN, TG_OP, TG_LEVEL, TG_NAME, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'trigger_protocol_violated',
                  HINT = 'Attach it as sql/functions/100_triggers.sql does: CREATE TRIGGER '
                         'z_keep_history BEFORE UPDATE OR DELETE ON <table> FOR EACH ROW.';
    END IF;
    v_now := cadastre.clock();
    v_from := lower(OLD.sys_period);
    -- An UPDATE that changes nothing never gets here: a_skip_unchanged drops it first.
    IF OLD.sys_txid = txid_current() THEN
        -- The same transaction changes its own new version again: the version before the
        -- transaction is already in history.
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        NEW.sys_period := OLD.sys_period;
        RETURN NEW;
    END IF;
    IF v_now <= v_from THEN
        -- Another transaction at the same instant (an injected clock), or one that started
        -- before the version it changes was written: the new version starts just after.
        v_now := v_from + interval '1 microsecond';
    END IF;
    OLD.sys_period := tstzrange(v_from, v_now);
    -- Static statements (planned once per session) for the register's tables; dynamic SQL
    -- for any other versioned table.
    CASE TG_TABLE_NAME
        WHEN 'parcel' THEN INSERT INTO cadastre.parcel_history VALUES (OLD.*);
        WHEN 'rrr' THEN INSERT INTO cadastre.rrr_history VALUES (OLD.*);
        WHEN 'rrr_share' THEN INSERT INTO cadastre.rrr_share_history VALUES (OLD.*);
        WHEN 'party' THEN INSERT INTO cadastre.party_history VALUES (OLD.*);
        WHEN 'certificate' THEN INSERT INTO cadastre.certificate_history VALUES (OLD.*);
        ELSE EXECUTE format('INSERT INTO %I.%I SELECT ($1).*', TG_TABLE_SCHEMA,
                            TG_TABLE_NAME || '_history') USING OLD;
    END CASE;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    NEW.sys_period := tstzrange(v_now, NULL);
    NEW.sys_txid := txid_current();
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.keep_history() IS
    'BEFORE UPDATE OR DELETE row trigger of every versioned table: closes the old version and '
    'keeps it in <table>_history. Refuses to run attached any other way.';

CREATE OR REPLACE FUNCTION cadastre.start_version()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Only a BEFORE INSERT row trigger sets the row that is written.
    IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'cadastre.start_version() must fire BEFORE INSERT FOR EACH ROW, '
                        'not % % FOR EACH % (trigger % on %.%)',
            TG_WHEN, TG_OP, TG_LEVEL, TG_NAME, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'trigger_protocol_violated',
                  HINT = 'Attach it as sql/functions/100_triggers.sql does: CREATE TRIGGER '
                         'a_start_version BEFORE INSERT ON <table> FOR EACH ROW.';
    END IF;
    NEW.sys_period := tstzrange(cadastre.clock(), NULL);
    NEW.sys_txid := txid_current();
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.start_version() IS
    'BEFORE INSERT row trigger of versioned tables: the new row is known from the register''s '
    'clock. Refuses to run attached any other way.';

CREATE OR REPLACE FUNCTION cadastre.refuse_history_change()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'The register''s history cannot be changed (% on %.%)',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'History tables keep every closed version exactly as it was.',
              HINT = 'Correct the present through a correction dossier; the past stays visible.';
END;
$$;
COMMENT ON FUNCTION cadastre.refuse_history_change() IS
    'Trigger on history tables: closed versions are immutable.';

CREATE OR REPLACE FUNCTION cadastre.refuse_delete()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'Nothing is ever deleted from the register (% on %.%)',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Retire a parcel by a split, merge or acquisition dossier; end a right or '
                     'restriction by a transfer or release dossier.';
END;
$$;
COMMENT ON FUNCTION cadastre.refuse_delete() IS
    'Trigger that refuses DELETE and TRUNCATE on the register''s live tables.';

CREATE OR REPLACE FUNCTION cadastre.in_bulk_session()
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- The setting makes the common case (no bulk load) cost nothing; the table, which only
    -- cadastre.register_staged writes, is what makes it true. PL/pgSQL: trigger WHEN clauses
    -- call this for every row inserted, and a SQL body with a sub-query would be planned
    -- again in every statement (a third of the cost of inserting one party).
    IF current_setting('cadastre.bulk_txid', true) = txid_current_if_assigned()::text THEN
        RETURN EXISTS (SELECT 1 FROM cadastre.bulk_session
                       WHERE txid = txid_current_if_assigned());
    END IF;
    RETURN false;
END;
$$;
COMMENT ON FUNCTION cadastre.in_bulk_session() IS
    'True inside cadastre.register_staged, whose rows were validated set by set.';
