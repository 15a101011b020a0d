-- 096_ogc_api: what the web view's OGC API – Features (cadastre/web/ogc, docs/ogc-api.md) reads.
-- The public register as features: parcels now, as the register stood at an instant (the as-of
-- rule of cadastre.parcels_as_of), or every version in force during an interval; communes, map
-- sheets and their geometries in the CRS the client asks for. Like 090–094, everything runs as
-- the migrating role (SECURITY DEFINER) and answers only public facts: identity, area, land uses,
-- address, status, lineage — never a holder, a party or anything of cadastre.party_personal.
-- The web role may execute these functions and nothing more is granted to it here.
--
-- Functions, in the order they are defined:
--   public_register.ogc_parcel_kept(text, text, geometry, jsonb, text[], text[], geometry,
--       text[]) → boolean
--   public_register.ogc_land_use_codes(text[]) → text[]
--   public_register.ogc_parcel_source(boolean, timestamptz, timestamptz, timestamptz, text[],
--       text[], text[], geometry, bigint) → SETOF cadastre.parcel
--   public_register.ogc_parcels(boolean, timestamptz, timestamptz, timestamptz, text[], text[],
--       text[], geometry, bigint, integer, boolean, integer, bigint, integer, integer) →
--       TABLE(id, version, ref, commune_code, commune_name, sheet_number, parcel_number,
--       legal_area, measured_area, land_uses, address, old_identifiers, status, valid_from,
--       valid_to, retired_on, made_from, replaced_by, status_codes, geometry)
--   public_register.ogc_parcel_count(boolean, timestamptz, timestamptz, timestamptz, text[],
--       text[], text[], geometry) → bigint
--   public_register.ogc_parcel_extent() → TABLE(west, south, east, north, first_recorded)
--   public_register.ogc_communes(geometry, integer, boolean, integer) → TABLE(code, name,
--       in_force, replaced_by, valid_from, valid_to, geometry)
--   public_register.ogc_map_sheets(geometry, text[], integer, boolean, integer) → TABLE(id,
--       commune_code, number, scale, valid_from, valid_to, geometry)
--   public_register.ogc_register_srid() → integer

CREATE OR REPLACE FUNCTION public_register.ogc_parcel_kept(
    p_commune_code text,
    p_status       text,
    p_geom         geometry,
    p_land_uses    jsonb,
    p_communes     text[],
    p_statuses     text[],
    p_area         geometry,
    p_codes        text[]
)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    -- The filters of every OGC API parcel query, in one place. One expression without a
    -- sub-SELECT, not STRICT, not SECURITY DEFINER: the planner inlines it, so the bbox still
    -- uses the spatial index and a page still stops at its limit. p_codes are the land-use
    -- codes asked and every code under them (null: any), found once by the caller.
    SELECT (p_communes IS NULL OR p_commune_code = ANY (p_communes))
       AND (p_statuses IS NULL OR p_status = ANY (p_statuses))
       AND (p_area IS NULL OR (p_geom && p_area AND ST_Intersects(p_geom, p_area)))
       AND (p_codes IS NULL OR jsonb_path_query_array(p_land_uses, '$[*].code') ?| p_codes)
$$;
COMMENT ON FUNCTION public_register.ogc_parcel_kept(text, text, geometry, jsonb, text[], text[],
    geometry, text[]) IS
    'Whether a parcel version passes an OGC API request''s filters: communes, statuses, an area '
    'in the register CRS (intersecting), land-use codes (any of them). Internal, inlined.';

CREATE OR REPLACE FUNCTION public_register.ogc_land_use_codes(p_land_uses text[])
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN p_land_uses IS NOT NULL
                THEN cadastre.land_use_descendants(p_land_uses) END
$$;
COMMENT ON FUNCTION public_register.ogc_land_use_codes(text[]) IS
    'The land-use codes an OGC API land_use filter keeps: those asked and every code under them '
    '(cadastre.land_use_descendants); null when none is asked (any code).';

