-- 092_public_tiles: the citizens' map as Mapbox vector tiles (schema public_register, read by
-- the web role): current parcels with their main land use and most serious status, and
-- commune boundaries. The statuses come from 090_public_views' helpers.
--
-- Functions, in the order they are defined:
--   public_register.parcel_tile(integer, integer, integer) → bytea

-- Vector tiles -------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public_register.parcel_tile(p_z integer, p_x integer, p_y integer)
RETURNS bytea
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_srid   integer := (SELECT srid FROM cadastre.register_setting);
    v_env    geometry;
    v_margin double precision;
    v_local  geometry;
    v_tile   bytea;
    v_colors jsonb := (SELECT jsonb_object_agg(code, fill_color) FROM cadastre.land_use_code);
BEGIN
    IF p_z < 0 OR p_z > 22 OR p_x < 0 OR p_y < 0 OR p_x >= (1 << p_z) OR p_y >= (1 << p_z) THEN
        RAISE EXCEPTION 'Tile %/%/% does not exist', p_z, p_x, p_y
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'z is 0 to 22; x and y are 0 to 2^z - 1.';
    END IF;
    IF v_srid IS NULL THEN
        RETURN ''::bytea;
    END IF;
    v_env := ST_TileEnvelope(p_z, p_x, p_y);
    v_margin := (ST_XMax(v_env) - ST_XMin(v_env)) * 64 / 4096;
    -- The tile (with its buffer) in the register's CRS, so the parcels' own index answers; a
    -- tile far from the province may not transform (then it has no parcels).
    IF p_z >= 15 THEN
        BEGIN
            v_local := ST_Transform(ST_Expand(v_env, v_margin), v_srid);
            IF NOT (ST_XMin(v_local) > -1e9 AND ST_XMax(v_local) < 1e9
                    AND ST_YMin(v_local) > -1e9 AND ST_YMax(v_local) < 1e9) THEN
                v_local := NULL;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            v_local := NULL;
        END;
    END IF;
    SELECT coalesce((
        SELECT ST_AsMVT(t, 'communes', 4096, 'geom')
        FROM (SELECT ST_AsMVTGeom(ST_Transform(ST_Boundary(u.boundary), 3857), v_env, 4096, 64,
                                  true) AS geom,
                     u.code, u.name
              FROM cadastre.admin_unit AS u
              WHERE u.level = 'commune' AND u.boundary IS NOT NULL
                AND (upper_inf(u.valid) OR upper(u.valid) > current_date)
                AND ST_Transform(ST_Envelope(u.boundary), 3857) && ST_Expand(v_env, v_margin))
             AS t
        WHERE t.geom IS NOT NULL), '')
    || CASE WHEN v_local IS NULL THEN ''::bytea ELSE coalesce((
        WITH near AS (
            SELECT p.id, p.geom, p.commune_code, p.sheet_number, p.parcel_number, p.land_uses
            FROM cadastre.parcel AS p
            WHERE p.status = 'current' AND p.geom && v_local),
        statuses AS (
            SELECT s.parcel_id, s.code
            FROM public_register.open_statuses(ARRAY(SELECT n.id FROM near AS n)) AS s),
        worst AS (
            SELECT s.parcel_id,
                   (array_agg(s.code ORDER BY public_register.status_severity(s.code) DESC))[1]
                       AS code
            FROM statuses AS s GROUP BY s.parcel_id)
        SELECT ST_AsMVT(t, 'parcels', 4096, 'geom')
        FROM (SELECT ST_AsMVTGeom(ST_Transform(n.geom, 3857), v_env, 4096, 64, true) AS geom,
                     n.commune_code || '/' || n.sheet_number || '/' || n.parcel_number AS ref,
                     n.parcel_number AS number,
                     lu.code AS land_use,
                     coalesce(v_colors ->> lu.code, '#dddddd') AS color,
                     coalesce(w.code, 'registered') AS status
              FROM near AS n
              CROSS JOIN LATERAL (
                  SELECT CASE WHEN jsonb_array_length(n.land_uses) = 1
                              THEN n.land_uses -> 0 ->> 'code'
                              ELSE (SELECT e ->> 'code' FROM jsonb_array_elements(n.land_uses) AS e
                                    ORDER BY (e ->> 'area')::numeric DESC LIMIT 1) END AS code)
                  AS lu
              LEFT JOIN worst AS w ON w.parcel_id = n.id) AS t
        WHERE t.geom IS NOT NULL), '') END
    INTO v_tile;
    RETURN v_tile;
END;
$$;
COMMENT ON FUNCTION public_register.parcel_tile(integer, integer, integer) IS
    'A Mapbox vector tile (EPSG:3857) of current parcels (from zoom 15: identity, main land use '
    'and its map colour, the most serious status) and commune boundaries (every zoom).';

-- What the web role may use --------------------------------------------------------------------

REVOKE ALL ON FUNCTION public_register.parcel_tile(integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public_register.parcel_tile(integer, integer, integer) TO cadastre_web;
