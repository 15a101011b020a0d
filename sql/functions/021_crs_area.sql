-- 021_crs_area: where the register's CRS may be used (register set-up, owner only). The
-- migration 026 seeds the VN-2000 zones; any other CRS a register is created in gets its area
-- of use from PROJ's database when the register is initialised (cadastre db init), so every
-- register has an extent its imports and checks are held to (cadastre.register_extent).
--
-- Functions, in the order they are defined:
--   cadastre.record_crs_area_of_use(integer, text, double precision, double precision, double precision, double precision) → cadastre.crs_area_of_use

CREATE OR REPLACE FUNCTION cadastre.record_crs_area_of_use(p_srid integer, p_name text,
                                                           p_west float8, p_south float8,
                                                           p_east float8, p_north float8)
RETURNS cadastre.crs_area_of_use
LANGUAGE plpgsql
AS $$
DECLARE
    v_area cadastre.crs_area_of_use;
BEGIN
    IF p_west IS NULL OR p_south IS NULL OR p_east IS NULL OR p_north IS NULL
       OR p_south > p_north OR p_south < -90 OR p_north > 90
       OR p_west < -180 OR p_east > 180 THEN
        RAISE EXCEPTION 'The area of use given for EPSG:% is not a box in degrees '
                        '(west %, south %, east %, north %)', p_srid, p_west, p_south, p_east,
                        p_north
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give west/south/east/north in degrees, as PROJ''s area_of_use does.';
    END IF;
    -- A figure already recorded (the seeded VN-2000 zones) is kept: recording again is a no-op.
    INSERT INTO cadastre.crs_area_of_use (srid, name, west, south, east, north)
    VALUES (p_srid, p_name, p_west, p_south, p_east, p_north)
    ON CONFLICT (srid) DO NOTHING;
    SELECT * INTO v_area FROM cadastre.crs_area_of_use WHERE srid = p_srid;
    RETURN v_area;
END;
$$;
COMMENT ON FUNCTION cadastre.record_crs_area_of_use(integer, text, float8, float8, float8,
                                                    float8) IS
    'Record the area of use of a CRS (from PROJ, degrees) unless one is recorded already; the '
    'register''s extent check uses it when no province boundary is loaded.';

-- Owner only, like init_register: the register's set-up.
REVOKE EXECUTE ON FUNCTION cadastre.record_crs_area_of_use(integer, text, float8, float8,
                                                           float8, float8) FROM PUBLIC;
