-- 096_publication: the province's public register, published by logical replication to the
-- national look-up (cadastre/national, docs/scaling.md "National look-up").
--   cadastre_public       the publication: the published parcel pages as they are, and of the
--                         register tables only the columns a look-up needs to find a parcel by
--                         its identity, old identifier or address, and a certificate by its
--                         serial. Never a party, a share, a personal detail, a dossier, an
--                         officer or a certificate's book number.
--   cadastre_public_copy  the role that copies the publication into the province's public copy,
--                         database cadastre_public (`cadastre national publish`): it may read
--                         the published columns and nothing else; its secret never leaves the
--                         province's server.
--   cadastre_publisher    the role the national subscription logs in as, to the public copy
--                         only (pg_hba.conf rejects it anywhere else): a REPLICATION role can
--                         decode every change of a database it enters with any output plugin,
--                         so it must not enter this one. It holds no privilege here.
-- Roles are cluster-wide and every database of the cluster runs this file, so a role is made
-- only when missing, tolerating a concurrent creation.
--
-- Functions, in the order they are defined:
--   public_register.publication_tables() → text

DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['cadastre_publisher', 'cadastre_public_copy'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN REPLICATION NOINHERIT', v_role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database's functions created it at the same moment
            END;
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM pg_db_role_setting AS s
            WHERE s.setrole = v_role::regrole AND s.setdatabase = 0
              AND 'default_transaction_read_only=on' = ANY(s.setconfig)
        ) THEN
            EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', v_role);
        END IF;
    END LOOP;
END;
$$;
COMMENT ON ROLE cadastre_publisher IS
    'The national look-up''s subscription: enters only the public copy (database '
    'cadastre_public), read-only; no privilege in the register.';
COMMENT ON ROLE cadastre_public_copy IS
    'Copies publication cadastre_public into the province''s public copy: reads the published '
    'columns only, read-only; its secret stays on the province''s server.';

-- The publication role holds nothing in the register (an earlier version granted it the
-- published columns).
REVOKE ALL ON ALL TABLES IN SCHEMA cadastre, public_register FROM cadastre_publisher;
REVOKE ALL ON SCHEMA cadastre, public_register FROM cadastre_publisher;

-- What the initial copy of each table reads (COPY of the published columns). Column grants:
-- the copying role can read no other column of these tables, and no other table.
GRANT USAGE ON SCHEMA cadastre, public_register TO cadastre_public_copy;
GRANT SELECT ON public_register.parcel_page TO cadastre_public_copy;
GRANT SELECT (id, commune_code, sheet_number, parcel_number, status, address, old_identifiers,
              sys_period, sys_txid) ON cadastre.parcel TO cadastre_public_copy;
GRANT SELECT (id, serial, issued_on, cancelled_on, replaced_by)
    ON cadastre.certificate TO cadastre_public_copy;
GRANT SELECT ON cadastre.certificate_parcel TO cadastre_public_copy;
GRANT SELECT (code, level, name, parent_code, valid, replaced_by)
    ON cadastre.admin_unit TO cadastre_public_copy;
-- Which province this register is: `national add-province` names the province by it.
GRANT SELECT (singleton, province_code, srid) ON cadastre.register_setting
    TO cadastre_public_copy;
GRANT SELECT (province_code, province_name) ON cadastre.province_crs TO cadastre_public_copy;

-- The publication's tables and columns, in one place: created when missing, else set to
-- exactly these (so a change here reaches every register on its next `db migrate`).
CREATE OR REPLACE FUNCTION public_register.publication_tables()
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT 'public_register.parcel_page, '
        || 'cadastre.parcel (id, commune_code, sheet_number, parcel_number, status, address, '
        || 'old_identifiers, sys_period, sys_txid), '
        || 'cadastre.certificate (id, serial, issued_on, cancelled_on, replaced_by), '
        || 'cadastre.certificate_parcel, '
        || 'cadastre.admin_unit (code, level, name, parent_code, valid, replaced_by), '
        || 'cadastre.register_setting (singleton, province_code, srid), '
        || 'cadastre.province_crs (province_code, province_name)'
$$;
COMMENT ON FUNCTION public_register.publication_tables() IS
    'The tables and columns of publication cadastre_public (the national look-up''s feed): '
    'published pages, parcel identities and addresses, certificates by serial, communes, the '
    'province. '
    'No personal data.';

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'cadastre_public') THEN
        EXECUTE 'ALTER PUBLICATION cadastre_public SET TABLE '
                || public_register.publication_tables();
    ELSE
        -- WARNING when wal_level is not logical yet: `cadastre national publish` sets it.
        SET LOCAL client_min_messages = error;
        EXECUTE 'CREATE PUBLICATION cadastre_public FOR TABLE '
                || public_register.publication_tables();
    END IF;
END;
$$;
COMMENT ON PUBLICATION cadastre_public IS
    'The public register for the national look-up (public_register.publication_tables): '
    'published pages, parcel identities, certificates, communes; never personal data.';
