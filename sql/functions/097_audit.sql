-- 097_audit: recording who worked on which dossier, and reading the audit trail back.
-- The trail is append-only: UPDATE, DELETE and TRUNCATE on it are refused for everyone (an
-- administrator would have to drop the triggers, which itself shows in the server's log).
-- The triggers are attached in 100_triggers.sql.
--
-- Functions, in the order they are defined:
--   cadastre.record_audit(bigint, text) → void
--   cadastre.stamp_audit() → trigger
--   cadastre.audit_digest(bytea, bigint, cadastre.audit_transaction) → bytea
--   cadastre.lock_audit_seal() → void
--   cadastre.seal_audit() → trigger
--   cadastre.verify_audit() → TABLE(ok, links, seq, audit_id, problem)
--   cadastre.version_json(jsonb) → jsonb
--   cadastre.audit_trail(bigint, text, timestamptz, timestamptz) → TABLE(recorded_at,
--       register_time, db_role, app_user, application_name, dossier_number, dossier_kind, action,
--       table_name, row_id, parcel_ref, operation, before, after)

CREATE OR REPLACE FUNCTION cadastre.record_audit(p_dossier_id bigint, p_action text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_key text := txid_current()::text || ':' || p_dossier_id || ':' || p_action;
BEGIN
    -- One row per transaction, dossier and action; the setting saves the insert on every
    -- further call in the same transaction (a split calls begin_dossier_work more than once).
    -- The setting is the client's to set too: it only spares the insert when the row it
    -- names is really there (an index probe, cheaper than an insert that conflicts).
    IF current_setting('cadastre.audited', true) IS NOT DISTINCT FROM v_key
       AND EXISTS (SELECT 1 FROM cadastre.audit_transaction AS a
                   WHERE a.txid = txid_current() AND a.dossier_id = p_dossier_id
                     AND a.action = p_action) THEN
        RETURN;
    END IF;
    INSERT INTO cadastre.audit_transaction (txid, dossier_id, action, register_time, app_user,
                                            application_name, client_addr)
    VALUES (txid_current(), p_dossier_id, p_action, cadastre.clock(),
            nullif(current_setting('cadastre.app_user', true), ''),
            nullif(current_setting('application_name', true), ''), inet_client_addr())
    ON CONFLICT (txid, dossier_id, action) DO NOTHING;
    PERFORM set_config('cadastre.audited', v_key, true);
END;
$$;
COMMENT ON FUNCTION cadastre.record_audit(bigint, text) IS
    'Write the audit row of this transaction for a dossier (once per transaction and action).';

CREATE OR REPLACE FUNCTION cadastre.stamp_audit()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Who and when are the server's, not the client's: a default could be overridden.
    NEW.db_role := session_user;
    NEW.recorded_at := clock_timestamp();
    NEW.txid := txid_current();
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.stamp_audit() IS
    'BEFORE INSERT trigger of the audit trail: the role that logged in, the wall clock and the '
    'transaction are forced.';

CREATE OR REPLACE FUNCTION cadastre.audit_digest(p_prev bytea, p_seq bigint,
                                                 p_row cadastre.audit_transaction)
RETURNS bytea
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    -- One link: the previous link's hash, the position, and every column of the audit row
    -- (times as microseconds since the epoch, so the session's time zone cannot change it).
    -- PL/pgSQL, not SQL: a SQL function taking a row is not inlined and would be planned again
    -- on every call (70 µs of every audited transaction).
    RETURN sha256(p_prev || convert_to(concat_ws(E'\x1f',
        p_seq, p_row.id, p_row.txid, p_row.dossier_id, p_row.action,
        (extract(epoch FROM p_row.register_time) * 1000000)::bigint,
        (extract(epoch FROM p_row.recorded_at) * 1000000)::bigint,
        p_row.db_role, coalesce(p_row.app_user, E'\x1e'),
        coalesce(p_row.application_name, E'\x1e'), coalesce(host(p_row.client_addr), E'\x1e')),
        'UTF8'));
END;
$$;
COMMENT ON FUNCTION cadastre.audit_digest(bytea, bigint, cadastre.audit_transaction) IS
    'The hash of one link of the audit chain (written by seal_audit, recomputed by verify_audit).';

CREATE OR REPLACE FUNCTION cadastre.lock_audit_seal()
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(hashtext('cadastre.audit_seal'))
$$;
COMMENT ON FUNCTION cadastre.lock_audit_seal() IS
    'Take the audit chain''s lock until the end of the transaction: one sealer at a time.';

CREATE OR REPLACE FUNCTION cadastre.seal_audit()
RETURNS trigger
LANGUAGE plpgsql
-- Deferred: it fires at COMMIT, after the operation that wrote the row has returned, as the
-- role that logged in; only the owner writes the seal.
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    v_last cadastre.audit_seal;
    v_seq  bigint;
BEGIN
    -- At commit, one transaction at a time: the next link follows the last committed one.
    PERFORM cadastre.lock_audit_seal();
    SELECT * INTO v_last FROM cadastre.audit_seal ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_last.seq, 0) + 1;
    INSERT INTO cadastre.audit_seal (seq, audit_id, prev_hash, row_hash)
    VALUES (v_seq, NEW.id, coalesce(v_last.row_hash, ''::bytea),
            cadastre.audit_digest(coalesce(v_last.row_hash, ''::bytea), v_seq, NEW));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.seal_audit() IS
    'Deferred trigger of the audit trail: append the row''s link to the hash chain at commit.';

CREATE OR REPLACE FUNCTION cadastre.verify_audit()
RETURNS TABLE (ok boolean, links bigint, seq bigint, audit_id bigint, problem text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_link   record;
    v_prev   bytea := ''::bytea;
    v_seq    bigint := 0;
BEGIN
    -- Walk the chain in order; the first link that does not hold is the answer.
    FOR v_link IN
        SELECT s.seq, s.audit_id, s.prev_hash, s.row_hash, a AS row, a.id IS NULL AS missing
        FROM cadastre.audit_seal AS s
        LEFT JOIN cadastre.audit_transaction AS a ON a.id = s.audit_id
        ORDER BY s.seq
    LOOP
        IF v_link.seq <> v_seq + 1 THEN
            RETURN QUERY SELECT false, v_seq, v_seq + 1, NULL::bigint,
                format('link %s is missing: the chain jumps from %s to %s', v_seq + 1, v_seq,
                       v_link.seq);
            RETURN;
        END IF;
        IF v_link.missing THEN
            RETURN QUERY SELECT false, v_seq, v_link.seq, v_link.audit_id,
                format('audit row %s (link %s) was deleted', v_link.audit_id, v_link.seq);
            RETURN;
        END IF;
        IF v_link.prev_hash <> v_prev THEN
            RETURN QUERY SELECT false, v_seq, v_link.seq, v_link.audit_id,
                format('link %s does not follow link %s (its previous hash differs)',
                       v_link.seq, v_seq);
            RETURN;
        END IF;
        IF cadastre.audit_digest(v_prev, v_link.seq, v_link.row) <> v_link.row_hash THEN
            RETURN QUERY SELECT false, v_seq, v_link.seq, v_link.audit_id,
                format('audit row %s (link %s) was altered after it was sealed',
                       v_link.audit_id, v_link.seq);
            RETURN;
        END IF;
        v_prev := v_link.row_hash;
        v_seq := v_link.seq;
    END LOOP;
    -- Every committed audit row has its link; one without was written around the trigger.
    RETURN QUERY
    SELECT false, v_seq, NULL::bigint, a.id,
           format('audit row %s has no link in the chain (written with the seal switched off)',
                  a.id)
    FROM cadastre.audit_transaction AS a
    WHERE a.id > coalesce((SELECT c.started_after FROM cadastre.audit_chain AS c), 0)
      AND NOT EXISTS (SELECT 1 FROM cadastre.audit_seal AS s WHERE s.audit_id = a.id)
    ORDER BY a.id LIMIT 1;
    IF NOT FOUND THEN
        RETURN QUERY SELECT true, v_seq, v_seq, NULL::bigint, NULL::text;
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.verify_audit() IS
    'Recompute the audit trail''s hash chain: ok, or the first broken link (a row deleted, '
    'altered or written around the seal). Detects even a superuser''s tampering.';

CREATE OR REPLACE FUNCTION cadastre.version_json(p_row jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    -- A row version for people: the geometry as its area and WKT, system columns dropped.
    SELECT CASE WHEN p_row IS NULL THEN NULL
                ELSE (p_row - 'sys_period' - 'sys_txid' - 'geom')
                     || CASE WHEN p_row ? 'geom' THEN jsonb_build_object(
                            'geom_area', round(ST_Area(ST_GeomFromGeoJSON(p_row -> 'geom'))::numeric, 2),
                            'geom_wkt', ST_AsText(ST_GeomFromGeoJSON(p_row -> 'geom'), 3))
                        ELSE '{}'::jsonb END
           END
$$;
COMMENT ON FUNCTION cadastre.version_json(jsonb) IS
    'A stored row version as JSON for the audit trail (geometry as area + WKT).';

CREATE OR REPLACE FUNCTION cadastre.audit_trail(p_parcel_id bigint DEFAULT NULL,
                                                p_who text DEFAULT NULL,
                                                p_from timestamptz DEFAULT NULL,
                                                p_to timestamptz DEFAULT NULL)
RETURNS TABLE (recorded_at timestamptz, register_time timestamptz, db_role text,
               app_user text, application_name text, dossier_number text, dossier_kind text,
               action text, table_name text, row_id bigint, parcel_ref text, operation text,
               before jsonb, after jsonb)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- Transactions chosen by who/when; then the parcel and right versions each one wrote,
    -- with the version each replaced (the one whose system period ends where it starts).
    RETURN QUERY
    WITH tx AS (
        SELECT a.*, d.number AS d_number, d.kind AS d_kind
        FROM cadastre.audit_transaction AS a
        JOIN cadastre.dossier AS d ON d.id = a.dossier_id
        WHERE (p_who IS NULL OR a.db_role = p_who OR a.app_user ILIKE '%' || p_who || '%')
          AND (p_from IS NULL OR a.recorded_at >= p_from)
          AND (p_to IS NULL OR a.recorded_at < p_to)
          AND (p_parcel_id IS NULL OR a.txid IN (
                   SELECT v.sys_txid FROM cadastre.parcel_version AS v WHERE v.id = p_parcel_id
                   UNION
                   SELECT r.sys_txid FROM cadastre.rrr_version AS r
                   WHERE r.parcel_id = p_parcel_id
                   UNION
                   SELECT s.sys_txid FROM cadastre.rrr_share_version AS s
                   WHERE s.rrr_id IN (SELECT r.id FROM cadastre.rrr AS r
                                      WHERE r.parcel_id = p_parcel_id)))
    ),
    written AS (
        SELECT tx.id AS audit_id, 'parcel'::text AS tbl, v.id, v.id AS parcel_id,
               lower(v.sys_period) AS since, to_jsonb(v) AS after
        FROM tx JOIN cadastre.parcel_version AS v
          ON v.sys_txid = tx.txid AND v.dossier_id = tx.dossier_id
        WHERE tx.action = 'change'
        UNION ALL
        SELECT tx.id, 'rrr', r.id, r.parcel_id, lower(r.sys_period), to_jsonb(r)
        FROM tx JOIN cadastre.rrr_version AS r
          ON r.sys_txid = tx.txid AND r.dossier_id = tx.dossier_id
        WHERE tx.action = 'change'
        UNION ALL
        -- Holders' shares (no dossier column: the transaction's only dossier wrote them) and
        -- parties' names; personal data shows only in cadastre.personal_data's log.
        SELECT tx.id, 'rrr_share', s.rrr_id, r.parcel_id, lower(s.sys_period),
               to_jsonb(s) || jsonb_build_object('holder', p.name)
        FROM tx JOIN cadastre.rrr_share_version AS s ON s.sys_txid = tx.txid
        JOIN cadastre.rrr AS r ON r.id = s.rrr_id
        JOIN cadastre.party AS p ON p.id = s.party_id
        WHERE tx.action = 'change'
          AND NOT EXISTS (SELECT 1 FROM cadastre.audit_transaction AS o
                          WHERE o.txid = tx.txid AND o.action = 'change' AND o.id < tx.id)
        UNION ALL
        SELECT tx.id, 'party', v.id, NULL::bigint, lower(v.sys_period), to_jsonb(v)
        FROM tx JOIN cadastre.party_version AS v
          ON v.sys_txid = tx.txid AND v.dossier_id = tx.dossier_id
        WHERE tx.action = 'change' AND p_parcel_id IS NULL
    )
    SELECT tx.recorded_at, tx.register_time, tx.db_role, tx.app_user, tx.application_name,
           tx.d_number, tx.d_kind, tx.action, w.tbl, w.id,
           cadastre.parcel_ref(w.parcel_id),
           CASE WHEN w.tbl IS NULL THEN NULL
                WHEN prev.before IS NULL THEN 'insert' ELSE 'update' END,
           cadastre.version_json(prev.before), cadastre.version_json(w.after)
    FROM tx
    LEFT JOIN written AS w ON w.audit_id = tx.id
    LEFT JOIN LATERAL (
        SELECT to_jsonb(p) AS before FROM cadastre.parcel_history AS p
        WHERE w.tbl = 'parcel' AND p.id = w.id AND upper(p.sys_period) = w.since
        UNION ALL
        SELECT to_jsonb(r) FROM cadastre.rrr_history AS r
        WHERE w.tbl = 'rrr' AND r.id = w.id AND upper(r.sys_period) = w.since
        UNION ALL
        SELECT to_jsonb(s) FROM cadastre.rrr_share_history AS s
        WHERE w.tbl = 'rrr_share' AND s.rrr_id = w.id AND upper(s.sys_period) = w.since
          AND s.party_id = (w.after ->> 'party_id')::bigint
        UNION ALL
        SELECT to_jsonb(p) FROM cadastre.party_history AS p
        WHERE w.tbl = 'party' AND p.id = w.id AND upper(p.sys_period) = w.since
    ) AS prev ON true
    WHERE p_parcel_id IS NULL OR w.parcel_id = p_parcel_id
    ORDER BY tx.recorded_at, tx.id, w.tbl, w.id;
END;
$$;
COMMENT ON FUNCTION cadastre.audit_trail(bigint, text, timestamptz, timestamptz) IS
    'Who did what: transactions (filtered by parcel, role or app user, period) with the parcel, '
    'right, share and party versions each wrote, before and after.';
