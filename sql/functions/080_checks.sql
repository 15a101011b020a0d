-- 080_checks: the quality rules, one function each, and the two ways to run them:
--   cadastre.check_edit(edits)        an officer's edit against the live register (fast path)
--   cadastre.check_commune(code)      a whole commune of the register (batch)
--   cadastre.check_staged(batch)      any file staged in staged_parcel, without importing it
-- Geometry, land-use and overlap rules are shared with the commit-time triggers (030, 040).
-- An officer's edits (JSON) are decoded once, by cadastre.parse_edits; check_edit and
-- submit_edits (085) read its rows.
--
-- Functions (schema cadastre; "issues" = SETOF cadastre.issue, items = edit_item[]):
--   rule_severity(rule text) → text                      the rule table's severity
--   rule_issue(rule, ref, message_vi, message_en, location, other_ref) → issue
--   shape_issue(rule, ref, value float8, location) → issue        a shape rule's messages
--   shape_issues(items) → issues                         spikes, duplicate vertices, too thin
--   area_tolerance(scale integer, area numeric) → numeric          ΔP = factor · M · √P
--   area_issue(geom, area, legal_area, tolerance, ref) → issue     the area rule's messages
--   area_issues(geom, legal_area, scale, ref) → issues   measured vs registered area
--   placement_issue(rule, ref, commune, sheet, location) → issue   a placement rule's messages
--   placement_issues(items) → issues                     outside the commune, off its sheet
--   placement_issues(geom, commune, sheet, ref) → issues           the same for one parcel
--   split_minimum_issues(geom, commune, land_use, on date, ref) → issues  below split minimums
--   right_issues(items) → issues                         no land-use right, shares not 1
--   parse_edits(edits jsonb) → SETOF parsed_edit         an edit set as typed rows, or refused
--   check_edit(edits jsonb, on date) → issues            every rule on an officer's edits
--   holes_between(fabric geometry) → issues              interior rings of a fabric
--   check_commune(commune text) → issues                 every rule on a commune
--   repaired_copy(geom, srid integer) → geometry         an invalid geometry made usable
--   coverage_issues(fabric items, repaired text[]) → issues        holes, naming repairs
--   check_staged(batch_id bigint, repair boolean) → issues         the import's dry run
--   multipart_issues(items) → issues                     parcels of several parts
--   check_staged_in_source_crs(batch_id bigint) → issues           a file in its own CRS

CREATE OR REPLACE FUNCTION cadastre.rule_severity(p_rule text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- PL/pgSQL so the plan is made once per session (a SQL function reading a table is
    -- planned again in every statement that calls it).
    RETURN coalesce((SELECT severity FROM cadastre.rule WHERE code = p_rule), 'error');
END;
$$;
COMMENT ON FUNCTION cadastre.rule_severity(text) IS
    'The severity the rule table gives a rule (error when the rule is not listed).';

CREATE OR REPLACE FUNCTION cadastre.rule_issue(p_rule text, p_ref text, p_message_vi text,
                                               p_message_en text, p_location geometry,
                                               p_other_ref text DEFAULT NULL)
RETURNS cadastre.issue
LANGUAGE sql STABLE
AS $$
    -- No subquery here: the call is inlined, so (rule_issue(…)).* computes each field once.
    SELECT cadastre.make_issue(p_rule, cadastre.rule_severity(p_rule),
                               p_ref, p_message_vi, p_message_en, p_location, p_other_ref)
$$;
COMMENT ON FUNCTION cadastre.rule_issue(text, text, text, text, geometry, text) IS
    'An issue of a rule, with the severity the rule table gives it.';

-- Shape ---------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.shape_issue(p_rule text, p_ref text, p_value float8,
                                                p_location geometry)
RETURNS cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- The issue row of a shape rule, built only when the rule fires: a separate function, so
    -- shape_issues does not set up these message expressions at every executor start.
    RETURN CASE p_rule
        WHEN 'duplicate_vertex' THEN cadastre.rule_issue(p_rule, p_ref,
            'Hai đỉnh liên tiếp trùng nhau', 'Two consecutive vertices coincide', p_location)
        WHEN 'spike' THEN cadastre.rule_issue(p_rule, p_ref,
            format('Gai nhọn: góc %s°', round(p_value::numeric, 2)),
            format('Spike: angle of %s°', round(p_value::numeric, 2)), p_location)
        WHEN 'too_thin' THEN cadastre.rule_issue(p_rule, p_ref,
            format('Thửa quá hẹp (độ gọn %s)', round(p_value::numeric, 3)),
            format('Parcel too thin (compactness %s)', round(p_value::numeric, 3)), p_location)
    END;
END;
$$;
COMMENT ON FUNCTION cadastre.shape_issue(text, text, float8, geometry) IS
    'The issue row of a shape rule of cadastre.shape_issues (its messages).';

CREATE OR REPLACE FUNCTION cadastre.shape_issues(p_items cadastre.edit_item[])
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    -- One SELECT over every item's vertices: inlined into its caller, so an edit check starts
    -- no executor of its own for it, and a commune's parcels cost one window pass.
    SELECT i.* FROM (
    WITH limits AS (
        -- Read here, not through cadastre.tolerance(): planned with the caller, no call each.
        SELECT max(value) FILTER (WHERE name = 'spike_angle') AS spike_angle,
               max(value) FILTER (WHERE name = 'thin_ratio') AS thin_ratio
        FROM cadastre.tolerance
    ),
    suspects AS (
        -- Only a parcel with a vertex very near another vertex or edge can hold a spike or a
        -- duplicate vertex, and GEOS's minimum clearance is that distance (exact repeats
        -- aside, which it skips: ST_RemoveRepeatedPoints finds them). A spike of angle θ
        -- brings the nearer of its two neighbours within (edge length)·sin θ of the other
        -- edge, and no edge is longer than half the perimeter. The vertex-by-vertex pass below
        -- then runs on these few parcels only.
        SELECT w.n, w.ref, w.geom FROM unnest(p_items) AS w, limits AS l
        WHERE ST_MinimumClearance(w.geom)
                  <= greatest(0.0005, ST_Perimeter(w.geom) / 2 * sin(radians(l.spike_angle)))
           OR ST_NPoints(ST_RemoveRepeatedPoints(w.geom)) < ST_NPoints(w.geom)
    ),
    points AS (
        SELECT w.ref, d.path[3] AS k, d.geom,
               lag(d.geom) OVER ring AS prev, lead(d.geom) OVER ring AS next,
               nth_value(d.geom, 2) OVER ring_back AS before_last
        FROM suspects AS w, ST_DumpPoints(ST_Multi(w.geom)) AS d
        WINDOW ring AS (PARTITION BY w.n, d.path[1], d.path[2] ORDER BY d.path[3]),
               ring_back AS (PARTITION BY w.n, d.path[1], d.path[2] ORDER BY d.path[3] DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ),
    spikes AS (
        -- A ring is closed (its last point is its first): the first vertex's neighbours are
        -- the second point and the point before the last.
        SELECT ref, geom, degrees(ST_Angle(before, geom, next)) AS angle
        FROM (SELECT ref, geom, next, CASE WHEN k = 1 THEN before_last ELSE prev END AS before
              FROM points) AS v
        WHERE before IS NOT NULL AND next IS NOT NULL
          AND NOT ST_Equals(before, geom) AND NOT ST_Equals(next, geom)
    )
    SELECT ref, 'duplicate_vertex' AS rule, NULL::float8 AS v, geom
    FROM points WHERE prev IS NOT NULL AND ST_DWithin(prev, geom, 0.0005)
    UNION ALL
    SELECT ref, 'spike', least(angle, 360 - angle), geom
    FROM spikes, limits AS l WHERE least(angle, 360 - angle) < l.spike_angle
    UNION ALL
    SELECT t.ref, 'too_thin', t.c, ST_PointOnSurface(t.geom)
    FROM (SELECT w.ref, w.geom, w.land_uses,
                 4 * pi() * ST_Area(w.geom) / nullif(ST_Perimeter(w.geom), 0) ^ 2 AS c
          FROM unnest(p_items) AS w) AS t, limits AS l
    WHERE t.c < l.thin_ratio
      -- Roads, canals and rivers are long and narrow by nature.
      AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(t.land_uses, '[]')) AS e
                      JOIN cadastre.land_use_code AS c ON c.code = e ->> 'code'
                      WHERE c.linear)
    ) AS q, LATERAL cadastre.shape_issue(q.rule, q.ref, q.v, q.geom) AS i
