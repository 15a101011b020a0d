-- 020_register_setting: creating a register for one province, in that province's CRS.
--
-- Functions, in the order they are defined:
--   cadastre.register_srid() → integer
--   cadastre.tolerance(text) → numeric
--   cadastre.init_register(text, integer) → cadastre.register_setting
--   cadastre.require_register() → integer
--   cadastre.add_commune(text, text, date, geometry) → cadastre.admin_unit
--   cadastre.to_register_crs(geometry) → geometry

CREATE OR REPLACE FUNCTION cadastre.register_srid()
RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- PL/pgSQL so the plan is made once per session: a SQL function that reads a table cannot
    -- be inlined and is planned again in every statement that calls it (a hot helper).
    RETURN (SELECT srid FROM cadastre.register_setting);
END;
$$;
COMMENT ON FUNCTION cadastre.register_srid() IS
    'The SRID every parcel geometry of this register is stored in (null before init_register).';

CREATE OR REPLACE FUNCTION cadastre.tolerance(p_name text)
RETURNS numeric
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    -- PL/pgSQL so the plan is made once per session (see register_srid): every rule calls this.
    RETURN (SELECT value FROM cadastre.tolerance WHERE name = p_name);
END;
$$;
COMMENT ON FUNCTION cadastre.tolerance(text) IS 'A tolerance by name (see cadastre.tolerance).';

CREATE OR REPLACE FUNCTION cadastre.init_register(p_province_code text, p_srid integer DEFAULT NULL)
RETURNS cadastre.register_setting
LANGUAGE plpgsql
AS $$
DECLARE
    v_setting  cadastre.register_setting;
    v_province cadastre.province_crs;
    v_srid     integer;
    v_column   record;
BEGIN
    SELECT * INTO v_province FROM cadastre.province_crs WHERE province_code = p_province_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Unknown province code %', quote_literal(p_province_code)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Known provinces: %s. Add others to cadastre.province_crs.',
                                (SELECT string_agg(province_code || ' ' || province_name, ', '
                                                   ORDER BY province_code)
                                 FROM cadastre.province_crs));
    END IF;
    v_srid := coalesce(p_srid, v_province.srid);
    IF NOT EXISTS (SELECT 1 FROM public.spatial_ref_sys WHERE srid = v_srid) THEN
        RAISE EXCEPTION 'Unknown SRID %', v_srid USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use an EPSG code PostGIS knows (spatial_ref_sys), e.g. 5897 for Hà Nội.';
    END IF;

    SELECT * INTO v_setting FROM cadastre.register_setting;
    IF FOUND THEN
        IF v_setting.province_code = p_province_code AND v_setting.srid = v_srid THEN
            RETURN v_setting;
        END IF;
        RAISE EXCEPTION 'This register was created for province % in EPSG:%; it cannot become '
                        'province % in EPSG:%', v_setting.province_code, v_setting.srid,
                        p_province_code, v_srid
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A register serves one province; create another database for another.';
    END IF;

    -- Constrain every geometry column to the register's SRID. PostGIS's geometry_columns reads
    -- the SRID from such a constraint, so clients (QGIS) see the CRS.
    FOR v_column IN
        SELECT * FROM (VALUES ('parcel', 'geom'), ('parcel_history', 'geom'),
                              ('admin_unit', 'boundary'), ('map_sheet', 'footprint'))
                      AS c(tbl, col)
    LOOP
        EXECUTE format('ALTER TABLE cadastre.%I ADD CONSTRAINT %I CHECK (ST_SRID(%I) = %s)',
                       v_column.tbl, 'enforce_srid_' || v_column.col, v_column.col, v_srid);
    END LOOP;

    INSERT INTO cadastre.admin_unit (code, level, name)
    VALUES (p_province_code, 'province', v_province.province_name)
    ON CONFLICT (code) DO NOTHING;
    INSERT INTO cadastre.register_setting (province_code, srid)
    VALUES (p_province_code, v_srid)
    RETURNING * INTO v_setting;
    RETURN v_setting;
END;
$$;
COMMENT ON FUNCTION cadastre.init_register(text, integer) IS
    'Create the register for a province (its VN-2000 TM-3 CRS unless p_srid is given). '
    'Re-running with the same choice is a no-op; another choice is refused.';

CREATE OR REPLACE FUNCTION cadastre.require_register()
RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_srid integer := cadastre.register_srid();
BEGIN
    IF v_srid IS NULL THEN
        RAISE EXCEPTION 'This database has no register yet'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Create it: cadastre db init --province 01 (or SELECT '
                         'cadastre.init_register(''01'')).';
    END IF;
    RETURN v_srid;
END;
$$;
COMMENT ON FUNCTION cadastre.require_register() IS
    'The register''s SRID, or an error saying the register must be created first.';

CREATE OR REPLACE FUNCTION cadastre.add_commune(p_code text, p_name text,
                                                p_valid_from date DEFAULT '1900-01-01',
                                                p_boundary geometry DEFAULT NULL)
RETURNS cadastre.admin_unit
LANGUAGE plpgsql
AS $$
DECLARE
    v_unit cadastre.admin_unit;
    v_srid integer := cadastre.require_register();
BEGIN
    INSERT INTO cadastre.admin_unit (code, level, name, parent_code, valid, boundary)
    VALUES (p_code, 'commune', p_name,
            (SELECT province_code FROM cadastre.register_setting),
            daterange(p_valid_from, NULL),
            CASE WHEN p_boundary IS NOT NULL
                 THEN ST_Multi(cadastre.to_register_crs(p_boundary)) END)
    RETURNING * INTO v_unit;
    RETURN v_unit;
END;
$$;
COMMENT ON FUNCTION cadastre.add_commune(text, text, date, geometry) IS
    'Add a commune or ward of the register''s province (boundary reprojected if needed).';

CREATE OR REPLACE FUNCTION cadastre.to_register_crs(p_geom geometry)
RETURNS geometry
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_srid integer := cadastre.require_register();
BEGIN
    IF p_geom IS NULL THEN
        RETURN NULL;
    END IF;
    IF ST_SRID(p_geom) = 0 THEN
        RAISE EXCEPTION 'A geometry without a coordinate reference system (SRID 0) was given'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Give its SRID (e.g. ST_SetSRID(geom, %s) for the register''s '
                                'VN-2000 TM-3, or 4326 for WGS 84).', v_srid);
    END IF;
    IF ST_SRID(p_geom) = v_srid THEN
        RETURN p_geom;
    END IF;
    RETURN ST_Transform(p_geom, v_srid);
END;
$$;
COMMENT ON FUNCTION cadastre.to_register_crs(geometry) IS
    'Reproject a geometry to the register''s CRS; refuse one without SRID (never guess).';
