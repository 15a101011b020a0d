-- 008_public_web: what the citizens' web view needs from the schema.
--   schema public_register  the only schema the web view's role can read: views and functions
--                           (sql/functions/090_public.sql) that show parcel facts and status,
--                           never ID numbers, birth dates, personal addresses or full names
--   role cadastre_web       the web view's login role: USAGE on public_register, SELECT on its
--                           views, EXECUTE on its functions, nothing in schema cadastre
--   dossier_parcel          the parcels a received dossier concerns, so a citizen sees that a
--                           dossier is in progress on a parcel before it is decided
--   map_change              where parcels changed (Web Mercator boxes), so the web view evicts
--                           exactly the cached tiles and look-ups that a change made stale
--   fold()                  lower case without diacritics (đ → d), for searches typed without
--                           accents; an index depends on it, so it lives here, not in functions
-- Roles are cluster-wide and every database of the cluster runs this file (tests clone many),
-- so the role is created only when missing, tolerating a concurrent creation.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cadastre_web') THEN
        BEGIN
            CREATE ROLE cadastre_web LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
                NOREPLICATION NOBYPASSRLS;
            -- Settings and comment only with the creation: shared catalogs updated by two
            -- databases' migrations at once would fail with "tuple concurrently updated".
            ALTER ROLE cadastre_web SET default_transaction_read_only = on;
            ALTER ROLE cadastre_web SET statement_timeout = '5s';
            ALTER ROLE cadastre_web SET search_path = public_register, public;
            COMMENT ON ROLE cadastre_web IS
                'The citizens'' web view: reads the public_register views only, read-only.';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database's migration created it at the same moment
        END;
    END IF;
END;
$$;

CREATE SCHEMA IF NOT EXISTS public_register;
COMMENT ON SCHEMA public_register IS
    'The public face of the register: parcel facts and status for citizens and other portals. '
    'Views are owned by the migrating role, so they read the register while cadastre_web '
    'cannot read any register table itself.';

-- Nothing in the register for the web role; only what public_register grants (090_public.sql).
REVOKE ALL ON SCHEMA cadastre FROM cadastre_web;
REVOKE ALL ON ALL TABLES IN SCHEMA cadastre FROM cadastre_web;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA cadastre FROM cadastre_web;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA cadastre FROM cadastre_web;
REVOKE CREATE ON SCHEMA public FROM cadastre_web;
REVOKE ALL ON SCHEMA public_register FROM PUBLIC;
GRANT USAGE ON SCHEMA public_register TO cadastre_web;

CREATE TABLE cadastre.dossier_parcel (
    dossier_id  bigint NOT NULL REFERENCES cadastre.dossier (id),
    parcel_id   bigint NOT NULL REFERENCES cadastre.parcel (id),
    PRIMARY KEY (dossier_id, parcel_id)
);
COMMENT ON TABLE cadastre.dossier_parcel IS
    'Parcels a dossier concerns, recorded when it is received (cadastre.add_dossier_parcel): '
    'the public sees a dossier in progress on a parcel while it is not yet decided.';
COMMENT ON COLUMN cadastre.dossier_parcel.dossier_id IS 'The dossier.';
COMMENT ON COLUMN cadastre.dossier_parcel.parcel_id IS 'A parcel the dossier concerns.';
CREATE INDEX dossier_parcel_parcel_idx ON cadastre.dossier_parcel (parcel_id);

CREATE TABLE public_register.map_change (
    id          bigserial PRIMARY KEY,
    changed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    tx          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    bbox        geometry(Polygon, 3857) NOT NULL
);
COMMENT ON TABLE public_register.map_change IS
    'Where the public picture changed: one box per changed parcel (or one box around a bulk '
    'change), written by triggers. The web view evicts cached tiles and look-ups that intersect '
    'boxes newer than the last id it saw.';
COMMENT ON COLUMN public_register.map_change.id IS 'Increasing change number.';
COMMENT ON COLUMN public_register.map_change.changed_at IS 'When the change was written.';
COMMENT ON COLUMN public_register.map_change.tx IS
    'Transaction that wrote it: a reader that remembers the oldest transaction still running at '
    'its last read (pg_snapshot_xmin) misses no change committed late with a smaller id.';
CREATE INDEX map_change_tx_idx ON public_register.map_change (tx);
COMMENT ON COLUMN public_register.map_change.bbox IS
    'Bounding box of the changed parcel(s) in Web Mercator (EPSG:3857).';
GRANT SELECT ON public_register.map_change TO cadastre_web;

-- Lower case, NFC, no Vietnamese diacritics, đ → d: "Phường Mẫu 1" and "phuong mau 1" fold to
-- the same text. Frozen here because the trigram index below depends on it.
CREATE FUNCTION public_register.fold(p_text text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT lower(translate(normalize(p_text, NFC),
        'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'
        'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
        'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'
        'AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD'))
$$;
COMMENT ON FUNCTION public_register.fold(text) IS
    'Text for accent-insensitive search: NFC, Vietnamese diacritics removed (đ → d), lower case.';
GRANT EXECUTE ON FUNCTION public_register.fold(text) TO cadastre_web;

CREATE INDEX parcel_address_fold_idx ON cadastre.parcel
    USING gin (public_register.fold(address) gin_trgm_ops) WHERE status = 'current';
CREATE INDEX parcel_old_identifiers_idx ON cadastre.parcel
    USING gin (old_identifiers jsonb_path_ops);
-- Dossiers in progress are few among many decided ones: the status look-ups find them here.
CREATE INDEX dossier_received_idx ON cadastre.dossier (id) WHERE status = 'received';
