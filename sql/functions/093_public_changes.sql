-- 093_public_changes: where the public picture changed. Triggers on the register's tables
-- (attached in 100_triggers) note the boxes of what changed in public_register.map_change, and
-- public_register.changes_since tells the web view which cached tiles and look-ups to evict.
-- The same triggers withdraw the published pages the change makes stale (094_public_pages).
--
-- Functions, in the order they are defined:
--   public_register.note_geometries(geometry[]) → void
--   public_register.note_parcels(bigint[]) → void
--   public_register.parcel_moved() → trigger
--   public_register.changes_since(bigint) → TABLE(change_key, tx, box)
--   public_register.related_parcels_changed() → trigger
--   public_register.certificate_changed() → trigger
--   public_register.dossier_changed() → trigger
--   public_register.commune_changed() → trigger

-- Where the public picture changed (cache invalidation) ----------------------------------------
-- SECURITY DEFINER: whoever edits the register (officer, import, plugin) has the change noted,
-- whatever that role may itself read or write.

CREATE OR REPLACE FUNCTION public_register.note_geometries(p_geoms geometry[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF coalesce(array_length(p_geoms, 1), 0) = 0 THEN
        RETURN;
    END IF;
    -- A bulk change (import, commune merger) is one box around it all, not thousands of rows.
    -- Boxes stay in the geometries' CRS: the change watcher projects them when it reads them.
    IF array_length(p_geoms, 1) > 64 THEN
        INSERT INTO public_register.map_change (bbox)
        SELECT ST_SetSRID(ST_Expand(ST_Extent(g), 1.0)::geometry, max(ST_SRID(g)))
        FROM unnest(p_geoms) AS g WHERE g IS NOT NULL
        HAVING count(g) > 0;
    ELSE
        INSERT INTO public_register.map_change (bbox)
        SELECT ST_SetSRID(ST_Expand(g::box2d, 1.0)::geometry, ST_SRID(g))
        FROM unnest(p_geoms) AS g WHERE g IS NOT NULL;
    END IF;
END;
$$;
COMMENT ON FUNCTION public_register.note_geometries(geometry[]) IS
    'Record the boxes of changed geometries (in their own CRS) in public_register.map_change.';

CREATE OR REPLACE FUNCTION public_register.note_parcels(p_ids bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- PL/pgSQL, planned once per session: every change to a right or certificate calls this.
    PERFORM public_register.note_geometries(ARRAY(
        SELECT geom FROM cadastre.parcel WHERE id = ANY (p_ids)));
END;
$$;
COMMENT ON FUNCTION public_register.note_parcels(bigint[]) IS
    'Record where parcels (by id) are, because something public about them changed.';

CREATE OR REPLACE FUNCTION public_register.parcel_moved()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Where the parcel is now, the web view reads from the parcel itself (changes_since); where
    -- it was is only here. A plain row trigger: writers of parcels may insert notes (099_roles),
    -- and an edit that does not move the parcel does not come here at all.
    INSERT INTO public_register.map_change (bbox)
    VALUES (ST_SetSRID(ST_Expand(OLD.geom::box2d, 1.0)::geometry, ST_SRID(OLD.geom)));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.parcel_moved() IS
    'Row trigger on cadastre.parcel updates that move a parcel: note where it was.';

CREATE OR REPLACE FUNCTION public_register.changes_since(p_tx bigint)
RETURNS TABLE (change_key text, tx bigint, box box2d)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    -- The notes the triggers wrote (a parcel moved; rights, certificates, dossiers, communes)…
    SELECT 'note ' || m.id, m.tx::text::bigint, ST_Transform(m.bbox, 3857)::box2d
    FROM public_register.map_change AS m
    WHERE m.tx >= p_tx::text::xid8
    UNION ALL
    -- …and the parcels whose current version a transaction since wrote (added, edited,
    -- retired): where they are now. A transaction that wrote more than 64 (an import, a commune
    -- merger) is one box around them all.
    SELECT CASE WHEN c.n > 64 THEN 'parcels of ' || c.sys_txid
                ELSE 'parcel ' || c.id || ' of ' || c.sys_txid END,
           c.sys_txid,
           ST_Transform(ST_SetSRID(ST_Expand(ST_Extent(c.geom), 1.0)::geometry,
                                   max(ST_SRID(c.geom))), 3857)::box2d
    FROM (SELECT p.id, p.sys_txid, p.geom, count(*) OVER (PARTITION BY p.sys_txid) AS n
          FROM cadastre.parcel AS p WHERE p.sys_txid >= p_tx) AS c
    GROUP BY 1, 2
$$;
COMMENT ON FUNCTION public_register.changes_since(bigint) IS
    'Boxes (Web Mercator) of what changed in the public picture in transactions from p_tx on, '
    'each under a stable key: what the web view''s caches evict.';

CREATE OR REPLACE FUNCTION public_register.related_parcels_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_ids bigint[];
BEGIN
    -- Tables whose rows name a parcel: rrr, certificate_parcel, dossier_parcel.
    IF TG_OP = 'INSERT' THEN
        v_ids := ARRAY(SELECT DISTINCT parcel_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        v_ids := ARRAY(SELECT DISTINCT parcel_id FROM old_rows);
    ELSE
        v_ids := ARRAY(SELECT parcel_id FROM new_rows UNION SELECT parcel_id FROM old_rows);
    END IF;
    PERFORM public_register.note_parcels(v_ids);
    PERFORM public_register.withdraw_pages(v_ids);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.related_parcels_changed() IS
    'Statement trigger on tables naming a parcel (rrr, certificate_parcel, dossier_parcel): '
    'note where they are and queue their pages.';

CREATE OR REPLACE FUNCTION public_register.certificate_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_ids bigint[] := ARRAY(SELECT cp.parcel_id FROM cadastre.certificate_parcel AS cp
                            WHERE cp.certificate_id IN (SELECT id FROM new_rows));
BEGIN
    PERFORM public_register.note_parcels(v_ids);
    PERFORM public_register.withdraw_pages(v_ids);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.certificate_changed() IS
    'Statement trigger on cadastre.certificate updates (cancellation): note its parcels.';

CREATE OR REPLACE FUNCTION public_register.dossier_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    -- Only a dossier's parcels show it while it is in progress; once decided, it is final
    -- (guard_dossier) and only then do operations write it into parcels' timelines.
    v_ids bigint[] := ARRAY(
        SELECT dp.parcel_id FROM cadastre.dossier_parcel AS dp
        JOIN new_rows AS n ON n.id = dp.dossier_id
        JOIN old_rows AS o ON o.id = n.id
        WHERE n.status IS DISTINCT FROM o.status OR n.kind IS DISTINCT FROM o.kind
           OR n.received_on IS DISTINCT FROM o.received_on
           OR n.decided_on IS DISTINCT FROM o.decided_on);
BEGIN
    PERFORM public_register.note_parcels(v_ids);
    PERFORM public_register.withdraw_pages(v_ids);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.dossier_changed() IS
    'Statement trigger on cadastre.dossier updates: a decided dossier is no longer in progress.';

CREATE OR REPLACE FUNCTION public_register.commune_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_units cadastre.admin_unit[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_units := ARRAY(SELECT n FROM new_rows AS n WHERE n.level = 'commune');
    ELSE
        v_units := ARRAY(SELECT n FROM new_rows AS n WHERE n.level = 'commune'
                         UNION ALL SELECT o FROM old_rows AS o WHERE o.level = 'commune');
    END IF;
    -- A commune's name is in every look-up of its parcels: one without a boundary notes the
    -- whole world.
    INSERT INTO public_register.map_change (bbox)
    SELECT ST_MakeEnvelope(-20037508.34, -20037508.34, 20037508.34, 20037508.34, 3857)
    WHERE EXISTS (SELECT 1 FROM unnest(v_units) AS u WHERE u.boundary IS NULL);
    PERFORM public_register.note_geometries(ARRAY(
        SELECT u.boundary FROM unnest(v_units) AS u WHERE u.boundary IS NOT NULL));
    IF TG_OP = 'UPDATE' THEN
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT p.id FROM cadastre.parcel AS p
            WHERE p.commune_code IN (SELECT n.code FROM new_rows AS n
                                     JOIN old_rows AS o ON o.code = n.code
                                     WHERE n.name IS DISTINCT FROM o.name)));
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.commune_changed() IS
    'Statement trigger on cadastre.admin_unit: a commune''s boundary or name changed.';

-- What the web role may use --------------------------------------------------------------------

GRANT SELECT ON public_register.map_change TO cadastre_web;
REVOKE ALL ON FUNCTION public_register.note_geometries(geometry[]),
    public_register.note_parcels(bigint[]), public_register.changes_since(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public_register.changes_since(bigint) TO cadastre_web;
