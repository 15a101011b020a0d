-- 013_operator_role: the login role the command line works as in normal use.
-- cadastre_operator is an administrator of the register (member of cadastre_admin: bulk
-- import, reference data, any commune) but not a superuser: it cannot change the schema,
-- create roles or switch triggers off. Only schema changes (`cadastre db start/migrate/init`),
-- user management and backups use the cluster's superuser.
-- Cluster-wide, so created only when missing, tolerating a concurrent creation.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cadastre_operator') THEN
        BEGIN
            CREATE ROLE cadastre_operator LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT
                IN ROLE cadastre_admin;
            COMMENT ON ROLE cadastre_operator IS
                'The command line''s everyday role: administers the register, is no superuser.';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database's migration created it at the same moment
        END;
    END IF;
END;
$$;
