-- 099_roles: what each group role may do (roles and officer_commune: 012_roles.sql).
-- Runs after every file that creates tables, sequences and functions, so the grants cover them
-- all (only 100_triggers, which attaches triggers, comes after it).
-- The rule "an officer edits only the communes assigned to it" is one function,
-- cadastre.may_edit_commune, used by the row-level security policies (the guarantee) and by
-- the operations' own checks (which say in words why an edit is refused).
--
-- Functions, in the order they are defined:
--   cadastre.is_owner() → boolean
--   cadastre.is_admin() → boolean
--   cadastre.is_decider() → boolean
--   cadastre.commune_bound() → boolean
--   cadastre.may_edit_commune(text) → boolean
--   cadastre.only_commune() → text
--   cadastre.require_commune_right(text, text) → void
--   cadastre.require_dossier_commune(cadastre.dossier, text) → void
--   cadastre.require_party_right(bigint) → void
--   cadastre.require_row_commune() → trigger

-- Who is calling: session_user, the role that logged in. The operations run as their owner
-- (SECURITY DEFINER), so current_user inside them is the owner, never the caller.

CREATE OR REPLACE FUNCTION cadastre.is_owner()
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles AS r
                     WHERE r.rolname = session_user), false)
$$;
COMMENT ON FUNCTION cadastre.is_owner() IS
    'True for the register''s owner (the cluster''s superuser: migrations, loading history).';

CREATE OR REPLACE FUNCTION cadastre.is_admin()
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT pg_has_role(session_user, 'cadastre_admin', 'MEMBER')
$$;
COMMENT ON FUNCTION cadastre.is_admin() IS
    'True for administrators (and the owner): not bound to communes.';

CREATE OR REPLACE FUNCTION cadastre.is_decider()
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT pg_has_role(session_user, 'cadastre_approver', 'MEMBER') OR cadastre.is_admin()
$$;
COMMENT ON FUNCTION cadastre.is_decider() IS 'True for approvers and administrators.';

CREATE OR REPLACE FUNCTION cadastre.commune_bound()
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT pg_has_role(session_user, 'cadastre_officer', 'MEMBER')
           AND NOT pg_has_role(session_user, 'cadastre_admin', 'MEMBER')
$$;
COMMENT ON FUNCTION cadastre.commune_bound() IS
    'True for officers and approvers, who edit only the communes assigned to them.';

CREATE OR REPLACE FUNCTION cadastre.may_edit_commune(p_commune text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- Officers (and approvers) are bound to their communes; administrators and the
    -- superuser that owns the schema are not. PL/pgSQL, not SQL, so the membership query is
    -- planned once per session rather than on every row a trigger or policy checks.
    -- session_user: inside the operations (SECURITY DEFINER) current_user is their owner.
    IF NOT pg_has_role(session_user, 'cadastre_officer', 'MEMBER')
       OR pg_has_role(session_user, 'cadastre_admin', 'MEMBER') THEN
        RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM cadastre.officer_commune AS o
                   WHERE o.commune_code = p_commune
                     AND pg_has_role(session_user, o.role_name, 'MEMBER'));
END;
$$;
COMMENT ON FUNCTION cadastre.may_edit_commune(text) IS
    'True when the role that logged in may change parcels of a commune (officers: assigned '
    'ones only; a NULL commune: administrators only).';

CREATE OR REPLACE FUNCTION cadastre.only_commune()
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_codes text[];
BEGIN
    SELECT array_agg(DISTINCT o.commune_code ORDER BY o.commune_code) INTO v_codes
    FROM cadastre.officer_commune AS o WHERE pg_has_role(session_user, o.role_name, 'MEMBER');
    IF cardinality(v_codes) = 1 THEN
        RETURN v_codes[1];
    END IF;
    RAISE EXCEPTION 'Role % edits % communes: name the dossier''s commune', session_user,
        coalesce(cardinality(v_codes), 0)
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = 'Communes: ' || coalesce(array_to_string(v_codes, ', '), 'none'),
              HINT = 'Give the commune code (cadastre dossier open … --commune CODE).';