CREATE OR REPLACE FUNCTION public_register.ogc_parcel_source(
    p_history   boolean,
    p_at        timestamptz,
    p_from      timestamptz,
    p_to        timestamptz,
    p_communes  text[],
    p_land_uses text[],
    p_statuses  text[],
    p_area      geometry,
    p_id        bigint
)
RETURNS SETOF cadastre.parcel
LANGUAGE sql STABLE
AS $$
    -- An instant (or now, p_at null) is cadastre.parcels_as_of, the exports' rule; an
    -- interval is every version whose system period overlaps it; both kept by
    -- ogc_parcel_kept. The land-use codes are found once, by an uncorrelated sub-SELECT (an
    -- InitPlan): in the filter itself, or through an inlined CTE, they were looked up again
    -- for every version, 0.16 ms each. Used for the counts (numberMatched); the pages are read
    -- along the primary key instead (ogc_parcels).
    -- One SELECT, not STRICT, not SECURITY DEFINER: the planner inlines it into its callers.
    SELECT a.* FROM cadastre.parcels_as_of(p_at, NULL, NULL, NULL, NULL) AS a
    WHERE NOT p_history AND (p_id IS NULL OR a.id = p_id)
      AND public_register.ogc_parcel_kept(a.commune_code, a.status, a.geom, a.land_uses,
                                          p_communes, p_statuses, p_area,
                                          (SELECT public_register.ogc_land_use_codes(p_land_uses)))
    UNION ALL
    SELECT v.* FROM cadastre.parcel_version AS v
    WHERE p_history
      AND v.sys_period && tstzrange(p_from, p_to, '[]')
      AND (p_id IS NULL OR v.id = p_id)
      AND public_register.ogc_parcel_kept(v.commune_code, v.status, v.geom, v.land_uses,
                                          p_communes, p_statuses, p_area,
                                          (SELECT public_register.ogc_land_use_codes(p_land_uses)))
$$;
COMMENT ON FUNCTION public_register.ogc_parcel_source(boolean, timestamptz, timestamptz,
    timestamptz, text[], text[], text[], geometry, bigint) IS
    'Parcel versions an OGC API request matches (counted for numberMatched): at an instant '
    '(null: now) as '
    'cadastre.parcels_as_of, or (p_history) every version in force during [p_from, p_to] (null '
    'ends: open), filtered like the exports. Internal: the web role cannot call it.';