$$;
COMMENT ON FUNCTION cadastre.shape_issues(cadastre.edit_item[]) IS
    'Spikes (an interior angle below spike_angle), duplicate consecutive vertices and parcels '
    'too thin (compactness 4π·area/perimeter² below thin_ratio) unless one of their land uses '
    'is linear (roads, canals, rivers).';

-- Area against the registered area ------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.area_tolerance(p_scale integer, p_area numeric)
RETURNS numeric
LANGUAGE sql STABLE
AS $$
    SELECT cadastre.tolerance('area_factor')
           * coalesce(p_scale, cadastre.tolerance('default_scale')) * sqrt(greatest(p_area, 0))
$$;
COMMENT ON FUNCTION cadastre.area_tolerance(integer, numeric) IS
    'ΔP = factor · M · √P: how far a measured area may differ from the registered one.';

CREATE OR REPLACE FUNCTION cadastre.area_issue(p_geom geometry, p_area numeric,
                                               p_legal_area numeric, p_tolerance numeric,
                                               p_ref text)
RETURNS cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- The issue row, built only when the rule fires (see overlap_issue for why).
    RETURN cadastre.rule_issue('area_tolerance', p_ref,
               format('Diện tích đo %s m² lệch %s m² so với diện tích pháp lý %s m² '
                      '(hạn sai %s m²)', round(p_area, 1), round(abs(p_area - p_legal_area), 1),
                      p_legal_area, round(p_tolerance, 1)),
               format('Measured area %s m² differs by %s m² from the registered %s m² '
                      '(tolerance %s m²)', round(p_area, 1), round(abs(p_area - p_legal_area), 1),
                      p_legal_area, round(p_tolerance, 1)),
               ST_PointOnSurface(p_geom));
END;
$$;
COMMENT ON FUNCTION cadastre.area_issue(geometry, numeric, numeric, numeric, text) IS
    'The issue row of cadastre.area_issues (its messages).';

CREATE OR REPLACE FUNCTION cadastre.area_issues(p_geom geometry, p_legal_area numeric,
                                                p_scale integer, p_ref text)
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    -- One SELECT: the function stays inlinable (planned with its caller); the issue row comes
    -- from area_issue, called only when the rule fires.
    SELECT i.*
    FROM (SELECT ST_Area(p_geom)::numeric AS a,
                 cadastre.area_tolerance(p_scale, p_legal_area) AS t) AS x,
         LATERAL cadastre.area_issue(p_geom, x.a, p_legal_area, x.t, p_ref) AS i
    WHERE p_legal_area IS NOT NULL AND abs(x.a - p_legal_area) > x.t
$$;
COMMENT ON FUNCTION cadastre.area_issues(geometry, numeric, integer, text) IS
    'The measured area differs from the registered area beyond the scale-dependent tolerance.';

-- Placement: commune boundary and map sheet ---------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.placement_issue(p_rule text, p_ref text, p_commune text,
                                                    p_sheet text, p_location geometry)
RETURNS cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- The issue row of a placement rule, built only when the rule fires (see shape_issue).
    RETURN CASE p_rule
        WHEN 'outside_commune' THEN cadastre.rule_issue(p_rule, p_ref,
            format('%s m² nằm ngoài ranh giới xã %s', round(ST_Area(p_location)::numeric, 2),
                   p_commune),
            format('%s m² lie outside the boundary of commune %s',
                   round(ST_Area(p_location)::numeric, 2), p_commune), p_location)
        WHEN 'crosses_sheet' THEN cadastre.rule_issue(p_rule, p_ref,
            format('Điểm nhãn của thửa nằm ngoài tờ bản đồ số %s', p_sheet),
            format('The parcel''s label point lies outside its map sheet %s', p_sheet),
            p_location)
    END;
END;
$$;
COMMENT ON FUNCTION cadastre.placement_issue(text, text, text, text, geometry) IS
    'The issue row of a placement rule of cadastre.placement_issues (its messages).';

