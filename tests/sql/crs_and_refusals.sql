-- The register's CRS helpers and how a rule's error becomes a refusal: to_register_crs never
-- guesses a missing SRID; raise_on_errors raises the first error naming parcel, rule and
-- place (warnings pass); nearest_communes suggests codes for a refusal's hint.

DO $$
DECLARE
    v_square geometry := ST_GeomFromText('POLYGON((585000 2330000, 585010 2330000,
        585010 2330010, 585000 2330010, 585000 2330000))', 5897);
    v_moved  geometry;
BEGIN
    ASSERT cadastre.register_srid() = 5897, 'a Hà Nội register keeps its geometries in EPSG:5897';
    ASSERT cadastre.to_register_crs(v_square) = v_square,
        'a geometry already in the register''s CRS is returned as it is';
    ASSERT cadastre.to_register_crs(NULL::geometry) IS NULL, 'no geometry stays no geometry';
    v_moved := cadastre.to_register_crs(ST_Transform(v_square, 4326));
    ASSERT ST_SRID(v_moved) = 5897, 'a WGS 84 geometry is reprojected to the register''s CRS';
    ASSERT ST_HausdorffDistance(v_moved, v_square) < 0.001,
        'reprojecting there and back moves the shape by less than a millimetre';
END
$$;

DO $$
DECLARE
    v_hint text;
BEGIN
    PERFORM cadastre.to_register_crs(ST_GeomFromText('POINT(585000 2330000)'));
    ASSERT false, 'a geometry without SRID is refused';
EXCEPTION WHEN invalid_parameter_value THEN
    GET STACKED DIAGNOSTICS v_hint = PG_EXCEPTION_HINT;
    ASSERT v_hint LIKE '%ST_SetSRID(geom, 5897)%',
        format('the refusal of a geometry without SRID hints at the register''s SRID (got %s)',
               v_hint);
END
$$;

DO $$
DECLARE
    v_message  text;
    v_detail   text;
    v_hint     text;
BEGIN
    PERFORM cadastre.raise_on_errors(ARRAY[
        cadastre.make_issue('sliver', 'warning', '00070/1/5', 'cảnh báo', 'a warning')], 'h');
    PERFORM cadastre.raise_on_errors(NULL, 'h');
    BEGIN
        PERFORM cadastre.raise_on_errors(ARRAY[
            cadastre.make_issue('sliver', 'warning', '00070/1/4', 'cảnh báo', 'a warning'),
            cadastre.make_issue('overlap', 'error', '00070/1/5', 'chồng lấn', 'overlaps',
                                'POINT(585000.1234 2330000)'::geometry, '00070/1/6'),
            cadastre.make_issue('gap', 'error', '00070/1/7', 'hở', 'a gap')], 'Fix the shape.');
        ASSERT false, 'an error-severity issue is raised';
    EXCEPTION WHEN check_violation THEN
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL,
                                v_hint = PG_EXCEPTION_HINT;
        ASSERT v_message = '00070/1/5: overlaps / chồng lấn',
            format('the first error is raised naming its parcel, in English and Vietnamese (got %s)',
                   v_message);
        ASSERT v_detail = 'rule overlap; other parcel 00070/1/6; at POINT(585000.123 2330000)',
            format('the detail names the rule, the other parcel and where (got %s)', v_detail);
        ASSERT v_hint = 'Fix the shape.', 'the caller''s hint is carried';
    END;
END
$$;

DO $$
BEGIN
    ASSERT cadastre.nearest_communes('00071') = '00070 Phường Hoàn Kiếm, 00073 Phường Cửa Nam',
        format('the communes nearest an unknown code are suggested, nearest first (got %s)',
               cadastre.nearest_communes('00071'));
    ASSERT cadastre.nearest_communes('00071', 1) = '00070 Phường Hoàn Kiếm',
        'the number of suggestions is limited as asked';
    ASSERT cadastre.nearest_communes('Hoàn Kiếm') IS NULL,
        'a code that is not a number gets no suggestion (not an error)';
END
$$;