CREATE OR REPLACE FUNCTION public_register.ogc_parcels(
    p_history       boolean,
    p_at            timestamptz,
    p_from          timestamptz,
    p_to            timestamptz,
    p_communes      text[],
    p_land_uses     text[],
    p_statuses      text[],
    p_area          geometry,
    p_id            bigint,
    p_srid          integer,
    p_flip          boolean,
    p_decimals      integer,
    p_after_id      bigint,
    p_after_version integer,
    p_limit         integer
)
RETURNS TABLE (id bigint, version integer, ref text, commune_code text, commune_name text,
               sheet_number text, parcel_number integer, legal_area double precision,
               measured_area double precision, land_uses jsonb, address text,
               old_identifiers jsonb, status text, valid_from timestamptz, valid_to timestamptz,
               retired_on date, made_from json, replaced_by json, status_codes text[],
               geometry text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_page  cadastre.parcel[];
    v_codes text[];
BEGIN
    -- The page first (keyset: after (p_after_id, p_after_version)), whole versions kept as
    -- they were read; then its public facts for these rows only: lineage, retirement and
    -- today's status codes (from today's open restrictions and dossiers: only an answer about
    -- now has them, null in a historical answer).
    -- Every parcel ever registered has its live row: each kind of page is read along the
    -- live table's primary key from the cursor and stops at its limit — now the live rows
    -- themselves, an instant each parcel's version then (the register's
    -- cadastre.parcel_as_of), an interval its versions in force during it. Through an as-of
    -- union PostgreSQL read every match after the cursor and sorted it (48 ms to choose a
    -- page in the middle of 100k parcels; 1 ms this way).
    v_codes := public_register.ogc_land_use_codes(p_land_uses);
    IF p_history THEN
        v_page := ARRAY(
            SELECT ROW(v.*)::cadastre.parcel FROM cadastre.parcel AS p
            CROSS JOIN LATERAL (
                SELECT x.* FROM cadastre.parcel_version AS x
                WHERE x.id = p.id AND x.sys_period && tstzrange(p_from, p_to, '[]')) AS v
            WHERE p.id >= coalesce(p_after_id, 0)
              AND (p.id > coalesce(p_after_id, 0) OR v.version > coalesce(p_after_version, 0))
              AND (p_id IS NULL OR p.id = p_id)
              AND public_register.ogc_parcel_kept(v.commune_code, v.status, v.geom, v.land_uses,
                                                  p_communes, p_statuses, p_area, v_codes)
            ORDER BY p.id, v.version
            LIMIT p_limit);
    ELSIF p_at IS NULL THEN
        v_page := ARRAY(
            SELECT p FROM cadastre.parcel AS p
            WHERE p.id > coalesce(p_after_id, 0)
              AND (p_id IS NULL OR p.id = p_id)
              AND public_register.ogc_parcel_kept(p.commune_code, p.status, p.geom, p.land_uses,
                                                  p_communes, p_statuses, p_area, v_codes)
            ORDER BY p.id
            LIMIT p_limit);
    ELSE
        v_page := ARRAY(
            SELECT v FROM cadastre.parcel AS p
            CROSS JOIN LATERAL cadastre.parcel_as_of(p.id, p_at) AS v
            WHERE p.id > coalesce(p_after_id, 0)
              AND (p_id IS NULL OR p.id = p_id)
              AND public_register.ogc_parcel_kept(v.commune_code, v.status, v.geom, v.land_uses,
                                                  p_communes, p_statuses, p_area, v_codes)
            ORDER BY p.id
            LIMIT p_limit);
    END IF;
    RETURN QUERY
    WITH page AS (SELECT * FROM unnest(v_page)),
    opened AS (
        SELECT o.parcel_id, array_agg(o.code ORDER BY public_register.status_severity(o.code),
                                      o.code) AS codes
        FROM public_register.open_statuses(ARRAY(SELECT g.id FROM page AS g)) AS o
        WHERE NOT p_history AND p_at IS NULL
        GROUP BY o.parcel_id
    )
    SELECT p.id, p.version,
           p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number,
           p.commune_code, u.name, p.sheet_number, p.parcel_number, p.legal_area::float8,
           ST_Area(p.geom), p.land_uses, p.address, p.old_identifiers, p.status,
           lower(p.sys_period), upper(p.sys_period),
           CASE WHEN p.status = 'retired' THEN
               (SELECT d.decided_on FROM cadastre.dossier AS d WHERE d.id = p.dossier_id) END,
           (SELECT coalesce(json_agg(json_build_object(
                       'id', a.id,
                       'ref', a.commune_code || '/' || a.sheet_number || '/' || a.parcel_number,
                       'kind', l.kind) ORDER BY a.commune_code, a.sheet_number, a.parcel_number),
                   '[]')
            FROM cadastre.parcel_lineage AS l JOIN cadastre.parcel AS a ON a.id = l.parent_id
            WHERE l.child_id = p.id),
           CASE WHEN p.status = 'retired' THEN
               (SELECT coalesce(json_agg(json_build_object(
                           'id', c.id,
                           'ref', c.commune_code || '/' || c.sheet_number || '/'
                                  || c.parcel_number,
                           'kind', l.kind)
                           ORDER BY c.commune_code, c.sheet_number, c.parcel_number), '[]')
                FROM cadastre.parcel_lineage AS l JOIN cadastre.parcel AS c ON c.id = l.child_id
                WHERE l.parent_id = p.id)
           ELSE '[]'::json END,
           CASE WHEN NOT p_history AND p_at IS NULL THEN
               public_register.status_list(p.status, coalesce(o.codes, '{}')) END,
           ST_AsGeoJSON(CASE WHEN p_flip THEN ST_FlipCoordinates(g.shape) ELSE g.shape END,
                        p_decimals)
    FROM page AS p
    JOIN cadastre.admin_unit AS u ON u.code = p.commune_code
    LEFT JOIN opened AS o ON o.parcel_id = p.id
    CROSS JOIN LATERAL (SELECT ST_Transform(p.geom, p_srid) AS shape) AS g
    ORDER BY p.id, p.version;