CREATE OR REPLACE FUNCTION cadastre.placement_issues(p_items cadastre.edit_item[])
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    -- One SELECT over every item: inlined into its caller, so an edit check starts no executor
    -- of its own for it, and a commune's parcels cost one pass.
    SELECT i.* FROM (
    WITH commune AS MATERIALIZED (
        -- Each commune's boundary line once, for the cheap test below.
        SELECT u.code, u.boundary, ST_Boundary(u.boundary) AS line
        FROM cadastre.admin_unit AS u
        -- An array, so the look-up is an index scan: an edit check's plan is generic (made
        -- without knowing how many items come), and would otherwise read every unit.
        WHERE u.code = ANY (ARRAY(SELECT DISTINCT w.commune_code FROM unnest(p_items) AS w))
          AND u.boundary IS NOT NULL
    )
    SELECT x.ref, x.commune_code, x.sheet_number, 'outside_commune' AS rule, x.o AS geom
    FROM (SELECT w.ref, w.commune_code, w.sheet_number,
                 ST_CollectionExtract(ST_Difference(w.geom, u.boundary), 3) AS o
          FROM unnest(p_items) AS w
          JOIN commune AS u ON u.code = w.commune_code
          -- ST_CoveredBy against the whole boundary costs most of this rule. When no part of
          -- the boundary line comes within 1 m of the parcel's box (a cheap clip), that box
          -- lies wholly inside or wholly outside the commune, so one vertex of the parcel
          -- gives the same verdict; near the boundary, the full test decides.
          WHERE NOT CASE WHEN ST_IsEmpty(ST_ClipByBox2D(u.line, ST_Expand(box2d(w.geom), 1)))
                         THEN coalesce(ST_Intersects(u.boundary, ST_PointN(ST_ExteriorRing(
                                           ST_GeometryN(w.geom, 1)), 1)),
                                       ST_CoveredBy(w.geom, u.boundary))
                         ELSE ST_CoveredBy(w.geom, u.boundary) END
          OFFSET 0) AS x  -- kept apart: the difference only for a parcel not covered
    WHERE ST_Area(x.o) > (SELECT cadastre.tolerance('gap_area'))
    UNION ALL
    -- A parcel drawn across a sheet edge is normal: it is numbered on the sheet holding its
    -- label point. One whose label point lies outside its sheet is on the wrong sheet.
    SELECT w.ref, w.commune_code, w.sheet_number, 'crosses_sheet', ST_PointOnSurface(w.geom)
    FROM unnest(p_items) AS w
    -- One index probe per item (LIMIT 1: never a merge join over every sheet of the city).
    CROSS JOIN LATERAL (SELECT s.footprint FROM cadastre.map_sheet AS s
                        WHERE s.commune_code = w.commune_code AND s.number = w.sheet_number
                          AND upper_inf(s.valid) LIMIT 1) AS s
    WHERE s.footprint IS NOT NULL AND NOT ST_Intersects(ST_PointOnSurface(w.geom), s.footprint)
    ) AS q,
    LATERAL cadastre.placement_issue(q.rule, q.ref, q.commune_code, q.sheet_number, q.geom) AS i
$$;
COMMENT ON FUNCTION cadastre.placement_issues(cadastre.edit_item[]) IS
    'Parcels outside (or across) their commune boundary (error), or whose label point lies '
    'outside their map sheet (warning).';

CREATE OR REPLACE FUNCTION cadastre.placement_issues(p_geom geometry, p_commune text,
                                                     p_sheet text, p_ref text)
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    SELECT * FROM cadastre.placement_issues(ARRAY[ROW(1, p_ref, NULL, p_geom, p_commune, p_sheet,
        NULL, NULL, NULL, NULL, NULL)::cadastre.edit_item])
$$;
COMMENT ON FUNCTION cadastre.placement_issues(geometry, text, text, text) IS
    'The placement rules for one parcel (the commit-time trigger and the import call this).';

-- Split minimums ------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.split_minimum_issues(p_geom geometry, p_commune text,
                                                         p_land_use text, p_on date, p_ref text)
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- PL/pgSQL so the plan is made once per session (a hot rule).
    RETURN QUERY SELECT (q.x).* FROM (
    WITH minimum AS (
        -- The commune's own rule wins over its province's.
        SELECT m.* FROM cadastre.split_minimum AS m
        JOIN cadastre.admin_unit AS u ON u.code = p_commune
        WHERE m.land_use_code = p_land_use AND m.valid @> p_on
          AND m.admin_code IN (u.code, u.parent_code)
        ORDER BY (m.admin_code = u.code) DESC LIMIT 1
    ),
    size AS (
        SELECT ST_Area(p_geom) AS area,
               least(ST_Distance(ST_PointN(b, 1), ST_PointN(b, 2)),
                     ST_Distance(ST_PointN(b, 2), ST_PointN(b, 3))) AS narrow,
               greatest(ST_Distance(ST_PointN(b, 1), ST_PointN(b, 2)),
                        ST_Distance(ST_PointN(b, 2), ST_PointN(b, 3))) AS long
        FROM (SELECT ST_ExteriorRing(ST_OrientedEnvelope(p_geom)) AS b) AS e
    )
    SELECT cadastre.rule_issue('split_minimum', p_ref,
               format('Thửa tách %s m², rộng %s m, sâu %s m: dưới mức tối thiểu %s m², %s m, %s m (%s)',
                      round(s.area::numeric, 1), round(s.narrow::numeric, 2),
                      round(s.long::numeric, 2), m.min_area, m.min_frontage, m.min_depth,
                      m.legal_basis),
               format('Split parcel of %s m², %s m wide, %s m deep: below the minimum %s m², '
                      '%s m, %s m (%s)', round(s.area::numeric, 1), round(s.narrow::numeric, 2),
                      round(s.long::numeric, 2), m.min_area, m.min_frontage, m.min_depth,
                      m.legal_basis),
               ST_PointOnSurface(p_geom))
    FROM minimum AS m, size AS s
    WHERE s.area < m.min_area OR s.narrow < m.min_frontage OR s.long < m.min_depth
    ) AS q(x);
END;
$$;
COMMENT ON FUNCTION cadastre.split_minimum_issues(geometry, text, text, date, text) IS
    'A parcel created by a split below the minimum area, frontage (narrow side of its oriented '
    'envelope) or depth (long side) in force for its commune and land use on a date.';

-- Parcels of the register: rights and shares ---------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.right_issues(p_items cadastre.edit_item[])
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- One query over every item that is a parcel of the register.
    RETURN QUERY SELECT (q.x).* FROM (
    SELECT cadastre.rule_issue('missing_right', w.ref,
               'Thửa chưa đăng ký quyền sử dụng đất', 'The parcel has no land-use right',
               ST_PointOnSurface(w.geom))
    FROM unnest(p_items) AS w
    WHERE w.parcel_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM cadastre.open_rrrs(w.parcel_id) AS r
                      WHERE r.kind = 'land_use_right')
    UNION ALL
    SELECT cadastre.rule_issue('shares_sum', w.ref,
               format('Tổng phần quyền là %s/%s, không bằng 1', t.numerator, t.denominator),
               format('Holders'' shares sum to %s/%s, not 1', t.numerator, t.denominator),
               ST_PointOnSurface(w.geom))
    FROM unnest(p_items) AS w, cadastre.open_rrrs(w.parcel_id, 'right') AS r,
         cadastre.share_total(r.id) AS t
    WHERE t.numerator <> t.denominator
    ) AS q(x);
END;
$$;
COMMENT ON FUNCTION cadastre.right_issues(cadastre.edit_item[]) IS
    'Parcels of the register without a land-use right (warning), or whose right''s shares do '
    'not sum to 1.';