END;
$$;
COMMENT ON FUNCTION cadastre.only_commune() IS
    'The one commune a commune-bound role edits; an error naming them when it has several.';

CREATE OR REPLACE FUNCTION cadastre.require_commune_right(p_commune text, p_ref text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT cadastre.may_edit_commune(p_commune) THEN
        RAISE EXCEPTION 'Role % may not edit parcel % of commune %', session_user, p_ref,
                        p_commune
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An administrator assigns communes to officers: '
                         'cadastre user add ROLE --role officer --commune CODE.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.require_commune_right(text, text) IS
    'Refuse, in words, a change to a parcel of a commune the calling role may not edit.';

CREATE OR REPLACE FUNCTION cadastre.require_dossier_commune(p_dossier cadastre.dossier,
                                                            p_action text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_dossier.commune_code IS NULL THEN
        IF cadastre.commune_bound() THEN
            RAISE EXCEPTION 'Role % may not % dossier %: it names no commune', session_user,
                p_action, p_dossier.number
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'A dossier of no commune is the province''s: an administrator '
                             'handles it.';
        END IF;
    ELSIF NOT cadastre.may_edit_commune(p_dossier.commune_code) THEN
        RAISE EXCEPTION 'Role % may not % dossier % of commune %', session_user, p_action,
            p_dossier.number, p_dossier.commune_code
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only officers and approvers of the dossier''s commune handle it.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.require_dossier_commune(cadastre.dossier, text) IS
    'Refuse, in words, opening, deciding, closing or working under a dossier of another commune.';

CREATE OR REPLACE FUNCTION cadastre.require_party_right(p_party_id bigint)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_communes text[];
BEGIN
    IF p_party_id IS NULL OR NOT cadastre.commune_bound() THEN
        RETURN;
    END IF;
    -- The communes of every parcel the party (or a group it belongs to) holds or held a share
    -- of. A party with none is new: whoever registers it may write it.
    SELECT array_agg(DISTINCT p.commune_code) INTO v_communes
    FROM cadastre.rrr_share_version AS s
    JOIN cadastre.rrr AS r ON r.id = s.rrr_id
    JOIN cadastre.parcel AS p ON p.id = r.parcel_id
    WHERE s.party_id = p_party_id
       OR s.party_id IN (SELECT m.group_id FROM cadastre.party_member AS m
                         WHERE m.member_id = p_party_id);
    IF v_communes IS NULL
       OR EXISTS (SELECT 1 FROM unnest(v_communes) AS c WHERE cadastre.may_edit_commune(c)) THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'Role % may not change party % (it holds rights only in commune %)',
        session_user, p_party_id, array_to_string(v_communes, ', ')
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'An officer of one of those communes makes the change.';
END;
$$;
COMMENT ON FUNCTION cadastre.require_party_right(bigint) IS
    'Refuse a change to a party that holds rights only in communes the caller may not edit.';

CREATE OR REPLACE FUNCTION cadastre.require_row_commune()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_row     jsonb;
    v_parcel  record;
BEGIN
    IF NOT cadastre.commune_bound() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    -- Check the row as written and, for an update or delete, as it was.
    FOREACH v_row IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)]
                                      WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
                                      ELSE ARRAY[to_jsonb(NEW), to_jsonb(OLD)] END
    LOOP
        IF TG_TABLE_NAME IN ('party', 'party_personal', 'party_member') THEN
            PERFORM cadastre.require_party_right(
                coalesce(v_row ->> 'id', v_row ->> 'party_id', v_row ->> 'group_id')::bigint);
            PERFORM cadastre.require_party_right((v_row ->> 'member_id')::bigint);
            CONTINUE;
        END IF;
        FOR v_parcel IN
            SELECT p.commune_code, cadastre.parcel_ref(p.id) AS ref
            FROM cadastre.parcel AS p
            WHERE p.id IN (
                SELECT (v_row ->> 'parcel_id')::bigint
                UNION ALL
                SELECT r.parcel_id FROM cadastre.rrr AS r
                WHERE r.id = (v_row ->> 'rrr_id')::bigint
                UNION ALL
                SELECT c.parcel_id FROM cadastre.certificate_parcel AS c
                WHERE TG_TABLE_NAME IN ('certificate_holder', 'certificate')
                  AND c.certificate_id = CASE TG_TABLE_NAME
                                             WHEN 'certificate' THEN (v_row ->> 'id')::bigint
                                             ELSE (v_row ->> 'certificate_id')::bigint END)
        LOOP
            PERFORM cadastre.require_commune_right(v_parcel.commune_code, v_parcel.ref);
        END LOOP;
    END LOOP;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cadastre.require_row_commune() IS
    'Trigger of rights, shares, certificates and their links, dossier links and parties: a '
    'commune-bound '
    'role writes them only for parcels (and parties) of its communes.';