END;
$$;
COMMENT ON FUNCTION public_register.ogc_parcels(boolean, timestamptz, timestamptz, timestamptz,
    text[], text[], text[], geometry, bigint, integer, boolean, integer, bigint, integer,
    integer) IS
    'A page of parcel features for the OGC API — now (the live table), at an instant '
    '(cadastre.parcel_as_of of each parcel) or during an interval (each parcel''s versions in '
    'force), read along the parcel id — after '
    'a (id, version) key, with public facts only: identity, '
    'areas, land uses, address, old identifiers, status, the system period of the version, '
    'retirement and lineage (id, ref, kind), today''s status codes (answers about now) and the '
    'geometry as GeoJSON in p_srid (axes swapped when p_flip), p_decimals decimals.';

CREATE OR REPLACE FUNCTION public_register.ogc_parcel_count(
    p_history   boolean,
    p_at        timestamptz,
    p_from      timestamptz,
    p_to        timestamptz,
    p_communes  text[],
    p_land_uses text[],
    p_statuses  text[],
    p_area      geometry
)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    RETURN (SELECT count(*) FROM public_register.ogc_parcel_source(
        p_history, p_at, p_from, p_to, p_communes, p_land_uses, p_statuses, p_area, NULL));
END;
$$;
COMMENT ON FUNCTION public_register.ogc_parcel_count(boolean, timestamptz, timestamptz,
    timestamptz, text[], text[], text[], geometry) IS
    'How many parcel versions an OGC API request matches (numberMatched of its first page).';

CREATE OR REPLACE FUNCTION public_register.ogc_parcel_extent()
RETURNS TABLE (west double precision, south double precision, east double precision,
               north double precision, first_recorded timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    -- The box of the current parcels in CRS84 and the first instant the register recorded a
    -- parcel: the collection's spatial and temporal extent.
    SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b),
           (SELECT min(lower(v.sys_period)) FROM cadastre.parcel_version AS v)
    FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(p.geom)::geometry,
                                         cadastre.register_srid()), 4326)::box2d AS b
          FROM cadastre.parcel AS p WHERE p.status = 'current') AS e
$$;
COMMENT ON FUNCTION public_register.ogc_parcel_extent() IS
    'The OGC API parcels collection''s extent: the box of the current parcels (CRS84 '
    'west, south, east, north) and the first instant a parcel was recorded.';

CREATE OR REPLACE FUNCTION public_register.ogc_communes(p_area geometry, p_srid integer,
                                                        p_flip boolean, p_decimals integer)
