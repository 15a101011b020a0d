-- 012_roles: the register's group roles and the communes each officer may edit.
--   cadastre_officer   reads the register, edits parcels only in the communes assigned to it
--                      (row-level security on parcel and rrr, sql/functions/099_roles.sql)
--   cadastre_approver  an officer who may also approve or reject dossiers
--   cadastre_analyst   reads the register except personal data (party_personal), writes nothing
--   cadastre_admin     everything, bypasses row-level security (bulk import, reference data)
--   cadastre_web       the citizens' web view (008_public_web.sql): public views only
-- People log in as their own roles, members of one of these groups (`cadastre user add`).
-- Roles are cluster-wide and every database of the cluster runs this file (tests clone many):
-- each is created only when missing, tolerating a concurrent creation by another database.

DO $$
DECLARE
    v_role record;
BEGIN
    FOR v_role IN
        SELECT * FROM (VALUES
            ('cadastre_officer', 'NOBYPASSRLS',
             'Land officers: read the register, edit parcels of their assigned communes.'),
            ('cadastre_approver', 'NOBYPASSRLS',
             'Approvers: officers who may also approve or reject dossiers.'),
            ('cadastre_analyst', 'NOBYPASSRLS',
             'Analysts: read the register without personal data; write nothing.'),
            ('cadastre_admin', 'BYPASSRLS',
             'Administrators: all of the register, including bulk import and reference data.')
        ) AS r(name, rls, note)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role.name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                               'INHERIT %s', v_role.name, v_role.rls);
                EXECUTE format('COMMENT ON ROLE %I IS %L', v_role.name, v_role.note);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database's migration created it at the same moment
            END;
        END IF;
    END LOOP;
    IF NOT pg_has_role('cadastre_approver', 'cadastre_officer', 'MEMBER') THEN
        BEGIN
            GRANT cadastre_officer TO cadastre_approver;
        EXCEPTION WHEN duplicate_object OR unique_violation OR internal_error THEN
            NULL;
        END;
    END IF;
END;
$$;

CREATE TABLE cadastre.officer_commune (
    role_name    text NOT NULL,
    commune_code text NOT NULL,
    PRIMARY KEY (role_name, commune_code)
);
COMMENT ON TABLE cadastre.officer_commune IS
    'The communes each officer (a login role, or a group role) may edit.';
COMMENT ON COLUMN cadastre.officer_commune.role_name IS 'A database role (the officer).';
COMMENT ON COLUMN cadastre.officer_commune.commune_code IS 'A commune code the role may edit.';

ALTER TABLE cadastre.parcel ENABLE ROW LEVEL SECURITY;
ALTER TABLE cadastre.rrr ENABLE ROW LEVEL SECURITY;
