-- 099_roles: what each group role may do (roles and officer_commune: 012_roles.sql).
-- Runs last, so the grants cover every table, sequence and function the files before created.
-- The rule "an officer edits only the communes assigned to it" is one function,
-- cadastre.may_edit_commune, used by the row-level security policies (the guarantee) and by
-- the operations' own checks (which say in words why an edit is refused).

CREATE OR REPLACE FUNCTION cadastre.may_edit_commune(p_commune text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- Officers (and approvers) are bound to their communes; administrators and the
    -- superuser that owns the schema are not. PL/pgSQL, not SQL, so the membership query is
    -- planned once per session rather than on every row a trigger or policy checks.
    IF NOT pg_has_role(current_user, 'cadastre_officer', 'MEMBER')
       OR pg_has_role(current_user, 'cadastre_admin', 'MEMBER') THEN
        RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM cadastre.officer_commune AS o
                   WHERE o.commune_code = p_commune
                     AND pg_has_role(current_user, o.role_name, 'MEMBER'));
END;
$$;
COMMENT ON FUNCTION cadastre.may_edit_commune(text) IS
    'True when the current role may change parcels of a commune (officers: assigned ones only).';

CREATE OR REPLACE FUNCTION cadastre.require_commune_right(p_commune text, p_ref text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT cadastre.may_edit_commune(p_commune) THEN
        RAISE EXCEPTION 'Role % may not edit parcel % of commune %', current_user, p_ref,
                        p_commune
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An administrator assigns communes to officers: '
                         'cadastre user add ROLE --role officer --commune CODE.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.require_commune_right(text, text) IS
    'Refuse, in words, a change to a parcel of a commune the current role may not edit.';

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

-- Everyone in a group reads the reference data and the register's structure.
GRANT USAGE ON SCHEMA cadastre TO cadastre_officer, cadastre_analyst, cadastre_admin;

-- Analysts: everything but personal data; nothing written.
GRANT SELECT ON ALL TABLES IN SCHEMA cadastre TO cadastre_analyst;
REVOKE ALL ON cadastre.party_personal, cadastre.bulk_session, cadastre.officer_commune
    FROM cadastre_analyst;

-- Officers: read all, write the register through its operations. Dossier decisions, reference
-- data, bulk sessions and commune assignments are not theirs.
GRANT SELECT ON ALL TABLES IN SCHEMA cadastre TO cadastre_officer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cadastre TO cadastre_officer, cadastre_admin;
GRANT INSERT, UPDATE ON cadastre.parcel, cadastre.rrr, cadastre.party, cadastre.party_personal,
    cadastre.certificate, cadastre.staged_parcel, cadastre.import_batch
    TO cadastre_officer;
GRANT INSERT, UPDATE, DELETE ON cadastre.rrr_share, cadastre.party_member,
    cadastre.certificate_parcel, cadastre.certificate_holder, cadastre.dossier_parcel
    TO cadastre_officer;
GRANT INSERT ON cadastre.parcel_history, cadastre.rrr_history, cadastre.rrr_share_history,
    cadastre.party_history, cadastre.certificate_history, cadastre.parcel_lineage,
    cadastre.dossier, cadastre.source_document, cadastre.audit_transaction
    TO cadastre_officer;
GRANT UPDATE (note) ON cadastre.dossier TO cadastre_officer;
-- SELECT stays: the row triggers read bulk_session (cadastre.in_bulk_session) on every write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON cadastre.bulk_session FROM cadastre_officer;
REVOKE INSERT, UPDATE, DELETE ON cadastre.officer_commune FROM cadastre_officer;

-- Approvers decide dossiers.
GRANT UPDATE (status, decided_on, note) ON cadastre.dossier TO cadastre_approver;

-- Administrators: everything in the schema.
GRANT ALL ON ALL TABLES IN SCHEMA cadastre TO cadastre_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA cadastre TO cadastre_admin;  -- bulk loads reserve ids
REVOKE UPDATE, DELETE, TRUNCATE ON cadastre.audit_transaction FROM cadastre_admin;

-- Officers' edits note where the map changed, for the web view's tile cache (090_public.sql).
GRANT USAGE ON SCHEMA public_register TO cadastre_officer, cadastre_admin;
GRANT INSERT ON public_register.map_change TO cadastre_officer, cadastre_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public_register TO cadastre_officer, cadastre_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public_register TO cadastre_officer, cadastre_admin;