-- The fast path: an officer's edit --------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.parse_edits(p_edits jsonb)
RETURNS SETOF cadastre.parsed_edit
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
-- p_edits: [{"parcel_id": 12 or null for a new parcel, "version": 3 (as loaded),
--            "geom": "SRID=5897;POLYGON(...)", "commune_code", "sheet_number",
--            "parcel_number", "legal_area", "land_use", "split_of": parent id,
--            "replaces": [ids retired by this edit (a merge)],
--            "versions": {"<id>": version as loaded} (a split's parent, a merge's parcels)}, …]
-- The kind, in this order: "parcel_id" a number → correction; "split_of" a number → split
-- child; "replaces" an array → merge; none of them → new parcel.
DECLARE
    v_e    jsonb;
    v_n    integer;
    v_key  text;
    v_edit cadastre.parsed_edit;
BEGIN
    IF jsonb_typeof(p_edits) <> 'array' THEN
        RAISE EXCEPTION 'The edits are not a JSON array (got a JSON %)', jsonb_typeof(p_edits)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give a list of edit objects: [{"parcel_id": …, "geom": …}, …].';
    END IF;
    -- One block around the loop (one subtransaction per call, not per edit): v_n and v_key
    -- say which edit and which key held a value that is not a number.
    FOR v_e, v_n IN SELECT e, n FROM jsonb_array_elements(p_edits) WITH ORDINALITY AS t(e, n)
    LOOP
        IF jsonb_typeof(v_e) <> 'object' THEN
            RAISE EXCEPTION 'Edit #%: not a JSON object', v_n
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF jsonb_typeof(v_e -> 'parcel_id') = 'number'
           AND (jsonb_typeof(v_e -> 'split_of') = 'number'
                OR jsonb_typeof(v_e -> 'replaces') = 'array') THEN
            RAISE EXCEPTION 'Edit #%: an edit of parcel id % cannot also be a split child or a '
                            'merge result', v_n, v_e ->> 'parcel_id'
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Split children and merge results are new parcels: "parcel_id": '
                             'null with "split_of" or "replaces".';
        END IF;
        IF jsonb_typeof(v_e -> 'split_of') = 'number'
           AND jsonb_typeof(v_e -> 'replaces') = 'array' THEN
            RAISE EXCEPTION 'Edit #%: an edit is either a split child or a merge result, not both',
                v_n USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- An id sent as text would make the edit a new parcel to one reader and a replacement
        -- to another: refused.
        v_key := CASE WHEN jsonb_typeof(v_e -> 'parcel_id') NOT IN ('number', 'null')
                      THEN 'parcel_id'
                      WHEN jsonb_typeof(v_e -> 'split_of') NOT IN ('number', 'null')
                      THEN 'split_of'
                      WHEN jsonb_typeof(v_e -> 'replaces') NOT IN ('array', 'null')
                      THEN 'replaces' END;
        IF v_key IS NOT NULL THEN
            RAISE EXCEPTION 'Edit #%: "%" is a JSON %, not %', v_n, v_key,
                jsonb_typeof(v_e -> v_key),
                CASE v_key WHEN 'replaces' THEN 'a list of parcel ids' ELSE 'a parcel id' END
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Parcel ids are JSON numbers ("parcel_id": 12, "replaces": [12, '
                             '13]), or null.';
        END IF;
        v_edit := NULL;
        v_edit.n := v_n;
        v_edit.kind := CASE WHEN jsonb_typeof(v_e -> 'parcel_id') = 'number' THEN 'correction'
                            WHEN jsonb_typeof(v_e -> 'split_of') = 'number' THEN 'split_child'
                            WHEN jsonb_typeof(v_e -> 'replaces') = 'array' THEN 'merge'
                            ELSE 'new' END;
        v_edit.geom := v_e ->> 'geom';
        v_edit.commune_code := v_e ->> 'commune_code';
        v_edit.sheet_number := v_e ->> 'sheet_number';
        v_edit.land_use := v_e ->> 'land_use';
        v_key := 'parcel_id';
        v_edit.parcel_id := (v_e ->> 'parcel_id')::bigint;
        v_key := 'split_of';
        v_edit.split_of := (v_e ->> 'split_of')::bigint;
        v_key := 'parcel_number';
        v_edit.parcel_number := (v_e ->> 'parcel_number')::integer;
        v_key := 'legal_area';
        v_edit.legal_area := (v_e ->> 'legal_area')::numeric;
        -- The version loaded: a correction's own; a split child's parent's, in "versions".
        v_key := CASE v_edit.kind WHEN 'split_child' THEN 'versions' ELSE 'version' END;
        v_edit.version := CASE v_edit.kind
                              WHEN 'correction' THEN (v_e ->> 'version')::integer
                              WHEN 'split_child'
                              THEN (v_e -> 'versions' ->> (v_e ->> 'split_of'))::integer END;
        IF v_edit.kind = 'merge' THEN
            v_key := 'replaces';
            v_edit.replaces := ARRAY(
                SELECT r::bigint
                FROM jsonb_array_elements_text(v_e -> 'replaces') WITH ORDINALITY AS x(r, o)
                WHERE r IS NOT NULL ORDER BY o);
            v_key := 'versions';
            v_edit.replaced_versions := ARRAY(
                SELECT (v_e -> 'versions' ->> r::text)::integer
                FROM unnest(v_edit.replaces) WITH ORDINALITY AS x(r, o) ORDER BY o);
        END IF;
        RETURN NEXT v_edit;
    END LOOP;
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
    RAISE EXCEPTION 'Edit #%: "%" holds a value that is not a valid number: %', v_n, v_key,
        SQLERRM
        USING ERRCODE = SQLSTATE,
              HINT = 'Ids, versions and parcel numbers are whole numbers; legal_area is a '
                     'number of m².';
END;
$$;
COMMENT ON FUNCTION cadastre.parse_edits(jsonb) IS
    'An officer''s edits (the JSON of the QGIS plugin and the CLI) as typed rows, one per edit, '
    'each with its kind (correction, split child, merge, new parcel). The one place the JSON is '
    'decoded: a malformed edit is refused here, once, as "Edit #n: …". Null gives no rows.';

CREATE OR REPLACE FUNCTION cadastre.check_edit(p_edits jsonb, p_on date DEFAULT NULL)
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql
SET jit = off  -- a few rows: compiling the plan costs 100× running it
-- Plan each statement once per session: a custom plan per call (PostgreSQL's default while
-- the generic plan's estimate looks worse) re-plans the inlined rules on every check.
SET plan_cache_mode = force_generic_plan
AS $$
-- p_edits: the JSON cadastre.parse_edits reads (one edit per element).
DECLARE
    v_srid     integer := cadastre.require_register();
    v_on       date := coalesce(p_on, cadastre.clock()::date);
    v_edit     cadastre.parsed_edit;
    v_issue    cadastre.issue;
    v_parcel   cadastre.parcel;
    v_geom     geometry;
    v_ok       boolean;
    v_replaced bigint[] := '{}';
    v_all_ok   boolean := true;
    v_work     cadastre.edit_item[] := '{}';
BEGIN
    FOR v_edit IN SELECT * FROM cadastre.parse_edits(p_edits) LOOP
        -- Everything the edits replace: the edited parcels, split parents, merged parcels
        -- (gathered here, before anything can skip the edit; only read after the loop).
        v_replaced := v_replaced || array_remove(ARRAY[v_edit.parcel_id, v_edit.split_of], NULL)
                      || coalesce(v_edit.replaces, '{}');
        v_parcel := NULL;
        IF v_edit.kind = 'correction' THEN
            SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = v_edit.parcel_id;
        END IF;
        DECLARE
            v_ref text := coalesce(
                cadastre.parcel_ref(coalesce(v_edit.commune_code, v_parcel.commune_code),
                                    coalesce(v_edit.sheet_number, v_parcel.sheet_number),
                                    v_edit.parcel_number),
                cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                    v_parcel.parcel_number),
                'edit #' || v_edit.n);
        BEGIN
            -- Stale edit: the parcel changed since the officer loaded it.
            IF v_parcel.id IS NOT NULL AND (v_parcel.status <> 'current'
               OR v_edit.version <> v_parcel.version)
            THEN
                RETURN NEXT cadastre.rule_issue('stale_edit', v_ref,
                    format('Thửa đã được sửa sau khi tải (bạn có phiên bản %s, sổ có %s). %s',
                           v_edit.version, v_parcel.version,
                           cadastre.last_change_text(v_parcel.id)),
                    format('The parcel changed since you loaded it (you have version %s, the '
                           'register has %s). %s', v_edit.version, v_parcel.version,
                           cadastre.last_change_text(v_parcel.id)),
                    ST_PointOnSurface(v_parcel.geom));
            END IF;
            IF v_edit.geom ~ '[^\x01-\x7F]' THEN
                -- WKT is ASCII; the parser's message would quote the input cut mid-character.
                RETURN NEXT cadastre.rule_issue('geometry_invalid', v_ref,
                    'Không đọc được hình học: có ký tự không phải ASCII',
                    'The geometry cannot be read: it contains non-ASCII characters', NULL);
                v_all_ok := false;
                CONTINUE;
            END IF;
            BEGIN
                v_geom := ST_GeomFromEWKT(v_edit.geom);
                IF ST_SRID(v_geom) = 0 THEN
                    RETURN NEXT cadastre.rule_issue('geometry_wrong_srid', v_ref,
                        'Hình học không có hệ tọa độ (SRID)',
                        'The geometry has no coordinate system (SRID)', NULL);
                    v_all_ok := false;
                    CONTINUE;
                END IF;
                IF ST_SRID(v_geom) <> v_srid AND cadastre.within_crs_range(v_geom) THEN
                    v_geom := ST_Transform(v_geom, v_srid);
                END IF;
            EXCEPTION WHEN OTHERS THEN
                RETURN NEXT cadastre.rule_issue('geometry_invalid', v_ref,
                    format('Không đọc được hình học: %s', SQLERRM),
                    format('The geometry cannot be read: %s', SQLERRM), NULL);
                v_all_ok := false;
                CONTINUE;
            END;
            v_ok := true;
            -- The screen is an expression (no statement to start): most edits are sound.
            IF NOT cadastre.geometry_sound(v_geom, v_srid) THEN
                FOR v_issue IN SELECT * FROM cadastre.geometry_issues(v_geom, v_ref) LOOP
                    v_ok := false;
                    RETURN NEXT v_issue;
                END LOOP;
            END IF;
            v_all_ok := v_all_ok AND v_ok;
            CONTINUE WHEN NOT v_ok;
            v_geom := ST_Multi(v_geom);
            v_work := v_work || ROW(
                v_edit.n, v_ref, v_parcel.id, v_geom,
                coalesce(v_edit.commune_code, v_parcel.commune_code),
                coalesce(v_edit.sheet_number, v_parcel.sheet_number),
                coalesce(v_edit.parcel_number, v_parcel.parcel_number),
                coalesce(v_edit.legal_area, v_parcel.legal_area),
                coalesce(v_edit.land_use, v_parcel.land_uses -> 0 ->> 'code'),
                v_edit.split_of,
                jsonb_build_array(jsonb_build_object('code', coalesce(
                    v_edit.land_use, v_parcel.land_uses -> 0 ->> 'code')))
                )::cadastre.edit_item;
        END;
    END LOOP;

    -- Rules on the edited geometries, duplicate identities and gaps, in one statement: each
    -- statement costs an executor start, a good part of a one-edit check.
    RETURN QUERY
    SELECT i.* FROM unnest(v_work) AS w
    -- The sheet's scale as a join, not a subquery argument: area_issues then stays inlined.
    LEFT JOIN LATERAL (SELECT s.scale FROM cadastre.map_sheet AS s
                       WHERE s.commune_code = w.commune_code AND s.number = w.sheet_number
                         AND upper_inf(s.valid) LIMIT 1) AS sheet ON true,
         LATERAL (SELECT * FROM cadastre.overlap_issues(w.geom, w.ref, v_replaced)
                  UNION ALL SELECT * FROM cadastre.area_issues(w.geom, w.legal_area,
                                                               sheet.scale, w.ref)
                  UNION ALL SELECT * FROM cadastre.split_minimum_issues(
                      w.geom, w.commune_code, w.land_use, v_on, w.ref)
                  WHERE w.split_of IS NOT NULL) AS i
    UNION ALL SELECT * FROM cadastre.shape_issues(v_work)
    UNION ALL SELECT * FROM cadastre.placement_issues(v_work)
    -- Duplicate identities: with current parcels not being replaced, and among the edits.
    UNION ALL
    SELECT (q.x).* FROM (
    SELECT cadastre.rule_issue('duplicate_identity', w.ref,
               format('Số hiệu %s đã được dùng', w.ref),
               format('Identity %s is already used by another current parcel', w.ref),
               ST_PointOnSurface(w.geom))
    FROM unnest(v_work) AS w
    WHERE EXISTS (SELECT 1 FROM cadastre.parcel AS p
                  WHERE p.status = 'current' AND p.commune_code = w.commune_code
                    AND p.sheet_number = w.sheet_number AND p.parcel_number = w.parcel_number
                    AND NOT p.id = ANY (v_replaced))
       OR (SELECT count(*) FROM unnest(v_work) AS o
           WHERE o.commune_code = w.commune_code AND o.sheet_number = w.sheet_number
             AND o.parcel_number = w.parcel_number) > 1
    ) AS q(x)
    -- Gaps: land the replaced parcels covered that no edited geometry covers any more
    -- (only when every edited geometry could be read and is valid: else the gap is noise).
    UNION ALL
    SELECT (q.x).* FROM (
    SELECT cadastre.rule_issue(
               CASE WHEN cadastre.width_of(g.geom) < cadastre.tolerance('sliver_width')
                    THEN 'sliver' ELSE 'gap' END,
               (SELECT string_agg(x.ref, ', ') FROM unnest(v_work) AS x),
               format('Để hở %s m² (rộng %s m) giữa thửa và thửa bên cạnh',
                      round(ST_Area(g.geom)::numeric, 3),
                      round(cadastre.width_of(g.geom)::numeric, 3)),
               format('Leaves %s m² (width %s m) uncovered between the parcel and its '
                      'neighbours', round(ST_Area(g.geom)::numeric, 3),
                      round(cadastre.width_of(g.geom)::numeric, 3)), g.geom)
    FROM (SELECT ST_Union(p.geom) AS geom FROM cadastre.parcel AS p
          WHERE p.id = ANY (v_replaced) AND p.status = 'current') AS replaced,
         (SELECT ST_Union(x.geom) AS geom FROM unnest(v_work) AS x) AS edited,
         ST_Dump(ST_CollectionExtract(
             ST_Difference(replaced.geom,
                           coalesce(edited.geom, ST_SetSRID('POLYGON EMPTY'::geometry, v_srid))),
             3)) AS g
    WHERE v_all_ok AND replaced.geom IS NOT NULL
      AND ST_Area(g.geom) > cadastre.tolerance('gap_area')
    ) AS q(x);
    -- Overlaps between the edited geometries themselves (a split's children, say): skipped
    -- for a single edit.
    IF cardinality(v_work) > 1 THEN
        RETURN QUERY
        SELECT i.* FROM unnest(v_work) AS a
        JOIN unnest(v_work) AS b ON a.n < b.n AND a.geom && b.geom,
             LATERAL cadastre.overlap_between(b.geom, a.geom, b.ref, a.ref) AS i;
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.check_edit(jsonb, date) IS
    'Check one or several edited geometries (a boundary edit, a split''s children, a merge) '
    'against the live register: every rule at once, with locations. What the QGIS plugin calls '
    'before submitting.';

CREATE OR REPLACE FUNCTION cadastre.holes_between(p_fabric geometry)
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    SELECT (q.x).* FROM (
    SELECT cadastre.rule_issue('hole', NULL,
               format('Khoảng trống %s m² giữa các thửa', round(ST_Area(h.geom)::numeric, 2)),
               format('A hole of %s m² between parcels', round(ST_Area(h.geom)::numeric, 2)),
               h.geom)
    FROM ST_Dump(p_fabric) AS part,
         LATERAL (SELECT ST_MakePolygon(ST_InteriorRingN(part.geom, k)) AS geom
                  FROM generate_series(1, ST_NumInteriorRings(part.geom)) AS k) AS h
    WHERE ST_Area(h.geom) > cadastre.tolerance('gap_area')
    ) AS q(x)
$$;
COMMENT ON FUNCTION cadastre.holes_between(geometry) IS
    'Holes inside a fabric (the union of its parcels): its interior rings above gap_area, where '
    'no outer boundary is known to compare it with.';

-- Batch: a commune of the register -------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.check_commune(p_commune text)
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_boundary geometry;
    v_srid     integer := cadastre.register_srid();
    v_items    cadastre.edit_item[];
    v_union    geometry;
    v_fabric   cadastre.edit_item[];
    v_repaired text[];
BEGIN
    -- The commune's current parcels as one set: each rule below runs once over all of them.
    SELECT array_agg(ROW(p.n, cadastre.parcel_ref(p.commune_code, p.sheet_number,
                                                  p.parcel_number),
                         p.id, p.geom, p.commune_code, p.sheet_number, p.parcel_number,
                         p.legal_area, p.land_uses -> 0 ->> 'code', NULL, p.land_uses
                        )::cadastre.edit_item)
    INTO v_items
    FROM (SELECT row_number() OVER ()::int AS n, * FROM cadastre.parcel
          WHERE commune_code = p_commune AND status = 'current') AS p;
    RETURN QUERY
    SELECT i.* FROM unnest(v_items) AS w, LATERAL cadastre.geometry_issues(w.geom, w.ref) AS i
    WHERE NOT cadastre.geometry_sound(w.geom, v_srid);
    RETURN QUERY SELECT * FROM cadastre.shape_issues(v_items);
    RETURN QUERY
    SELECT i.* FROM unnest(v_items) AS w
    -- A commune has one current sheet per number (map_sheet_current_idx): a plain join.
    LEFT JOIN cadastre.map_sheet AS s
      ON s.commune_code = w.commune_code AND s.number = w.sheet_number AND upper_inf(s.valid),
         LATERAL cadastre.area_issues(w.geom, w.legal_area, s.scale, w.ref) AS i;
    RETURN QUERY SELECT * FROM cadastre.placement_issues(v_items);
    RETURN QUERY SELECT * FROM cadastre.right_issues(v_items);
    -- Every overlapping pair once (a lateral index probe per parcel, each pair from its lower
    -- id). "n.id + 0": a plain n.id > a.id makes the planner AND the spatial index with a
    -- primary-key range scan of every later id, once per parcel (minutes at 1M parcels). The
    -- query may run in parallel (its functions are PARALLEL SAFE), as a raw one would.
    RETURN QUERY
    SELECT i.* FROM cadastre.parcel AS a
    CROSS JOIN LATERAL (SELECT * FROM cadastre.parcel AS n
                        WHERE n.status = 'current' AND n.geom && a.geom
                          AND n.id + 0 > a.id) AS b
    CROSS JOIN LATERAL cadastre.overlap_between(
        b.geom, a.geom, cadastre.parcel_ref(b.commune_code, b.sheet_number, b.parcel_number),
        cadastre.parcel_ref(a.commune_code, a.sheet_number, a.parcel_number)) AS i
    WHERE a.commune_code = p_commune AND a.status = 'current';
    -- Holes: parts of the commune that no parcel covers (roads and water are parcels too);
    -- without a recorded boundary, holes inside the fabric (interior rings of its union).
    RETURN QUERY SELECT * FROM cadastre.multipart_issues(v_items);
    -- Invalid parcels count through a repaired copy (a gap beside one is still found, and an
    -- invalid parcel is no hole).
    v_fabric := ARRAY(
        SELECT ROW(w.n, w.ref, w.parcel_id,
                   CASE WHEN cadastre.geometry_sound(w.geom, v_srid) THEN w.geom
                        ELSE cadastre.repaired_copy(w.geom, v_srid) END,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL)::cadastre.edit_item
        FROM unnest(v_items) AS w);
    v_repaired := ARRAY(SELECT w.ref FROM unnest(v_items) AS w
                        WHERE NOT cadastre.geometry_sound(w.geom, v_srid) ORDER BY w.ref);
    SELECT boundary INTO v_boundary FROM cadastre.admin_unit WHERE code = p_commune;
    IF v_boundary IS NOT NULL THEN
        SELECT ST_Union(w.geom) INTO v_union FROM unnest(v_fabric) AS w;
        RETURN QUERY
        SELECT (q.x).* FROM (
        SELECT cadastre.rule_issue('hole', NULL,
                   format('%s m² của xã %s không thuộc thửa nào',
                          round(ST_Area(g.geom)::numeric, 2), p_commune),
                   format('%s m² of commune %s are covered by no parcel',
                          round(ST_Area(g.geom)::numeric, 2), p_commune)
                   || CASE WHEN cardinality(v_repaired) > 0
                           THEN format(' (counting repaired copies of the invalid %s)',
                                       array_to_string(v_repaired, ', ')) ELSE '' END,
                   g.geom)
        FROM ST_Dump(ST_CollectionExtract(ST_Difference(v_boundary, v_union), 3)) AS g
        WHERE ST_Area(g.geom) > cadastre.tolerance('gap_area')
        ) AS q(x);
    ELSE
        RETURN QUERY SELECT * FROM cadastre.coverage_issues(v_fabric, v_repaired);
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.check_commune(text) IS
    'Every rule on every current parcel of a commune, every overlapping pair once, and the holes '
    'in the commune''s fabric.';

-- Batch: a staged file, checked without importing it ----------------------------------------

CREATE OR REPLACE FUNCTION cadastre.repaired_copy(p_geom geometry, p_srid integer)
RETURNS geometry
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- A usable copy of a geometry for the coverage rules: valid ones as they are, invalid ones
    -- repaired (ST_MakeValid, polygons kept), in the register's CRS; null when nothing usable
    -- is left (NaN coordinates, a polygon collapsed to a line).
    IF p_geom IS NULL OR ST_IsEmpty(p_geom)
       OR GeometryType(p_geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
       OR NOT cadastre.within_crs_range(p_geom) THEN
        RETURN NULL;
    END IF;
    IF NOT (ST_IsValidDetail(p_geom)).valid THEN
        p_geom := ST_CollectionExtract(ST_MakeValid(p_geom), 3);
    END IF;
    IF ST_IsEmpty(p_geom) THEN
        RETURN NULL;
    END IF;
    RETURN ST_Multi(cadastre.to_register_crs(p_geom, ST_SRID(p_geom), p_srid));
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.repaired_copy(geometry, integer) IS
    'A geometry for the coverage rules: invalid ones repaired with ST_MakeValid, in the '
    'register''s CRS; null when nothing usable is left.';

CREATE OR REPLACE FUNCTION cadastre.coverage_issues(p_fabric cadastre.edit_item[],
                                                    p_repaired text[])
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_note_en text := '';
    v_note_vi text := '';
BEGIN
    -- Holes in a fabric whose invalid parcels were repaired first (p_repaired names them): a
    -- gap beside an invalid parcel is a gap, and the invalid parcel is not a hole.
    IF cardinality(p_repaired) > 0 THEN
        v_note_en := format(' (counting repaired copies of the invalid %s)',
                            array_to_string(p_repaired, ', '));
        v_note_vi := format(' (tính cả bản sửa của thửa không hợp lệ %s)',
                            array_to_string(p_repaired, ', '));
    END IF;
    RETURN QUERY
    SELECT h.rule, h.severity, h.parcel_ref, h.other_ref, h.message_vi || v_note_vi,
           h.message_en || v_note_en, h.location
    FROM cadastre.holes_between((SELECT ST_Union(w.geom) FROM unnest(p_fabric) AS w)) AS h;
END;
$$;
COMMENT ON FUNCTION cadastre.coverage_issues(cadastre.edit_item[], text[]) IS
    'Holes in a fabric (interior rings of its union), saying which invalid parcels were counted '
    'through a repaired copy.';

CREATE OR REPLACE FUNCTION cadastre.check_staged(p_batch_id bigint, p_repair boolean DEFAULT false)
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    v_srid      integer := cadastre.require_register();
    v_outcomes  cadastre.issue[];
    v_accepted  cadastre.edit_item[];
    v_fabric    cadastre.edit_item[];
    v_repaired  text[];
BEGIN
    -- The import's dry run: the very rules cadastre.register_staged applies (bulk_decide), then
    -- everything they wrote is undone (the block below ends in an exception it catches), so a
    -- check changes nothing whoever calls it and however the caller's transaction ends. Each
    -- feature the import would quarantine is an error issue with the import's reason as rule.
    BEGIN
        PERFORM cadastre.bulk_prepare(p_batch_id, NULL, current_date);
        PERFORM cadastre.bulk_decide(p_batch_id, p_repair, v_srid);
        v_accepted := ARRAY(
            SELECT ROW(w.seq::int, w.feature_ref, NULL, w.geom, w.commune_code, w.sheet_number,
                       w.parcel_number, w.legal_area, w.land_uses -> 0 ->> 'code', NULL,
                       w.land_uses)::cadastre.edit_item
            FROM bulk_work AS w ORDER BY w.seq);
        v_outcomes := ARRAY(
            SELECT cadastre.make_issue(s.reason,
                       CASE WHEN s.outcome = 'quarantined' THEN 'error' ELSE 'warning' END,
                       s.feature_ref,
                       -- Vietnamese by the reason's code (the detail is English: it stays in
                       -- message_en, beside it).
                       coalesce(r.name_vi, s.reason)
                           || CASE WHEN s.outcome = 'quarantined' THEN ''
                                   ELSE ' (sẽ được sửa bằng ST_MakeValid)' END,
                       CASE WHEN s.outcome = 'quarantined' THEN s.detail
                            ELSE 'would be ' || s.detail END,
                       s.location)
            FROM cadastre.staged_parcel AS s
            LEFT JOIN cadastre.rule AS r ON r.code = s.reason
            WHERE s.batch_id = p_batch_id AND s.reason IS NOT NULL
            ORDER BY s.feature_ref);
        RAISE EXCEPTION 'dry run' USING ERRCODE = 'P0D01';
    EXCEPTION WHEN SQLSTATE 'P0D01' THEN
        NULL;  -- undone: the batch is as it was staged, the register untouched
    END;
    RETURN QUERY SELECT * FROM unnest(v_outcomes);

    -- Warnings on what the import would register: shape (with its land uses: roads and canals
    -- are long by nature), area against the registered one, the sheet, several parts.
    RETURN QUERY SELECT * FROM cadastre.shape_issues(v_accepted);
    RETURN QUERY
    SELECT i.* FROM unnest(v_accepted) AS w
    LEFT JOIN cadastre.map_sheet AS s
      ON s.commune_code = w.commune_code AND s.number = w.sheet_number AND upper_inf(s.valid),
         LATERAL cadastre.area_issues(w.geom, w.legal_area, s.scale, w.ref) AS i;
    RETURN QUERY SELECT * FROM cadastre.placement_issues(v_accepted) WHERE severity = 'warning';
    RETURN QUERY SELECT * FROM cadastre.multipart_issues(v_accepted);

    -- Coverage: every feature with a usable geometry, invalid ones through a repaired copy.
    v_fabric := ARRAY(
        SELECT ROW(row_number() OVER (ORDER BY s.feature_ref)::int, s.feature_ref, NULL, g.geom,
                   s.commune_code, s.sheet_number, s.parcel_number, NULL, NULL, NULL,
                   NULL)::cadastre.edit_item
        FROM cadastre.staged_parcel AS s,
             -- Sound geometries straight (the extent rule above has placed them all); the few
             -- others through repaired_copy (a subtransaction each).
             LATERAL (SELECT CASE WHEN cadastre.geometry_sound(s.geom, ST_SRID(s.geom))
                                  THEN ST_Multi(CASE WHEN ST_SRID(s.geom) = v_srid THEN s.geom
                                                     ELSE ST_Transform(s.geom, v_srid) END)
                                  ELSE cadastre.repaired_copy(s.geom, v_srid) END AS geom) AS g
        WHERE s.batch_id = p_batch_id AND g.geom IS NOT NULL);
    v_repaired := ARRAY(
        SELECT s.feature_ref FROM cadastre.staged_parcel AS s
        WHERE s.batch_id = p_batch_id AND s.geom IS NOT NULL AND NOT ST_IsEmpty(s.geom)
          AND GeometryType(s.geom) IN ('POLYGON', 'MULTIPOLYGON')
          AND NOT (ST_IsValidDetail(s.geom)).valid
        ORDER BY s.feature_ref);
    -- Overlaps the import cannot see: those of an invalid feature's repaired copy (a warning:
    -- they become errors once it is repaired).
    RETURN QUERY
    SELECT i.rule, 'warning'::text, i.parcel_ref, i.other_ref,
           i.message_vi || ' (bản sửa của thửa không hợp lệ)',
           i.message_en || ' (a repaired copy of an invalid feature)', i.location
    FROM unnest(v_fabric) AS a
    JOIN unnest(v_fabric) AS b ON a.n < b.n AND a.geom && b.geom
         AND (a.ref = ANY (v_repaired) OR b.ref = ANY (v_repaired)),
         LATERAL cadastre.overlap_between(b.geom, a.geom, b.ref, a.ref) AS i;
    RETURN QUERY SELECT * FROM cadastre.coverage_issues(v_fabric, v_repaired);
END;
$$;
COMMENT ON FUNCTION cadastre.check_staged(bigint, boolean) IS
    'The import''s dry run: every rule of cadastre.register_staged on a staged file, undone; '
    'each feature the import would quarantine is an error with the import''s reason as rule, '
    'plus the warnings (shape, area, sheet, multipart) on what it would register and the holes '
    'of the file''s coverage with invalid features repaired.';
REVOKE EXECUTE ON FUNCTION cadastre.check_staged(bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cadastre.check_staged(bigint, boolean)
    TO cadastre_officer, cadastre_admin;

CREATE OR REPLACE FUNCTION cadastre.multipart_issues(p_items cadastre.edit_item[])
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    SELECT (q.x).* FROM (
    SELECT cadastre.rule_issue('multipart', w.ref,
               format('Thửa gồm %s phần rời nhau (một thửa là một vùng)', ST_NumGeometries(w.geom)),
               format('The parcel is made of %s separate parts (a parcel is one polygon)',
                      ST_NumGeometries(w.geom)),
               ST_PointOnSurface(ST_GeometryN(w.geom, 2)))
    FROM unnest(p_items) AS w WHERE ST_NumGeometries(w.geom) > 1
    ) AS q(x)
$$;
COMMENT ON FUNCTION cadastre.multipart_issues(cadastre.edit_item[]) IS
    'Parcels made of several separate polygons (a thửa is one polygon): a warning.';

CREATE OR REPLACE FUNCTION cadastre.check_staged_in_source_crs(p_batch_id bigint)
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    -- A file that is not of this province, checked on its own in its own CRS (`cadastre check
    -- FILE --in-source-crs`): what was refused while reading, geometry validity, identities
    -- repeated in the file and overlaps between its features. Nothing about the register;
    -- tolerances are read in the file's units. Locations are in the file's CRS.
    SELECT (q.x).* FROM (
        SELECT cadastre.make_issue(s.reason, 'error', s.feature_ref,
                   coalesce(r.name_vi, s.reason), s.detail, NULL)
        FROM cadastre.staged_parcel AS s LEFT JOIN cadastre.rule AS r ON r.code = s.reason
        WHERE s.batch_id = p_batch_id AND s.outcome = 'quarantined') AS q(x)
    UNION ALL
    SELECT (q.x).* FROM (
        SELECT cadastre.rule_issue('geometry_invalid', s.feature_ref,
                   format('Hình học không hợp lệ: %s', (v.d).reason),
                   format('Invalid geometry: %s', (v.d).reason), (v.d).location)
        FROM cadastre.staged_parcel AS s, LATERAL (SELECT ST_IsValidDetail(s.geom) AS d) AS v
        WHERE s.batch_id = p_batch_id AND s.outcome IS NULL AND NOT (v.d).valid) AS q(x)
    UNION ALL
    SELECT (q.x).* FROM (
        SELECT cadastre.rule_issue('duplicate_identity', d.feature_ref,
                   format('Số hiệu %s/%s/%s trùng với đối tượng %s', d.commune_code,
                          d.sheet_number, d.parcel_number, d.first_ref),
                   format('identity %s/%s/%s is also used by feature %s of this file',
                          d.commune_code, d.sheet_number, d.parcel_number, d.first_ref),
                   ST_PointOnSurface(d.geom), d.first_ref)
        FROM (SELECT s.*, first_value(feature_ref) OVER same AS first_ref,
                     row_number() OVER same AS k
              FROM cadastre.staged_parcel AS s
              WHERE s.batch_id = p_batch_id AND s.outcome IS NULL
                AND (ST_IsValidDetail(s.geom)).valid
              WINDOW same AS (PARTITION BY commune_code, sheet_number, parcel_number
                              ORDER BY ctid)) AS d
        WHERE d.k > 1) AS q(x)
    UNION ALL
    SELECT i.* FROM cadastre.staged_parcel AS a
    JOIN cadastre.staged_parcel AS b
      ON b.batch_id = a.batch_id AND a.feature_ref < b.feature_ref AND b.geom && a.geom
     AND b.outcome IS NULL AND (ST_IsValidDetail(b.geom)).valid,
         LATERAL cadastre.overlap_between(b.geom, a.geom, b.feature_ref, a.feature_ref) AS i
    WHERE a.batch_id = p_batch_id AND a.outcome IS NULL AND (ST_IsValidDetail(a.geom)).valid
$$;
COMMENT ON FUNCTION cadastre.check_staged_in_source_crs(bigint) IS
    'A staged file checked alone in its own CRS (no register rule): read refusals, validity, '
    'repeated identities, overlaps between its features.';
