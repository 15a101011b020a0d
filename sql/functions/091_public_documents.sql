-- 091_public_documents: the citizen's look-up (schema public_register, read by the web role;
-- the rules of what the public may see are in 090_public_views' header). A parcel's public
-- document is composed here (public_register.compose_document) and served from its published
-- page while that is in force (094_public_pages); a citizen finds the parcel by its identity,
-- by a click on the map or by its address.
--
-- Functions, in the order they are defined:
--   public_register.compose_document(bigint) → json
--   public_register.document_fresh_until(bigint) → date
--   public_register.parcel_document(text, text, integer) → json
--   public_register.parcel_at(double precision, double precision) → text
--   public_register.search_address(text, integer) → TABLE(ref, address, commune_name, status_codes)

-- The parcel document (the look-up) ----------------------------------------------------------

CREATE OR REPLACE FUNCTION public_register.compose_document(p_id bigint)
RETURNS json
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_status  text;
    v_retired json;
BEGIN
    SELECT status INTO v_status FROM cadastre.parcel WHERE id = p_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- What retired the parcel and what replaced it: its own statement, so the look-up of a
    -- current parcel (nearly all of them) neither plans nor starts it.
    IF v_status = 'retired' THEN
        v_retired := (SELECT json_build_object(
            'on', d.decided_on, 'kind', d.kind, 'name_vi', k.name_vi, 'name_en', k.name_en,
            'replaced_by', (
                SELECT coalesce(json_agg(json_build_object(
                           'ref', c.commune_code || '/' || c.sheet_number || '/'
                                  || c.parcel_number,
                           'status', c.status)
                           ORDER BY c.commune_code, c.sheet_number, c.parcel_number), '[]')
                FROM cadastre.parcel_lineage AS l JOIN cadastre.parcel AS c ON c.id = l.child_id
                WHERE l.parent_id = p.id))
            FROM cadastre.parcel AS p
            JOIN cadastre.dossier AS d ON d.id = p.dossier_id
            JOIN cadastre.dossier_kind AS k ON k.code = d.kind
            WHERE p.id = p_id);
    END IF;
    -- One statement, planned once per session (PL/pgSQL): the timeline, the restrictions and
    -- the dossiers in progress are SQL functions the planner inlines here; the restrictions
    -- and dossiers are read once, for their lists and for the status codes they give.
    -- json, not jsonb: the document is only ever sent, so it is written once as text, in
    -- this key order.
    RETURN (SELECT json_build_object(
        'ref', p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number,
        'commune', json_build_object('code', p.commune_code, 'name', u.name),
        'sheet', p.sheet_number,
        'number', p.parcel_number,
        'status', p.status,
        'status_codes', public_register.status_list(p.status, ARRAY(
            SELECT s.code FROM unnest(o.codes) AS s (code) GROUP BY s.code
            ORDER BY public_register.status_severity(s.code), s.code)),
        'legal_area', p.legal_area,
        'address', p.address,
        'old_identifiers', p.old_identifiers,
        'land_uses', (
            -- Sub-selects and a join on a primary key: one index probe per use.
            SELECT coalesce(json_agg(json_build_object(
                       'code', e ->> 'code',
                       'name', (SELECT c.name FROM cadastre.land_use_code AS c
                                WHERE c.code = e ->> 'code'),
                       'area', (e ->> 'area')::numeric,
                       'form', e ->> 'form',
                       'form_vi', f.name_vi,
                       'form_en', f.name_en,
                       'term_end', e ->> 'term_end') ORDER BY x.n), '[]')
            FROM jsonb_array_elements(p.land_uses) WITH ORDINALITY AS x (e, n)
            LEFT JOIN cadastre.land_use_form AS f ON f.code = x.e ->> 'form'),
        'certificate', (
            SELECT json_build_object('issued', count(*) > 0, 'issued_on', max(c.issued_on))
            FROM cadastre.certificate_parcel AS cp
            JOIN cadastre.certificate AS c ON c.id = cp.certificate_id
            WHERE cp.parcel_id = p.id AND c.cancelled_on IS NULL),
        'holders', (
            SELECT coalesce(json_agg(json_build_object(
                       'name', public_register.mask_name(pa.name), 'kind', pa.kind,
                       'share', s.numerator || '/' || s.denominator) ORDER BY s.party_id), '[]')
            FROM cadastre.rrr AS r
            JOIN cadastre.rrr_share AS s ON s.rrr_id = r.id
            JOIN cadastre.party AS pa ON pa.id = s.party_id
            WHERE r.parcel_id = p.id AND r.kind = 'land_use_right'
              AND public_register.is_open(r.valid)),
        'restrictions', o.restrictions,
        'dossiers_in_progress', o.dossiers,
        'retired', v_retired,
        'made_from', (
            SELECT coalesce(json_agg(json_build_object(
                       'ref', a.commune_code || '/' || a.sheet_number || '/' || a.parcel_number,
                       'kind', l.kind)
                       ORDER BY a.commune_code, a.sheet_number, a.parcel_number), '[]')
            FROM cadastre.parcel_lineage AS l JOIN cadastre.parcel AS a ON a.id = l.parent_id
            WHERE l.child_id = p.id),
        'timeline', (
            SELECT coalesce(json_agg(json_build_object(
                       'on', t.on_date, 'kind', t.dossier_kind, 'name_vi', t.kind_vi,
                       'name_en', t.kind_en) ORDER BY t.on_date, t.recorded_at), '[]')
            FROM cadastre.parcel_timeline(p.id) AS t),
        'location', json_build_object(
            'lon', round(ST_X(e.point)::numeric, 7),
            'lat', round(ST_Y(e.point)::numeric, 7),
            'bbox', json_build_array(round(ST_XMin(b)::numeric, 7), round(ST_YMin(b)::numeric, 7),
                                     round(ST_XMax(b)::numeric, 7), round(ST_YMax(b)::numeric, 7))),
        'geometry', ST_AsGeoJSON(e.wgs84, 7)::json,
        'changed_at', lower(p.sys_period))
    FROM cadastre.parcel AS p
    JOIN cadastre.admin_unit AS u ON u.code = p.commune_code
    -- The open restrictions (o1) and dossiers in progress (o2), and their status codes (o).
    CROSS JOIN LATERAL (
        SELECT coalesce(json_agg(json_build_object(
                   'kind', r.kind, 'name_vi', r.name_vi, 'name_en', r.name_en,
                   'since', r.since) ORDER BY r.since, r.rrr_id), '[]') AS restrictions,
               array_agg(r.status) AS codes
        FROM public_register.open_restrictions(ARRAY[p.id]) AS r) AS o1
    CROSS JOIN LATERAL (
        SELECT coalesce(json_agg(json_build_object(
                   'kind', d.kind, 'name_vi', d.name_vi, 'name_en', d.name_en,
                   'received_on', d.received_on) ORDER BY d.received_on, d.dossier_id),
                   '[]') AS dossiers,
               array_agg(d.status) AS codes
        FROM public_register.open_dossiers(ARRAY[p.id]) AS d) AS o2
    CROSS JOIN LATERAL (SELECT o1.restrictions, o2.dossiers,
                               coalesce(o1.codes, '{}') || coalesce(o2.codes, '{}') AS codes) AS o
    -- The WGS 84 shape, its box and a point on it, each computed once (OFFSET 0 keeps the
    -- planner from copying the expressions into every place that uses them).
    CROSS JOIN LATERAL (
        SELECT g.wgs84, g.point, g.wgs84::box2d AS b
        FROM (SELECT ST_Transform(p.geom, 4326) AS wgs84,
                     ST_Transform(ST_PointOnSurface(p.geom), 4326) AS point OFFSET 0) AS g
        OFFSET 0) AS e
    WHERE p.id = p_id);
