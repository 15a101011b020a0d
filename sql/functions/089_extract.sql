-- 089_extract: the cadastral information extract (trích lục thửa đất / bản đồ địa chính).
-- The register composes what an extract certifies — the parcel's identity, area and land uses,
-- its outline, vertices (VN-2000 TM-3 of the register) and edge lengths, the neighbours'
-- outlines and numbers within the map frame at a standard scale, the register date — as one
-- jsonb (cadastre.extract_content); Python draws it as a PDF (cadastre/extract/layout.py) and
-- never computes geometry. Issuing records the extract with a random verification code and the
-- SHA-256 of its content (cadastre.issue_extract, table cadastre.extract, 031_extracts.sql), so
-- the public verification page (public_register.extract_record) can confirm any copy.
-- Public facts only: no holder, share, restriction creditor, dossier or personal detail ever
-- enters the content (tests/db/test_extract_content.py searches it for the sample's people).
--
-- Who may do what: everyone who reads the register may compose a content; officers and
-- administrators issue extracts for a named person or application; the web role issues the
-- free public extract through public_register.issue_extract (issued for 'public', the same
-- content on the same day reusing one record) and reads a record by its code; only
-- administrators change the verification URL.
--
-- Functions, in the order they are defined:
--   cadastre.extract_scale(double precision, double precision) → integer
--   cadastre.extract_content(bigint) → jsonb
--   cadastre.extract_answer(cadastre.extract) → jsonb
--   cadastre.issue_extract(bigint, text, text) → jsonb
--   cadastre.set_extract_url(text) → void
--   public_register.issue_extract(text, text, integer, text) → jsonb
--   public_register.extract_record(text) → jsonb

-- The map frame on the page (mm), read by the layout from the content: A4 portrait, margins.
-- The standard scales of cadastral maps (DOMAIN.md: 1:200/500 cities, 1:1000/2000 suburbs,
-- 1:5000/10000 rural); the extract takes the largest that shows the parcel whole with a fifth
-- of its size around it, so the neighbours it touches are seen.

CREATE OR REPLACE FUNCTION cadastre.extract_scale(p_width double precision,
                                                  p_height double precision)
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
    SELECT min(s.scale)
    FROM unnest(ARRAY[200, 500, 1000, 2000, 5000, 10000]) AS s (scale)
    WHERE p_width * 1.2 <= 0.180 * s.scale AND p_height * 1.2 <= 0.120 * s.scale
$$;
COMMENT ON FUNCTION cadastre.extract_scale(double precision, double precision) IS
    'The smallest standard cadastral scale denominator (200, 500, 1000, 2000, 5000, 10000) at '
    'which a box of this width and height (m), plus 20 %, fits the extract''s 180 × 120 mm map '
    'frame; NULL when even 1:10000 is too small.';

CREATE OR REPLACE FUNCTION cadastre.extract_content(p_parcel_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = public, pg_temp
AS $$
DECLARE
    v_parcel  cadastre.parcel;
    v_box     box2d;
    v_scale   integer;
    v_cx      double precision;
    v_cy      double precision;
    v_frame   geometry;
    v_srid    integer;
BEGIN
    SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = p_parcel_id;
    IF NOT FOUND OR v_parcel.status <> 'current' THEN
        RAISE EXCEPTION 'Không có thửa đất hiện hành số % / No current parcel %', p_parcel_id,
                        p_parcel_id
            USING ERRCODE = 'no_data_found',
                  HINT = 'Trích lục chỉ cấp cho thửa đang có hiệu lực / An extract is issued for '
                         'a current parcel only: look the parcel up by its identity.';
    END IF;
    v_box := ST_Extent(v_parcel.geom);
    v_scale := cadastre.extract_scale(ST_XMax(v_box) - ST_XMin(v_box),
                                      ST_YMax(v_box) - ST_YMin(v_box));
    IF v_scale IS NULL THEN
        RAISE EXCEPTION 'Thửa % quá lớn để trích lục ở tỷ lệ 1:10000 / Parcel % is too large '
                        'for an extract at 1:10000',
                        v_parcel.commune_code || '/' || v_parcel.sheet_number || '/'
                        || v_parcel.parcel_number,
                        v_parcel.commune_code || '/' || v_parcel.sheet_number || '/'
                        || v_parcel.parcel_number
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'Such a parcel is extracted from its map sheets, not as one extract.';
    END IF;
    v_srid := ST_SRID(v_parcel.geom);
    v_cx := (ST_XMin(v_box) + ST_XMax(v_box)) / 2;
    v_cy := (ST_YMin(v_box) + ST_YMax(v_box)) / 2;
    v_frame := ST_MakeEnvelope(v_cx - 0.090 * v_scale, v_cy - 0.060 * v_scale,
                               v_cx + 0.090 * v_scale, v_cy + 0.060 * v_scale, v_srid);
    RETURN (
    WITH point AS (
        SELECT d.path[1] AS poly, d.path[2] AS ring, d.path[3] AS i,
               ST_X(d.geom) AS x, ST_Y(d.geom) AS y
        FROM ST_DumpPoints(v_parcel.geom) AS d),
    corner AS (
        SELECT p.*, row_number() OVER (ORDER BY p.poly, p.ring, p.i) AS n
        FROM point AS p
        WHERE p.i < (SELECT max(q.i) FROM point AS q WHERE q.poly = p.poly AND q.ring = p.ring)),
    edge AS (
        SELECT c.n, c.x, c.y,
               coalesce(lead(c.n) OVER ring, first_value(c.n) OVER ring) AS next_n,
               coalesce(lead(c.x) OVER ring, first_value(c.x) OVER ring) AS next_x,
               coalesce(lead(c.y) OVER ring, first_value(c.y) OVER ring) AS next_y
        FROM corner AS c
        WINDOW ring AS (PARTITION BY c.poly, c.ring ORDER BY c.i
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
    SELECT jsonb_build_object(
        'ref', v_parcel.commune_code || '/' || v_parcel.sheet_number || '/'
               || v_parcel.parcel_number,
        'commune', (SELECT jsonb_build_object('code', u.code, 'name', u.name,
                                              'province', pu.name)
                    FROM cadastre.admin_unit AS u
                    LEFT JOIN cadastre.admin_unit AS pu ON pu.code = u.parent_code
                    WHERE u.code = v_parcel.commune_code),
        'sheet', v_parcel.sheet_number,
        'number', v_parcel.parcel_number,
        'sheet_scale', (SELECT m.scale FROM cadastre.map_sheet AS m
                        WHERE m.commune_code = v_parcel.commune_code
                          AND m.number = v_parcel.sheet_number
                          AND m.valid @> (cadastre.clock() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                        LIMIT 1),
        'address', v_parcel.address,
        'legal_area', v_parcel.legal_area,
        'map_area', round(ST_Area(v_parcel.geom)::numeric, 1),
        'land_uses', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                 'code', lu.code, 'name', c.name, 'area', lu.area,
                                 'form', lu.form, 'form_vi', f.name_vi, 'form_en', f.name_en,
                                 'term_end', lu.term_end) ORDER BY lu.ord), '[]')
                      FROM ROWS FROM (jsonb_to_recordset(v_parcel.land_uses)
                                      AS (code text, area numeric, form text, term_end date))
                           WITH ORDINALITY AS lu (code, area, form, term_end, ord)
                      LEFT JOIN cadastre.land_use_code AS c ON c.code = lu.code
                      LEFT JOIN cadastre.land_use_form AS f ON f.code = lu.form),
        'crs', (SELECT jsonb_build_object('srid', s.srid,
                                          'name', split_part(s.srtext, '"', 2))
                FROM public.spatial_ref_sys AS s WHERE s.srid = v_srid),
        'version', v_parcel.version,
        -- Instants in UTC text: the content (and its hash) must not depend on a session's TimeZone.
        'recorded_since', to_char(lower(v_parcel.sys_period) AT TIME ZONE 'UTC',
                                  'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'register_date', (cadastre.clock() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
        'map', jsonb_build_object(
            'scale', v_scale, 'width_mm', 180, 'height_mm', 120,
            'frame', jsonb_build_array(round(ST_XMin(v_frame)::numeric, 3),
                                       round(ST_YMin(v_frame)::numeric, 3),
                                       round(ST_XMax(v_frame)::numeric, 3),
                                       round(ST_YMax(v_frame)::numeric, 3))),
        'outline', ST_AsGeoJSON(v_parcel.geom, 3)::jsonb -> 'coordinates',
        'label', (SELECT jsonb_build_array(round(ST_X(l.p)::numeric, 2),
                                           round(ST_Y(l.p)::numeric, 2))
                  FROM ST_PointOnSurface(v_parcel.geom) AS l (p)),
        -- Corners: every point of every ring but each ring's closing one, numbered in ring
        -- order; each edge runs from a corner to the next one of its ring (the last closes it).
        'vertices', (SELECT jsonb_agg(jsonb_build_object('n', c.n, 'x', c.x, 'y', c.y)
                                      ORDER BY c.n)
                     FROM edge AS c),
        'edges', (SELECT jsonb_agg(jsonb_build_object(
                         'from', c.n, 'to', c.next_n,
                         'length', round(sqrt((c.next_x - c.x) ^ 2
                                              + (c.next_y - c.y) ^ 2)::numeric, 2))
                         ORDER BY c.n)
                  FROM edge AS c),
        -- Neighbours: the current parcels the frame shows, their part within it, the nearest
        -- first; those touching the parcel are marked (the adjacent parcels, thửa liền kề).
        'neighbours', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                              'ref', n.ref, 'sheet', n.sheet_number, 'number', n.parcel_number,
                              'adjacent', n.adjacent,
                              'label', jsonb_build_array(round(ST_X(n.label)::numeric, 2),
                                                         round(ST_Y(n.label)::numeric, 2)),
                              'outline', ST_AsGeoJSON(n.clipped, 2)::jsonb -> 'coordinates')
                              ORDER BY n.distance, n.ref), '[]')
                       FROM (SELECT q.commune_code || '/' || q.sheet_number || '/'
                                    || q.parcel_number AS ref,
                                    q.sheet_number, q.parcel_number,
                                    ST_Intersects(q.geom, v_parcel.geom) AS adjacent,
                                    ST_Distance(q.geom, v_parcel.geom) AS distance,
                                    ST_Multi(ST_CollectionExtract(
                                        ST_Intersection(q.geom, v_frame), 3)) AS clipped,
                                    ST_PointOnSurface(ST_Intersection(q.geom, v_frame)) AS label
                             FROM cadastre.parcel AS q
                             WHERE q.status = 'current' AND q.id <> v_parcel.id
                               AND q.geom && v_frame AND ST_Intersects(q.geom, v_frame)
                             ORDER BY ST_Distance(q.geom, v_parcel.geom)
                             LIMIT 400) AS n
                       WHERE NOT ST_IsEmpty(n.clipped))
    ));
