-- 022_communes: the register's communes. Loading the official list in force and its
-- correspondence with the pre-2025 list (register set-up, owner only), renaming a commune and
-- setting its boundary (owner only, like add_commune), and recognising a pre-2025 or merged
-- commune code in a bulk import (called by bulk_check_attributes).
--
-- Functions, in the order they are defined:
--   cadastre.load_communes(jsonb, jsonb, date, text) → jsonb
--   cadastre.rename_commune(text, text) → cadastre.admin_unit
--   cadastre.set_commune_boundary(text, geometry) → cadastre.admin_unit
--   cadastre.commune_successors(text, date) → TABLE(new_code, divided, via)
--   cadastre.nearest_communes(text, integer) → text
--   cadastre.bulk_check_communes(bigint) → void

CREATE OR REPLACE FUNCTION cadastre.load_communes(p_communes jsonb, p_correspondence jsonb,
                                                  p_valid_from date, p_source text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_province text := (SELECT province_code FROM cadastre.register_setting);
    v_added    integer;
    v_mapped   integer;
BEGIN
    PERFORM cadastre.require_register();
    -- Communes already present are kept as they are (a rename or a merger recorded here wins
    -- over the list): loading again changes nothing.
    INSERT INTO cadastre.admin_unit (code, level, name, parent_code, valid)
    SELECT c ->> 'code', 'commune', c ->> 'name', v_province, daterange(p_valid_from, NULL)
    FROM jsonb_array_elements(p_communes) AS c
    ON CONFLICT (code) DO NOTHING;
    GET DIAGNOSTICS v_added = ROW_COUNT;
    INSERT INTO cadastre.commune_correspondence (old_code, old_name, old_district,
                                                 old_province_code, new_code, divided,
                                                 effective, source)
    SELECT m ->> 'old_code', m ->> 'old_name', nullif(m ->> 'old_district', ''),
           m ->> 'old_province_code', m ->> 'new_code', (m ->> 'divided')::boolean,
           p_valid_from, p_source
    FROM jsonb_array_elements(p_correspondence) AS m
    WHERE EXISTS (SELECT 1 FROM cadastre.admin_unit WHERE code = m ->> 'new_code')
    ON CONFLICT (old_code, new_code) DO NOTHING;
    GET DIAGNOSTICS v_mapped = ROW_COUNT;
    RETURN jsonb_build_object('communes_added', v_added, 'correspondences_added', v_mapped,
        'communes', (SELECT count(*) FROM cadastre.admin_unit WHERE level = 'commune'));
END;
$$;
COMMENT ON FUNCTION cadastre.load_communes(jsonb, jsonb, date, text) IS
    'Load the communes in force of the register''s province ([{code, name}]) and the pre-2025 '
    'correspondence ([{old_code, old_name, old_district, old_province_code, new_code, '
    'divided}]); units already present are kept. Idempotent.';

CREATE OR REPLACE FUNCTION cadastre.rename_commune(p_code text, p_name text)
RETURNS cadastre.admin_unit
LANGUAGE plpgsql
AS $$
DECLARE
    v_unit cadastre.admin_unit;
BEGIN
    UPDATE cadastre.admin_unit SET name = p_name
    WHERE code = p_code AND level = 'commune'
    RETURNING * INTO v_unit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Commune % is not a commune of this register', p_code
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'See the communes with `cadastre commune list`.';
    END IF;
    RETURN v_unit;
END;
$$;
COMMENT ON FUNCTION cadastre.rename_commune(text, text) IS
    'Give a commune its new official name (the code stays).';

CREATE OR REPLACE FUNCTION cadastre.set_commune_boundary(p_code text, p_boundary geometry)
RETURNS cadastre.admin_unit
LANGUAGE plpgsql
AS $$
DECLARE
    v_unit cadastre.admin_unit;
BEGIN
    IF p_boundary IS NULL OR ST_IsEmpty(p_boundary)
       OR GeometryType(p_boundary) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN
        RAISE EXCEPTION 'The boundary of commune % is not a polygon', p_code
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the commune''s boundary as a polygon or multipolygon.';
    END IF;
    UPDATE cadastre.admin_unit
    SET boundary = ST_Multi(ST_CollectionExtract(
            ST_MakeValid(cadastre.to_register_crs(p_boundary)), 3))
    WHERE code = p_code AND level = 'commune'
    RETURNING * INTO v_unit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Commune % is not a commune of this register', p_code
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'See the communes with `cadastre commune list`; add it first with '
                         '`cadastre commune add`.';
    END IF;
    RETURN v_unit;
END;
$$;
COMMENT ON FUNCTION cadastre.set_commune_boundary(text, geometry) IS
    'Set a commune''s boundary (reprojected to the register''s CRS); the placement rule then '
    'checks its parcels against it.';

CREATE OR REPLACE FUNCTION cadastre.commune_successors(p_code text, p_on date)
RETURNS TABLE (new_code text, divided boolean, via text)
LANGUAGE sql STABLE
AS $$
    -- A commune of this register retired by a merger (reassign_commune): its successor.
    WITH RECURSIVE chain AS (
        SELECT u.replaced_by AS code, 1 AS depth FROM cadastre.admin_unit AS u
        WHERE u.code = p_code AND u.replaced_by IS NOT NULL AND NOT u.valid @> p_on
        UNION ALL
        SELECT u.replaced_by, c.depth + 1 FROM chain AS c
        JOIN cadastre.admin_unit AS u ON u.code = c.code
        WHERE u.replaced_by IS NOT NULL AND NOT u.valid @> p_on AND c.depth < 10
    )
    SELECT c.code, false, 'merger recorded in the register'
    FROM chain AS c JOIN cadastre.admin_unit AS u ON u.code = c.code AND u.valid @> p_on
    UNION
    -- A pre-2025 commune: the official correspondence.
    SELECT m.new_code, m.divided, 'pre-2025 list (' || m.source || ')'
    FROM cadastre.commune_correspondence AS m
    JOIN cadastre.admin_unit AS u ON u.code = m.new_code AND u.valid @> p_on
    WHERE m.old_code = p_code
      AND NOT EXISTS (SELECT 1 FROM cadastre.admin_unit AS x
                      WHERE x.code = p_code AND x.level = 'commune' AND x.valid @> p_on)
$$;
COMMENT ON FUNCTION cadastre.commune_successors(text, date) IS
    'The communes in force on a date that took over a commune code no longer in force: through '
    'a merger recorded here (replaced_by) or the official pre-2025 correspondence.';

CREATE OR REPLACE FUNCTION cadastre.nearest_communes(p_code text, p_limit integer DEFAULT 3)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT string_agg(code || ' ' || name, ', ' ORDER BY distance, code)
    FROM (SELECT code, name, abs(code::integer - p_code::integer) AS distance
          FROM cadastre.admin_unit
          WHERE level = 'commune' AND valid @> cadastre.clock()::date
            AND p_code ~ '^[0-9]{1,9}$'
          ORDER BY distance, code LIMIT p_limit) AS n
$$;
COMMENT ON FUNCTION cadastre.nearest_communes(text, integer) IS
    'The communes in force whose codes are nearest a given code, for a refusal''s hint.';

CREATE OR REPLACE FUNCTION cadastre.bulk_check_communes(p_batch_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_today date := cadastre.clock()::date;
BEGIN
    -- bulk_work is register_staged's working set. Codes not in force: map through a merger or
    -- the pre-2025 correspondence; the old code is kept among the parcel's old identifiers.
    CREATE TEMP TABLE bulk_commune ON COMMIT DROP AS
    SELECT DISTINCT ON (w.feature_ref, s.new_code)
           w.feature_ref, w.commune_code AS old_code, s.new_code, s.divided, s.via,
           ST_PointOnSurface(w.geom) AS point
    FROM bulk_work AS w
    CROSS JOIN LATERAL cadastre.commune_successors(w.commune_code, v_today) AS s
    WHERE w.commune_code IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cadastre.admin_unit AS u
        WHERE u.code = w.commune_code AND u.level = 'commune' AND u.valid @> v_today)
    ORDER BY w.feature_ref, s.new_code, s.via;
    -- A divided commune: the successor whose loaded boundary holds the parcel; when no loaded
    -- boundary says, the parcel is not placed by guess.
    DELETE FROM bulk_commune AS c
    WHERE NOT EXISTS (SELECT 1 FROM cadastre.admin_unit AS u
                      WHERE u.code = c.new_code AND ST_Covers(u.boundary, c.point))
      AND EXISTS (SELECT 1 FROM bulk_commune AS o
                  JOIN cadastre.admin_unit AS u ON u.code = o.new_code
                  WHERE o.feature_ref = c.feature_ref AND o.new_code <> c.new_code
                    AND ST_Covers(u.boundary, o.point));
    PERFORM cadastre.quarantine(p_batch_id, 'commune_divided',
        format('commune %s (before 2025: %s) was divided among %s; no loaded commune boundary '
               'says which holds this parcel', d.old_code, d.old_name, d.targets),
        array_agg(d.feature_ref), array_agg(d.point))
    FROM (SELECT b.feature_ref, b.old_code, (array_agg(b.point))[1] AS point,
                 (SELECT max(m.old_name) FROM cadastre.commune_correspondence AS m
                  WHERE m.old_code = b.old_code) AS old_name,
                 string_agg(b.new_code || ' ' || u.name, ', ' ORDER BY b.new_code) AS targets
          FROM bulk_commune AS b JOIN cadastre.admin_unit AS u ON u.code = b.new_code
          GROUP BY b.feature_ref, b.old_code HAVING count(*) > 1) AS d
    GROUP BY d.old_code, d.old_name, d.targets;
    UPDATE bulk_work AS w
    SET commune_code = c.new_code,
        old_identifiers = w.old_identifiers || jsonb_build_array(jsonb_build_object(
            'commune_code', c.old_code, 'sheet_number', w.sheet_number,
            'parcel_number', w.parcel_number, 'source', c.via))
    FROM bulk_commune AS c
    WHERE c.feature_ref = w.feature_ref
      AND (SELECT count(*) FROM bulk_commune AS o WHERE o.feature_ref = c.feature_ref) = 1;
    UPDATE cadastre.staged_parcel AS s
    SET mapped_commune_code = w.commune_code,
        detail = coalesce(s.detail || '; ', '') || format('commune %s is now %s %s (%s)',
                 c.old_code, w.commune_code, u.name, c.via)
    FROM bulk_commune AS c
    JOIN bulk_work AS w ON w.feature_ref = c.feature_ref AND w.commune_code = c.new_code
    JOIN cadastre.admin_unit AS u ON u.code = c.new_code
    WHERE s.batch_id = p_batch_id AND s.feature_ref = c.feature_ref;
    DROP TABLE bulk_commune;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);

    -- A code in neither list: refused, naming the nearest communes in force.
    PERFORM cadastre.quarantine(p_batch_id, 'commune_unknown',
        format('commune %s is neither a commune in force nor a former commune of this '
               'register''s province; nearest codes in force: %s', commune_code,
               coalesce(cadastre.nearest_communes(commune_code),
                        CASE WHEN EXISTS (SELECT 1 FROM cadastre.admin_unit
                                          WHERE level = 'commune')
                             THEN 'see cadastre commune list'
                             ELSE 'none, no commune is loaded (cadastre db init --province '
                                  'CODE)' END)),
        array_agg(feature_ref), array_agg(ST_PointOnSurface(geom)))
    FROM bulk_work AS w
    WHERE commune_code IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cadastre.admin_unit AS u
        WHERE u.code = w.commune_code AND u.level = 'commune' AND u.valid @> v_today)
    GROUP BY commune_code;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_check_communes(bigint) IS
    'Bulk: a commune code not in force is mapped to the commune that took it over (merger or '
    'pre-2025 correspondence; the old code kept among the old identifiers and reported); a '
    'code in neither list is quarantined as commune_unknown with the nearest codes.';

-- Owner only, like add_commune and init_register: the register's set-up.
REVOKE EXECUTE ON FUNCTION cadastre.load_communes(jsonb, jsonb, date, text),
    cadastre.rename_commune(text, text), cadastre.set_commune_boundary(text, geometry)
    FROM PUBLIC;