END;
$$;
COMMENT ON FUNCTION public_register.compose_document(bigint) IS
    'Everything the public may know about a parcel (by id), as JSON: identity, old '
    'identifiers, area, land uses with form and term, certificate, masked holders, '
    'restrictions, dossiers in progress, retirement and what replaced it, lineage, timeline '
    '(kinds and dates only), location (WGS 84) and geometry; NULL when there is no such parcel. '
    'Published in public_register.parcel_page; the look-up composes it only when the page is '
    'not in force (public_register.page_in_force).';

CREATE OR REPLACE FUNCTION public_register.document_fresh_until(p_id bigint)
RETURNS date
LANGUAGE sql STABLE
AS $$
    -- The rights (holders) and restrictions the document shows as open: the first day one
    -- of them ends is the first day the document is wrong (public_register.is_open).
    SELECT min(upper(r.valid)) FROM cadastre.rrr AS r
    WHERE r.parcel_id = p_id AND NOT upper_inf(r.valid) AND upper(r.valid) > current_date
$$;
COMMENT ON FUNCTION public_register.document_fresh_until(bigint) IS
    'The first day on which a parcel''s composed document goes stale because a right or '
    'restriction ends; NULL when none of its open ones has an end.';

CREATE OR REPLACE FUNCTION public_register.parcel_document(p_commune text, p_sheet text,
                                                           p_number integer)
RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_id   bigint;
    v_txid bigint;
BEGIN
    -- The current parcel with this identity; else the last one that bore it (retired); else
    -- the current parcel that bore it as an old identifier (commune merger, renumbering).
    -- Two statements, not one coalesce: the rare old-identifier search looks dear in a
    -- generic plan, which made PostgreSQL re-plan the whole look-up on every call.
    SELECT id, sys_txid INTO v_id, v_txid FROM cadastre.parcel
    WHERE commune_code = p_commune AND sheet_number = p_sheet AND parcel_number = p_number
    ORDER BY status = 'current' DESC, lower(sys_period) DESC, id DESC LIMIT 1;
    IF v_id IS NULL THEN
        SELECT id, sys_txid INTO v_id, v_txid FROM cadastre.parcel
        WHERE old_identifiers @> jsonb_build_array(jsonb_build_object(
                  'commune_code', p_commune, 'sheet_number', p_sheet, 'parcel_number', p_number))
        ORDER BY status = 'current' DESC, id DESC LIMIT 1;
        IF v_id IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
    -- The published page while it is in force; else composed now (not yet published, or
    -- the parcel or something on its page has changed since, or a right on it has ended).
    RETURN coalesce(
        (SELECT g.document FROM public_register.parcel_page AS g
         WHERE g.parcel_id = v_id AND public_register.page_in_force(g, v_txid)),
        public_register.compose_document(v_id));
END;
$$;
COMMENT ON FUNCTION public_register.parcel_document(text, text, integer) IS
    'Everything the public may know about the parcel bearing an identity (current first, then '
    'retired, then by old identifier), as JSON (public_register.compose_document, read from '
    'its published page while that is in force); NULL when none.';

CREATE OR REPLACE FUNCTION public_register.parcel_at(p_lon double precision,
                                                     p_lat double precision)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number
    FROM cadastre.parcel AS p,
         (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326),
                              (SELECT srid FROM cadastre.register_setting)) AS pt) AS q
    WHERE p.status = 'current' AND p.geom && q.pt AND ST_Intersects(p.geom, q.pt)
    ORDER BY p.id LIMIT 1
$$;
COMMENT ON FUNCTION public_register.parcel_at(double precision, double precision) IS
    'Identity of the current parcel under a WGS 84 point (a click on the map); NULL if none.';

