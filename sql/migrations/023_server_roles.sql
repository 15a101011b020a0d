-- 023_server_roles: what the server's logins may do beyond their grants.
--   cadastre_auditor  NOLOGIN role named by pgaudit.role on the project server: every write
--                     a privilege granted to it covers (UPDATE, DELETE on the audit trail and
--                     history tables, granted in sql/functions) is logged as AUDIT: OBJECT.
--                     Created here and by the role definitions, whichever runs first.
--   cadastre_web      read-only by default with a 5 s statement limit (as 008 set them; kept
--                     here for databases where they were changed) and NOINHERIT (008).
--   TEMPORARY         on this database only for the groups whose functions make temporary
--                     tables (bulk import, checks of a file): the web role gets none.
-- Roles are cluster-wide and every database of the cluster runs this file, so each change is
-- made only when missing, tolerating a concurrent creation.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cadastre_auditor') THEN
        BEGIN
            CREATE ROLE cadastre_auditor NOLOGIN;
            COMMENT ON ROLE cadastre_auditor IS
                'pgaudit.role: writes covered by its privileges are logged (object audit).';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database's migration created it at the same moment
        END;
    END IF;
END;
$$;

DO $$
DECLARE
    v_setting text;
BEGIN
    FOREACH v_setting IN ARRAY ARRAY['default_transaction_read_only=on', 'statement_timeout=5s']
    LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_db_role_setting AS s
            WHERE s.setrole = 'cadastre_web'::regrole AND s.setdatabase = 0
              AND v_setting = ANY(s.setconfig)
        ) THEN
            EXECUTE format('ALTER ROLE cadastre_web SET %s = %L',
                           split_part(v_setting, '=', 1), split_part(v_setting, '=', 2));
        END IF;
    END LOOP;
END;
$$;

DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO cadastre_officer, cadastre_analyst, '
                   'cadastre_admin', current_database());
END;
$$;