DROP POLICY IF EXISTS read_all ON cadastre.parcel;
CREATE POLICY read_all ON cadastre.parcel FOR SELECT USING (true);
DROP POLICY IF EXISTS add_in_own_commune ON cadastre.parcel;
CREATE POLICY add_in_own_commune ON cadastre.parcel FOR INSERT
    WITH CHECK (cadastre.may_edit_commune(commune_code));
DROP POLICY IF EXISTS change_in_own_commune ON cadastre.parcel;
CREATE POLICY change_in_own_commune ON cadastre.parcel FOR UPDATE
    USING (cadastre.may_edit_commune(commune_code))
    WITH CHECK (cadastre.may_edit_commune(commune_code));

DROP POLICY IF EXISTS read_all ON cadastre.rrr;
CREATE POLICY read_all ON cadastre.rrr FOR SELECT USING (true);
DROP POLICY IF EXISTS write_in_own_commune ON cadastre.rrr;
CREATE POLICY write_in_own_commune ON cadastre.rrr FOR ALL
    USING (cadastre.may_edit_commune(
        (SELECT p.commune_code FROM cadastre.parcel AS p WHERE p.id = parcel_id)))
    WITH CHECK (cadastre.may_edit_commune(
        (SELECT p.commune_code FROM cadastre.parcel AS p WHERE p.id = parcel_id)));

-- Least privilege ------------------------------------------------------------------------------
-- No application role writes a register table. Writes go through the operations below, which
-- run as their owner (SECURITY DEFINER, search_path pinned) and check the caller (session_user)
-- on every object they touch; history and audit rows are written only by their triggers.
REVOKE ALL ON ALL TABLES IN SCHEMA cadastre
    FROM PUBLIC, cadastre_officer, cadastre_approver, cadastre_analyst, cadastre_admin,
         cadastre_web;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA cadastre
    FROM PUBLIC, cadastre_officer, cadastre_approver, cadastre_analyst, cadastre_admin;

GRANT USAGE ON SCHEMA cadastre TO cadastre_officer, cadastre_analyst, cadastre_admin;

-- Reading. Analysts: everything but personal data and the access controls. Officers and
-- approvers: the same; they read personal data through cadastre.personal_data (logged).
-- Administrators read everything.
GRANT SELECT ON ALL TABLES IN SCHEMA cadastre
    TO cadastre_analyst, cadastre_officer, cadastre_admin;
REVOKE SELECT ON cadastre.party_personal, cadastre.party_personal_history,
    cadastre.personal_data_access, cadastre.officer_commune
    FROM cadastre_analyst, cadastre_officer;
-- Officers see which communes they have (the plugin says so at connection).
GRANT SELECT ON cadastre.officer_commune TO cadastre_officer;