CREATE OR REPLACE FUNCTION public_register.search_address(p_query text, p_limit integer)
RETURNS TABLE (ref text, address text, commune_name text, status_codes text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_words text[];
    v_numbers text[];
    v_where text;
BEGIN
    v_words := ARRAY(SELECT w FROM regexp_split_to_table(public_register.fold(p_query), '\s+') AS w
                     WHERE w <> '' LIMIT 8);
    IF coalesce(array_length(v_words, 1), 0) = 0 THEN
        RETURN;
    END IF;
    -- A number the citizen typed is a house, lane or alley number: matched whole (4 is not
    -- 14 nor 45), leading zeros aside.
    v_numbers := ARRAY(SELECT ltrim(w, '0') FROM unnest(v_words) AS w WHERE w ~ '^[0-9]+$');
    -- One LIKE per word so the trigram index answers each; words are quoted literals (%L),
    -- with LIKE's own wildcards escaped; a number is also matched whole by a regular
    -- expression.
    SELECT string_agg(
               format('public_register.fold(p.address) LIKE %L',
                      '%' || replace(replace(replace(w, '\', '\\'), '%', '\%'), '_', '\_') || '%')
               || CASE WHEN w ~ '^[0-9]+$'
                       THEN format(' AND public_register.fold(p.address) ~ %L',
                                   '(^|[^0-9])0*' || ltrim(w, '0') || '([^0-9]|$)')
                       ELSE '' END,
               ' AND ')
    INTO v_where FROM unnest(v_words) AS w;
    -- Exact: the address's numbers are the numbers asked, in order ("Số 4 phố Hàng Bạc" is
    -- number 4 of that street; "Số 15 ngõ 4 phố Hàng Bạc" is not). When any parcel is at the
    -- exact address, only those are answered. Order: by street (the address without its
    -- numbers), then by house number in numeric order (2, 4, 8, 15).
    RETURN QUERY EXECUTE format(
        'WITH hit AS ( '
        '  SELECT p.id, p.status, p.commune_code, p.sheet_number, p.parcel_number, p.address, '
        '         u.name AS commune_name, n.numbers, '
        '         (cardinality($1) > 0 AND n.texts = $1) AS exact '
        '  FROM cadastre.parcel AS p JOIN cadastre.admin_unit AS u ON u.code = p.commune_code '
        '  CROSS JOIN LATERAL ( '
        '      SELECT array_agg(ltrim(x.m[1], ''0'') ORDER BY x.o) AS texts, '
        '             array_agg(x.m[1]::numeric ORDER BY x.o) AS numbers '
        '      FROM regexp_matches(public_register.fold(p.address), ''[0-9]+'', ''g'') '
        '           WITH ORDINALITY AS x(m, o)) AS n '
        '  WHERE p.status = ''current'' AND %s) '
        'SELECT h.commune_code || ''/'' || h.sheet_number || ''/'' || h.parcel_number, '
        '       h.address, h.commune_name, public_register.status_codes(h.id, h.status) '
        'FROM hit AS h '
        'WHERE h.exact OR NOT EXISTS (SELECT 1 FROM hit WHERE hit.exact) '
        'ORDER BY regexp_replace(public_register.fold(h.address), ''[0-9]+'', '''', ''g''), '
        '         h.numbers NULLS FIRST, h.address, h.commune_code, h.sheet_number, '
        '         h.parcel_number '
        'LIMIT %s', v_where, least(greatest(p_limit, 1), 101))
        USING v_numbers;
END;
$$;
COMMENT ON FUNCTION public_register.search_address(text, integer) IS
    'Current parcels whose address contains every word of the query, accents and case '
    'ignored, numbers matched whole (at most 8 words, 101 results: the web view asks one '
    'more than it shows, to know there are more). When parcels stand at exactly the numbers '
    'asked, only they are answered; ordered by street, then house number in numeric order.';

-- What the web role may use --------------------------------------------------------------------

REVOKE ALL ON FUNCTION public_register.parcel_document(text, text, integer),
    public_register.parcel_at(double precision, double precision),
    public_register.search_address(text, integer),
    public_register.compose_document(bigint), public_register.document_fresh_until(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public_register.parcel_document(text, text, integer),
    public_register.parcel_at(double precision, double precision),
    public_register.search_address(text, integer)
    TO cadastre_web;