RETURNS TABLE (code text, name text, in_force boolean, replaced_by text, valid_from date,
               valid_to date, geometry text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT u.code, u.name, upper_inf(u.valid) OR upper(u.valid) > current_date, u.replaced_by,
           lower(u.valid), upper(u.valid),
           ST_AsGeoJSON(CASE WHEN p_flip THEN ST_FlipCoordinates(g.shape) ELSE g.shape END,
                        p_decimals)
    FROM cadastre.admin_unit AS u
    CROSS JOIN LATERAL (SELECT ST_Transform(u.boundary, p_srid) AS shape) AS g
    WHERE u.level = 'commune'
      AND (p_area IS NULL OR (u.boundary && p_area AND ST_Intersects(u.boundary, p_area)))
    ORDER BY u.code
$$;
COMMENT ON FUNCTION public_register.ogc_communes(geometry, integer, boolean, integer) IS
    'Communes and wards for the OGC API: code, name, whether in force, what replaced a merged '
    'one, legal validity and boundary (GeoJSON in p_srid; null when none was recorded); those '
    'meeting p_area (register CRS) when it is given.';

CREATE OR REPLACE FUNCTION public_register.ogc_map_sheets(p_area geometry, p_communes text[],
                                                          p_srid integer, p_flip boolean,
                                                          p_decimals integer)
RETURNS TABLE (id bigint, commune_code text, number text, scale integer, valid_from date,
               valid_to date, geometry text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT s.id, s.commune_code, s.number, s.scale, lower(s.valid), upper(s.valid),
           ST_AsGeoJSON(CASE WHEN p_flip THEN ST_FlipCoordinates(g.shape) ELSE g.shape END,
                        p_decimals)
    FROM cadastre.map_sheet AS s
    CROSS JOIN LATERAL (SELECT ST_Transform(s.footprint, p_srid) AS shape) AS g
    WHERE s.valid @> current_date
      AND (p_communes IS NULL OR s.commune_code = ANY (p_communes))
      AND (p_area IS NULL OR (s.footprint && p_area AND ST_Intersects(s.footprint, p_area)))
    ORDER BY s.commune_code, s.number, s.id
$$;
COMMENT ON FUNCTION public_register.ogc_map_sheets(geometry, text[], integer, boolean, integer)
    IS 'Map sheets in force today for the OGC API: commune, number, scale, validity and frame '
       '(GeoJSON in p_srid); those of p_communes and meeting p_area (register CRS) when given.';

CREATE OR REPLACE FUNCTION public_register.ogc_register_srid()
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT srid FROM cadastre.register_setting
$$;
COMMENT ON FUNCTION public_register.ogc_register_srid() IS
    'The register''s CRS (EPSG code of its VN-2000 TM-3 zone): the storage CRS the OGC API '
    'declares.';

-- What the web role may use ----------------------------------------------------------------------

REVOKE ALL ON FUNCTION
    public_register.ogc_parcel_kept(text, text, geometry, jsonb, text[], text[], geometry,
                                    text[]),
    public_register.ogc_land_use_codes(text[]),
    public_register.ogc_parcel_source(boolean, timestamptz, timestamptz, timestamptz, text[],
                                      text[], text[], geometry, bigint),
    public_register.ogc_parcels(boolean, timestamptz, timestamptz, timestamptz, text[], text[],
                                text[], geometry, bigint, integer, boolean, integer, bigint,
                                integer, integer),
    public_register.ogc_parcel_count(boolean, timestamptz, timestamptz, timestamptz, text[],
                                     text[], text[], geometry),
    public_register.ogc_parcel_extent(),
    public_register.ogc_communes(geometry, integer, boolean, integer),
    public_register.ogc_map_sheets(geometry, text[], integer, boolean, integer),
    public_register.ogc_register_srid()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    public_register.ogc_parcels(boolean, timestamptz, timestamptz, timestamptz, text[], text[],
                                text[], geometry, bigint, integer, boolean, integer, bigint,
                                integer, integer),
    public_register.ogc_parcel_count(boolean, timestamptz, timestamptz, timestamptz, text[],
                                     text[], text[], geometry),
    public_register.ogc_parcel_extent(),
    public_register.ogc_communes(geometry, integer, boolean, integer),
    public_register.ogc_map_sheets(geometry, text[], integer, boolean, integer),
    public_register.ogc_register_srid()
    TO cadastre_web;