END;
$$;
COMMENT ON FUNCTION cadastre.extract_content(bigint) IS
    'What an extract of a current parcel certifies, as jsonb: identity, address, legal and map '
    'area, land uses, CRS, version, register date, the map (scale, frame), the outline, the '
    'numbered vertices (x east, y north, in the register''s CRS), edge lengths and the '
    'neighbours within the frame (at most 400, nearest first). Public facts only.';

CREATE OR REPLACE FUNCTION cadastre.extract_answer(p_row cadastre.extract)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'code', p_row.code, 'verify_url', p_row.verify_url, 'layout', p_row.layout,
        'issued_at', to_char(p_row.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'register_date', p_row.register_date,
        'parcel_version', p_row.parcel_version, 'content_sha256', p_row.content_sha256,
        'content', p_row.content,
        'parcel_current', EXISTS (SELECT 1 FROM cadastre.parcel AS p
                                  WHERE p.id = p_row.parcel_id AND p.status = 'current'
                                    AND p.version = p_row.parcel_version))
$$;
COMMENT ON FUNCTION cadastre.extract_answer(cadastre.extract) IS
    'An issued extract as its issuer and the verification page see it: code, verification URL, '
    'layout, issue instant, register date, content and its SHA-256, and whether the parcel is '
    'still at the version it certifies (never who issued it or for whom).';

