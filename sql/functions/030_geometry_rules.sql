-- 030_geometry_rules: the rules a parcel geometry must satisfy on its own.
-- One definition each: the parcel trigger, the edit check and the import all call these.
--
-- Functions, in the order they are defined:
--   cadastre.make_issue(text, text, text, text, text, geometry, text) → cadastre.issue
--   cadastre.geometry_issues(geometry, text) → SETOF cadastre.issue
--   cadastre.within_crs_range(geometry) → boolean
--   cadastre.geometry_sound(geometry, integer) → boolean
--   cadastre.raise_on_errors(cadastre.issue[], text) → void

CREATE OR REPLACE FUNCTION cadastre.make_issue(p_rule text, p_severity text, p_parcel_ref text,
                                               p_message_vi text, p_message_en text,
                                               p_location geometry DEFAULT NULL,
                                               p_other_ref text DEFAULT NULL)
RETURNS cadastre.issue
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ROW(p_rule, p_severity, p_parcel_ref, p_other_ref, p_message_vi, p_message_en,
               p_location)::cadastre.issue
$$;
COMMENT ON FUNCTION cadastre.make_issue(text, text, text, text, text, geometry, text) IS
    'Build one issue row (rule, severity, parcel, Vietnamese and English message, location).';

CREATE OR REPLACE FUNCTION cadastre.geometry_issues(p_geom geometry, p_ref text DEFAULT NULL)
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_srid    integer := cadastre.register_srid();
    v_detail  valid_detail;
BEGIN
    IF cadastre.geometry_sound(p_geom, v_srid) THEN
        RETURN;
    END IF;
    IF p_geom IS NULL OR ST_IsEmpty(p_geom) THEN
        RETURN NEXT cadastre.make_issue('geometry_empty', 'error', p_ref,
            'Thửa đất không có hình học (rỗng)', 'The parcel has no geometry (empty)');
        RETURN;
    END IF;
    IF GeometryType(p_geom) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN
        RETURN NEXT cadastre.make_issue('geometry_not_polygon', 'error', p_ref,
            format('Hình học phải là vùng (polygon), nhận được %s', GeometryType(p_geom)),
            format('The geometry must be a polygon, got %s', GeometryType(p_geom)),
            ST_PointOnSurface(p_geom));
        RETURN;
    END IF;
    IF v_srid IS NOT NULL AND ST_SRID(p_geom) <> v_srid THEN
        RETURN NEXT cadastre.make_issue('geometry_wrong_srid', 'error', p_ref,
            format('Hệ tọa độ sai: EPSG:%s, sổ địa chính dùng EPSG:%s', ST_SRID(p_geom), v_srid),
            format('Wrong coordinate system: EPSG:%s, the register uses EPSG:%s',
                   ST_SRID(p_geom), v_srid));
    END IF;
    v_detail := ST_IsValidDetail(p_geom);
    IF NOT v_detail.valid THEN
        IF v_detail.location IS NULL THEN
            BEGIN
                -- GEOS gave no location; the envelope's centre, unless the coordinates are so
                -- broken (NaN) that GEOS cannot compute even that: then no location.
                v_detail.location := ST_PointOnSurface(ST_Envelope(p_geom));
            EXCEPTION WHEN OTHERS THEN
                v_detail.location := NULL;
            END;
        END IF;
        RETURN NEXT cadastre.make_issue('geometry_invalid', 'error', p_ref,
            format('Hình học không hợp lệ: %s', v_detail.reason),
            format('Invalid geometry: %s', v_detail.reason), v_detail.location);
        RETURN;
    END IF;
    IF NOT cadastre.within_crs_range(p_geom) THEN
        RETURN NEXT cadastre.make_issue('geometry_out_of_range', 'error', p_ref,
            'Tọa độ nằm ngoài phạm vi hợp lý của hệ tọa độ (quá lớn)',
            'Coordinates are far outside any plausible extent of the coordinate system',
            ST_PointOnSurface(p_geom));
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.geometry_issues(geometry, text) IS
    'Rules on a geometry alone: empty, not a polygon, wrong SRID, invalid (with GEOS''s '
    'reason and location; NaN/infinite coordinates included), coordinates out of range.';

CREATE OR REPLACE FUNCTION cadastre.within_crs_range(p_geom geometry)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    -- Projected metres: ±10,000 km; degrees: ±180/±90 (a little slack for rounding).
    SELECT CASE WHEN ST_SRID(p_geom) IN (4326, 4756)
                THEN ST_XMin(p_geom) >= -180.5 AND ST_XMax(p_geom) <= 180.5
                     AND ST_YMin(p_geom) >= -90.5 AND ST_YMax(p_geom) <= 90.5
                ELSE ST_XMin(p_geom) >= -1e7 AND ST_XMax(p_geom) <= 1e7
                     AND ST_YMin(p_geom) >= -1e7 AND ST_YMax(p_geom) <= 1e7 END
$$;
COMMENT ON FUNCTION cadastre.within_crs_range(geometry) IS
    'False for coordinates no survey could produce (e.g. 1e300): valid for GEOS, absurd here. '
    'NaN and infinite coordinates are caught by the validity rule (GEOS: Invalid Coordinate).';

CREATE OR REPLACE FUNCTION cadastre.geometry_sound(p_geom geometry, p_srid integer)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    -- One expression, so it is inlined: a whole commune's parcels are screened in one pass.
    -- ST_IsValidDetail, not ST_IsValid, which sends the client a NOTICE for every invalid one.
    SELECT p_geom IS NOT NULL AND NOT ST_IsEmpty(p_geom)
           AND GeometryType(p_geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_SRID(p_geom) = p_srid
           AND (ST_IsValidDetail(p_geom)).valid AND cadastre.within_crs_range(p_geom)
$$;
COMMENT ON FUNCTION cadastre.geometry_sound(geometry, integer) IS
    'True when cadastre.geometry_issues finds nothing in a geometry of the register''s SRID: '
    'its first test, and the screen a batch check applies before asking it why.';

CREATE OR REPLACE FUNCTION cadastre.raise_on_errors(p_issues cadastre.issue[], p_hint text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_issue cadastre.issue;
BEGIN
    FOREACH v_issue IN ARRAY coalesce(p_issues, '{}') LOOP
        IF v_issue.severity = 'error' THEN
            RAISE EXCEPTION '%: % / %', coalesce(v_issue.parcel_ref, 'parcel'),
                v_issue.message_en, v_issue.message_vi
                USING ERRCODE = 'check_violation',
                      DETAIL = format('rule %s%s%s', v_issue.rule,
                                      CASE WHEN v_issue.other_ref IS NOT NULL
                                           THEN '; other parcel ' || v_issue.other_ref END,
                                      CASE WHEN v_issue.location IS NOT NULL
                                           THEN '; at ' || ST_AsText(ST_PointOnSurface(
                                                v_issue.location), 3) END),
                      HINT = p_hint;
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cadastre.raise_on_errors(cadastre.issue[], text) IS
    'Raise the first error-severity issue as an exception naming the parcel, the rule and where.';