-- Staging: importing and checking files writes only these work tables; the register is
-- written from them by cadastre.register_staged.
GRANT INSERT, UPDATE, DELETE ON cadastre.staged_parcel, cadastre.import_batch
    TO cadastre_officer, cadastre_admin;
GRANT USAGE ON SEQUENCE cadastre.import_batch_id_seq TO cadastre_officer, cadastre_admin;

-- The officer's parcel layer in QGIS: editable in the client (its INSTEAD OF trigger refuses
-- a direct save and says to Submit), so QGIS lets officers edit it.
GRANT SELECT, INSERT, UPDATE, DELETE ON cadastre.officer_parcel TO cadastre_officer;

-- Object audit (pgAudit, pgaudit.role = cadastre_auditor): any UPDATE or DELETE on the trail
-- or the history is written to the server's log, whoever does it.
GRANT UPDATE, DELETE ON cadastre.audit_transaction, cadastre.audit_seal,
    cadastre.parcel_history, cadastre.rrr_history, cadastre.rrr_share_history,
    cadastre.party_history, cadastre.party_personal_history, cadastre.certificate_history,
    cadastre.personal_data_access TO cadastre_auditor;

-- The operations --------------------------------------------------------------------------------
-- Functions that only read, or write nothing the caller could not, stay executable by everyone
-- (the public views use some). The writing operations run as their owner and are executable
-- by officers (approvers are officers too) and administrators only.
DO $$
DECLARE
    v_function regprocedure;
BEGIN
    FOR v_function IN
        SELECT p.oid::regprocedure FROM pg_proc AS p
        WHERE p.pronamespace = 'cadastre'::regnamespace
          AND p.proname IN (
              -- dossiers
              'open_dossier', 'decide_dossier', 'close_dossier', 'open_import_dossier',
              'add_source_document', 'add_dossier_parcel', 'begin_dossier_work',
              -- parties
              'add_party', 'change_party', 'personal_data',
              -- the register's operations
              'register_parcel', 'correct_boundary', 'split_parcel', 'merge_parcels',
              'transfer_right', 'register_restriction', 'release_restriction',
              'change_land_use', 'acquire_parcel', 'issue_certificate', 'cancel_certificate',
              'reassign_commune', 'submit_edits', 'submit_edits_report', 'register_staged')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER '
                       'SET search_path = public, pg_temp', v_function);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', v_function);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO cadastre_officer, cadastre_admin',
                       v_function);
    END LOOP;
END;
$$;
-- Sessions search the same path the operations pin (pg_catalog first, implicitly): a plan cached
-- inside an operation is then reused outside it (a function planned under two search paths is
-- planned again at each switch), and a client's own pg_temp comes last for everyone.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path = public, pg_temp',
                   current_database());
END;
$$;

-- Owner only: the clock (loading history) and the register's set-up.
REVOKE EXECUTE ON FUNCTION cadastre.set_clock(timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION cadastre.init_register(text, integer),
    cadastre.add_commune(text, text, date, geometry) FROM PUBLIC;
-- Administrators only: legacy imports and commune mergers.
REVOKE EXECUTE ON FUNCTION cadastre.open_import_dossier(text, date, text, text, text),
    cadastre.register_staged(bigint, bigint, boolean),
    cadastre.reassign_commune(bigint, text, text, date, text)
    FROM cadastre_officer;
-- The register's clock is read by the history triggers: anyone may ask whether it was set.
GRANT SELECT ON cadastre.clock_override TO PUBLIC;

-- The web view's change notes and pages are written by the register's own triggers, inside the
-- operations; publishing pages after an import is an administrator's. Officers call none of
-- them (withdrawing every page would slow every citizen's look-up).
GRANT USAGE ON SCHEMA public_register TO cadastre_officer, cadastre_admin;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public_register FROM cadastre_officer;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public_register TO cadastre_admin;
