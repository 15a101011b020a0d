-- The geometry rules of 030_geometry_rules.sql on hand-made shapes in the register's CRS
-- (Hà Nội, EPSG:5897): what is sound, and which single rule names what is not.

CREATE TEMP TABLE shape (name text PRIMARY KEY, geom geometry) ON COMMIT DROP;
INSERT INTO shape VALUES
    ('square', ST_GeomFromText('POLYGON((500000 2300000, 500010 2300000, 500010 2300010,
                                         500000 2300010, 500000 2300000))', 5897)),
    ('bowtie', ST_GeomFromText('POLYGON((500000 2300000, 500010 2300010, 500010 2300000,
                                         500000 2300010, 500000 2300000))', 5897)),
    ('empty', ST_GeomFromText('POLYGON EMPTY', 5897)),
    ('line', ST_GeomFromText('LINESTRING(500000 2300000, 500010 2300010)', 5897)),
    ('utm', ST_GeomFromText('POLYGON((500000 2300000, 500010 2300000, 500010 2300010,
                                      500000 2300010, 500000 2300000))', 32648)),
    ('far', ST_GeomFromText('POLYGON((0 0, 1e9 0, 1e9 1e9, 0 1e9, 0 0))', 5897));

DO $$
BEGIN
    ASSERT cadastre.geometry_sound((SELECT geom FROM shape WHERE name = 'square'), 5897),
        'a valid square in the register''s CRS is sound';
    ASSERT NOT cadastre.geometry_sound((SELECT geom FROM shape WHERE name = 'square'), 5899),
        'a shape in another CRS than the one asked is not sound';
    ASSERT NOT cadastre.geometry_sound((SELECT geom FROM shape WHERE name = 'bowtie'), 5897),
        'a self-intersecting ring is not sound';
    ASSERT NOT cadastre.geometry_sound((SELECT geom FROM shape WHERE name = 'empty'), 5897),
        'an empty polygon is not sound';
    ASSERT NOT cadastre.geometry_sound((SELECT geom FROM shape WHERE name = 'line'), 5897),
        'a line is not sound';
    ASSERT NOT cadastre.geometry_sound((SELECT geom FROM shape WHERE name = 'far'), 5897),
        'coordinates beyond ±10,000 km are not sound';
    ASSERT NOT cadastre.geometry_sound(NULL, 5897), 'no geometry is not sound';
END
$$;

DO $$
DECLARE
    v_case   record;
    v_rules  text[];
BEGIN
    FOR v_case IN SELECT * FROM (VALUES
            ('square', ARRAY[]::text[]),
            ('bowtie', ARRAY['geometry_invalid']),
            ('empty', ARRAY['geometry_empty']),
            ('line', ARRAY['geometry_not_polygon']),
            ('utm', ARRAY['geometry_wrong_srid']),
            ('far', ARRAY['geometry_out_of_range'])) AS c(name, rules) LOOP
        SELECT coalesce(array_agg(i.rule ORDER BY i.rule), ARRAY[]::text[]) INTO v_rules
        FROM shape AS s, cadastre.geometry_issues(s.geom, 'probe') AS i
        WHERE s.name = v_case.name;
        ASSERT v_rules = v_case.rules,
            format('geometry_issues of the %s shape names %s (got %s)',
                   v_case.name, v_case.rules, v_rules);
    END LOOP;
    ASSERT (SELECT array_agg(i.rule) FROM cadastre.geometry_issues(NULL, 'probe') AS i)
           = ARRAY['geometry_empty'], 'no geometry at all is an empty geometry';
    ASSERT (SELECT bool_and(i.parcel_ref = 'probe' AND i.severity = 'error'
                            AND i.message_vi <> '' AND i.message_en <> '')
            FROM shape AS s, cadastre.geometry_issues(s.geom, 'probe') AS i),
        'every geometry issue is an error naming the parcel, in Vietnamese and English';
    ASSERT (SELECT i.location IS NOT NULL FROM shape AS s, cadastre.geometry_issues(s.geom, 'x') AS i
            WHERE s.name = 'bowtie'),
        'an invalid geometry''s issue says where (the self-intersection)';
END
$$;

DO $$
BEGIN
    ASSERT cadastre.plausible_area((SELECT geom FROM shape WHERE name = 'square')) = 100,
        'a 10 m square has a plausible area of 100 m²';
    ASSERT cadastre.plausible_area((SELECT geom FROM shape WHERE name = 'far')) IS NULL,
        'a shape no survey produces has no plausible area (NULL, not an overflow)';
    ASSERT abs(cadastre.width_of('POLYGON((0 0, 10 0, 10 2, 0 2, 0 0))'::geometry) - 20.0 / 12) < 1e-9,
        'the width of a 10 × 2 m strip is 2 × area / perimeter (≈ 1.67 m)';
    ASSERT cadastre.width_of('POLYGON EMPTY'::geometry) = 0, 'an empty shape has no width';
    ASSERT cadastre.within_crs_range(ST_GeomFromText('POINT(105.8 21.0)', 4326)),
        'a point in Hà Nội in degrees is in range';
    ASSERT NOT cadastre.within_crs_range(ST_GeomFromText('POINT(200 21)', 4326)),
        'a longitude beyond 180° is out of range';
    ASSERT NOT cadastre.within_crs_range(ST_GeomFromText('POINT(585000 2330000)', 4326)),
        'projected metres passed off as degrees are out of range';
    ASSERT cadastre.within_crs_range(ST_GeomFromText('POINT(585000 2330000)', 5897)),
        'projected metres in a projected CRS are in range';
END
$$;