CREATE OR REPLACE FUNCTION cadastre.issue_extract(p_parcel_id bigint, p_issued_for text,
                                                  p_layout text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_public   boolean := session_user = 'cadastre_web';
    v_content  jsonb;
    v_hash     text;
    v_row      cadastre.extract;
    v_url      text;
BEGIN
    IF NOT v_public AND NOT (pg_has_role(session_user, 'cadastre_officer', 'MEMBER')
                             OR cadastre.is_admin()) THEN
        RAISE EXCEPTION 'Chỉ cán bộ địa chính cấp trích lục / Only land officers issue extracts'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Citizens download the public extract from the parcel''s page.';
    END IF;
    IF p_layout IS NULL OR p_layout !~ '^[0-9A-Za-z.-]{1,32}$' THEN
        RAISE EXCEPTION 'Phiên bản mẫu trích lục không hợp lệ / Invalid extract layout %',
                        quote_nullable(p_layout)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass cadastre.extract.layout.LAYOUT_VERSION.';
    END IF;
    IF NOT v_public AND (p_issued_for IS NULL OR btrim(p_issued_for) = ''
                         OR length(p_issued_for) > 200) THEN
        RAISE EXCEPTION 'Cần ghi trích lục cấp cho ai / Say whom the extract is issued for'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The applicant''s name or the application''s receipt code '
                         '(at most 200 characters).';
    END IF;
    v_content := cadastre.extract_content(p_parcel_id);
    v_hash := encode(sha256(convert_to(v_content::text, 'UTF8')), 'hex');
    IF v_public THEN
        -- The free public extract: the same content (same day, same versions) is one record,
        -- whoever downloads it and however often; two downloads at once wait for each other.
        PERFORM pg_advisory_xact_lock(hashtextextended(v_hash || p_layout, 0));
        SELECT * INTO v_row FROM cadastre.extract AS e
        WHERE e.content_sha256 = v_hash AND e.layout = p_layout AND e.issued_by = session_user
        ORDER BY e.issued_at LIMIT 1;
        IF FOUND THEN
            RETURN cadastre.extract_answer(v_row);
        END IF;
    END IF;
    SELECT s.verify_url INTO v_url FROM cadastre.extract_setting AS s;
    INSERT INTO cadastre.extract AS e (code, parcel_id, parcel_version, register_date, content,
                                       content_sha256, layout, verify_url, issued_at,
                                       issued_by, issued_for)
    SELECT r.code, p_parcel_id, (v_content ->> 'version')::integer,
           (v_content ->> 'register_date')::date, v_content, v_hash, p_layout,
           v_url || r.code, cadastre.clock(), session_user,
           CASE WHEN v_public THEN 'public' ELSE btrim(p_issued_for) END
    FROM (SELECT upper(regexp_replace(substr(md5(gen_random_uuid()::text), 1, 16),
                                      '(....)(?!$)', '\1-', 'g')) AS code) AS r
    RETURNING e.* INTO v_row;
    RETURN cadastre.extract_answer(v_row);
END;
$$;
COMMENT ON FUNCTION cadastre.issue_extract(bigint, text, text) IS
    'Issue an extract of a current parcel: compose its content, record it with a new random '
    'verification code and the content''s SHA-256, and answer as cadastre.extract_answer. '
    'Officers and administrators name whom it is for; the web role (public_register.'
    'issue_extract) issues for ''public'' and reuses the record of identical content.';

CREATE OR REPLACE FUNCTION cadastre.set_extract_url(p_url text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    IF NOT cadastre.is_admin() THEN
        RAISE EXCEPTION 'Only administrators set the extracts'' verification URL'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_url IS NULL OR p_url !~ '^https?://[^\s"''<>]+/$' THEN
        RAISE EXCEPTION 'Invalid verification URL %', quote_nullable(p_url)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'An http(s) URL ending with a slash, e.g. https://dichvu.example.vn/xac-minh/';
    END IF;
    UPDATE cadastre.extract_setting SET verify_url = p_url;
END;
$$;
COMMENT ON FUNCTION cadastre.set_extract_url(text) IS
    'Administrators: the base of the verification URL printed on extracts issued from now on.';

CREATE OR REPLACE FUNCTION public_register.issue_extract(p_commune text, p_sheet text,
                                                         p_number integer, p_layout text)
RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT cadastre.issue_extract(p.id, NULL, p_layout)
    FROM cadastre.parcel AS p
    WHERE p.commune_code = p_commune AND p.sheet_number = p_sheet
      AND p.parcel_number = p_number AND p.status = 'current'
$$;
COMMENT ON FUNCTION public_register.issue_extract(text, text, integer, text) IS
    'The web view''s free public extract of the current parcel bearing an identity (NULL when '
    'there is none): cadastre.issue_extract, issued for ''public''.';

CREATE OR REPLACE FUNCTION public_register.extract_record(p_code text)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT cadastre.extract_answer(e) FROM cadastre.extract AS e WHERE e.code = upper(p_code)
$$;
COMMENT ON FUNCTION public_register.extract_record(text) IS
    'An issued extract by its verification code (NULL when unknown), as the verification page '
    'shows it: content, hash, dates, whether the parcel changed since; never issuer or holder.';

REVOKE ALL ON FUNCTION cadastre.issue_extract(bigint, text, text),
    cadastre.set_extract_url(text),
    public_register.issue_extract(text, text, integer, text),
    public_register.extract_record(text) FROM PUBLIC;
-- Analysts too, so that the operation itself tells them in words that only officers issue.
GRANT EXECUTE ON FUNCTION cadastre.issue_extract(bigint, text, text)
    TO cadastre_officer, cadastre_analyst, cadastre_admin;
GRANT EXECUTE ON FUNCTION cadastre.set_extract_url(text) TO cadastre_admin;
GRANT EXECUTE ON FUNCTION public_register.issue_extract(text, text, integer, text),
    public_register.extract_record(text) TO cadastre_web;
