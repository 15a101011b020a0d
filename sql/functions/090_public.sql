-- 090_public: the public face of the register, read by the citizens' web view (role
-- cadastre_web, schema public_register; see sql/migrations/008_public_web.sql and docs/web.md).
-- Everything a citizen may see is computed here, so personal data never leaves the database
-- through the web role: no ID number, birth date or personal address is ever read, and holder
-- names leave only masked (public_register.mask_name). Views and SECURITY DEFINER functions are
-- owned by the migrating role: they read the register, the web role cannot.
-- Also here: the triggers that record where the public picture changed
-- (public_register.map_change) so the web view evicts exactly the stale cached tiles and
-- look-ups, the published parcel pages the look-up reads (public_register.parcel_page) with
-- the triggers that withdraw them, and cadastre.add_dossier_parcel, which links a received
-- dossier to its parcels.

-- Dossiers in progress ------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.add_dossier_parcel(p_dossier_id bigint, p_parcel_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier;
BEGIN
    v_dossier := cadastre.dossier_for(p_dossier_id, 'name parcels of');
    IF NOT EXISTS (SELECT 1 FROM cadastre.parcel WHERE id = p_parcel_id) THEN
        RAISE EXCEPTION 'Parcel id % does not exist', p_parcel_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    INSERT INTO cadastre.dossier_parcel (dossier_id, parcel_id)
    VALUES (p_dossier_id, p_parcel_id)
    ON CONFLICT DO NOTHING;
END;
$$;
COMMENT ON FUNCTION cadastre.add_dossier_parcel(bigint, bigint) IS
    'Record that a dossier concerns a parcel (at receipt): the public then sees a dossier in '
    'progress on it until the dossier is decided.';

-- Small helpers ---------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public_register.mask_name(p_name text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- A household's "Hộ ông" / "Hộ bà" (or "Hộ gia đình ông/bà") is kept as written: it says
    -- what kind of holder this is and names no one. Each word of the rest becomes " X***",
    -- then the leading space and any trailing white space go; NULL when there is no word.
    -- One expression, and not STRICT, so the planner inlines it: a SQL function it cannot
    -- inline is parsed and planned again on every parcel document.
    SELECT nullif(concat_ws(' ',
        substring(p_name FROM '^\s*((?:[Hh]ộ|HỘ)\s+(?:gia\s+đình\s+)?(?:ông|bà|Ông|Bà|ÔNG|BÀ))\s'),
        nullif(regexp_replace(regexp_replace(
            regexp_replace(p_name,
                           '^\s*(?:[Hh]ộ|HỘ)\s+(?:gia\s+đình\s+)?(?:ông|bà|Ông|Bà|ÔNG|BÀ)\s', ''),
            '\s*(\S)\S*', ' \1***', 'g'), '^ |\s+$', '', 'g'), '')), '')
$$;
COMMENT ON FUNCTION public_register.mask_name(text) IS
    'A name as the public may see it: the first letter of each word, the rest hidden '
    '("Bùi Văn Khoa" → "B*** V*** K***"); a household keeps its "Hộ ông"/"Hộ bà" '
    '("Hộ ông Bùi Văn Khoa" → "Hộ ông B*** V*** K***").';

CREATE OR REPLACE FUNCTION public_register.is_open(p_valid daterange)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT upper_inf(p_valid) OR upper(p_valid) > current_date
$$;
COMMENT ON FUNCTION public_register.is_open(daterange) IS
    'A right or restriction that has not ended (today or earlier).';

CREATE OR REPLACE FUNCTION public_register.status_severity(p_code text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT array_position(ARRAY['registered', 'corridor', 'dossier_in_progress', 'planning',
                                'acquisition', 'mortgaged', 'disputed', 'seized', 'retired'],
                          p_code)
$$;
COMMENT ON FUNCTION public_register.status_severity(text) IS
    'How serious a status is for a buyer or lender (the map highlights the most serious).';

CREATE OR REPLACE FUNCTION public_register.restriction_status(p_kind text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE p_kind WHEN 'mortgage' THEN 'mortgaged' WHEN 'seizure' THEN 'seized'
                       WHEN 'dispute' THEN 'disputed' WHEN 'planning_reservation' THEN 'planning'
                       ELSE p_kind END
$$;
COMMENT ON FUNCTION public_register.restriction_status(text) IS
    'The status an open restriction of a kind gives its parcel (mortgage → mortgaged …).';

CREATE OR REPLACE FUNCTION public_register.dossier_status(p_kind text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE p_kind WHEN 'acquisition' THEN 'acquisition' ELSE 'dossier_in_progress' END
$$;
COMMENT ON FUNCTION public_register.dossier_status(text) IS
    'The status a received (undecided) dossier of a kind gives the parcels it concerns.';

CREATE OR REPLACE FUNCTION public_register.open_restrictions(p_ids bigint[])
RETURNS TABLE (parcel_id bigint, rrr_id bigint, kind text, name_vi text, name_en text,
               since date, status text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    -- One SELECT in SQL, neither STRICT nor SECURITY DEFINER: the planner inlines it into
    -- each query that asks (the parcel document, the status codes, the tiles).
    SELECT r.parcel_id, r.id, r.kind, k.name_vi, k.name_en, lower(r.valid),
           public_register.restriction_status(r.kind)
    FROM cadastre.rrr AS r
    JOIN cadastre.rrr_kind AS k ON k.code = r.kind AND k.class = 'restriction'
    WHERE r.parcel_id = ANY (p_ids) AND public_register.is_open(r.valid)
$$;
COMMENT ON FUNCTION public_register.open_restrictions(bigint[]) IS
    'The restrictions (mortgage, seizure, dispute, planning reservation, corridor) of a set '
    'of parcels that have not ended, each with the status it gives its parcel.';

CREATE OR REPLACE FUNCTION public_register.open_dossiers(p_ids bigint[])
RETURNS TABLE (parcel_id bigint, dossier_id bigint, kind text, name_vi text, name_en text,
               received_on date, status text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    -- Inlinable, as open_restrictions.
    SELECT dp.parcel_id, d.id, d.kind, k.name_vi, k.name_en, d.received_on,
           public_register.dossier_status(d.kind)
    FROM cadastre.dossier_parcel AS dp
    JOIN cadastre.dossier AS d ON d.id = dp.dossier_id AND d.status = 'received'
    JOIN cadastre.dossier_kind AS k ON k.code = d.kind
    WHERE dp.parcel_id = ANY (p_ids)
$$;
COMMENT ON FUNCTION public_register.open_dossiers(bigint[]) IS
    'The dossiers received and not yet decided that concern a set of parcels, each with the '
    'status it gives them (dossier_in_progress, or acquisition).';

CREATE OR REPLACE FUNCTION public_register.open_statuses(p_ids bigint[])
RETURNS TABLE (parcel_id bigint, code text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    -- Inlinable, as open_restrictions.
    SELECT o.parcel_id, o.status FROM public_register.open_restrictions(p_ids) AS o
    UNION
    SELECT o.parcel_id, o.status FROM public_register.open_dossiers(p_ids) AS o
$$;
COMMENT ON FUNCTION public_register.open_statuses(bigint[]) IS
    'Statuses from open restrictions (mortgaged, seized, disputed, planning, corridor) and '
    'dossiers in progress (dossier_in_progress, acquisition) of a set of parcels.';

CREATE OR REPLACE FUNCTION public_register.status_list(p_status text, p_open text[])
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- One expression: the planner inlines it into the parcel document's statement.
    SELECT CASE WHEN p_status = 'retired' THEN ARRAY['retired']
                ELSE ARRAY['registered'] || p_open END
$$;
COMMENT ON FUNCTION public_register.status_list(text, text[]) IS
    'The status codes of a parcel from its own status and its open statuses (open_statuses, '
    'least serious first): retired alone, or registered and then the open ones.';

CREATE OR REPLACE FUNCTION public_register.status_codes(p_parcel_id bigint, p_status text)
RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    RETURN public_register.status_list(p_status, ARRAY(
        SELECT s.code FROM public_register.open_statuses(ARRAY[p_parcel_id]) AS s
        ORDER BY public_register.status_severity(s.code), s.code));
END;
$$;
COMMENT ON FUNCTION public_register.status_codes(bigint, text) IS
    'What a buyer or lender must know, least serious first: registered, corridor, '
    'dossier_in_progress, planning, acquisition (in progress), mortgaged, disputed, seized; or '
    'retired.';

-- Views --------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW public_register.commune AS
    SELECT u.code, u.name, public_register.fold(u.name) AS name_folded, u.parent_code AS province_code,
           upper_inf(u.valid) OR upper(u.valid) > current_date AS in_force,
           u.replaced_by,
           CASE WHEN u.boundary IS NOT NULL THEN
               ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] END AS bbox
    FROM cadastre.admin_unit AS u
    CROSS JOIN LATERAL (SELECT ST_Transform(ST_Envelope(u.boundary), 4326)::box2d AS b) AS e
    WHERE u.level = 'commune';
COMMENT ON VIEW public_register.commune IS
    'Communes and wards with a folded name for accent-insensitive search, whether in force, '
    'what replaced a merged one, and their extent (WGS 84 [west, south, east, north]).';

CREATE OR REPLACE VIEW public_register.land_use_code AS
    SELECT code, name, group_code, fill_color
    FROM cadastre.land_use_code
    WHERE NOT is_group;
COMMENT ON VIEW public_register.land_use_code IS
    'Land-use purpose codes with their names and standard map colours (the map legend).';

CREATE OR REPLACE VIEW public_register.certificate AS
    SELECT c.serial, c.issued_on, c.cancelled_on,
           c.cancelled_on IS NULL AS in_force,
           (SELECT r.serial FROM cadastre.certificate AS r WHERE r.id = c.replaced_by)
               AS replaced_by,
           ARRAY(SELECT p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number
                 FROM cadastre.certificate_parcel AS cp
                 JOIN cadastre.parcel AS p ON p.id = cp.parcel_id
                 WHERE cp.certificate_id = c.id
                 ORDER BY p.commune_code, p.sheet_number, p.parcel_number) AS parcels
    FROM cadastre.certificate AS c;
COMMENT ON VIEW public_register.certificate IS
    'Certificates by serial: issue and cancellation dates, replacement, the parcels covered '
    '(never the holders).';

CREATE OR REPLACE VIEW public_register.parcel AS
    SELECT p.id, p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number AS ref,
           p.commune_code, p.sheet_number, p.parcel_number, p.status, p.legal_area,
           p.address,
           (SELECT e ->> 'code' FROM jsonb_array_elements(p.land_uses) AS e
            ORDER BY (e ->> 'area')::numeric DESC LIMIT 1) AS main_land_use,
           public_register.status_codes(p.id, p.status) AS status_codes,
           EXISTS (SELECT 1 FROM cadastre.certificate_parcel AS cp
                   JOIN cadastre.certificate AS c ON c.id = cp.certificate_id
                   WHERE cp.parcel_id = p.id AND c.cancelled_on IS NULL) AS certificate_issued,
           lower(p.sys_period) AS changed_at
    FROM cadastre.parcel AS p;
COMMENT ON VIEW public_register.parcel IS
    'Every parcel ever registered (current or retired) with its identity, area, address, main '
    'land use, status codes and whether a certificate is in force; no personal data.';

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
    -- The WGS 84 shape, its box and a point on it, each computed once (OFFSET 0 keeps the
    -- planner from copying the expressions into every place that uses them).
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

-- Where the public picture changed (cache invalidation) ----------------------------------------
-- SECURITY DEFINER: whoever edits the register (officer, import, plugin) has the change noted,
-- whatever that role may itself read or write.

CREATE OR REPLACE FUNCTION public_register.note_geometries(p_geoms geometry[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF coalesce(array_length(p_geoms, 1), 0) = 0 THEN
        RETURN;
    END IF;
    -- A bulk change (import, commune merger) is one box around it all, not thousands of rows.
    -- Boxes stay in the geometries' CRS: the change watcher projects them when it reads them.
    IF array_length(p_geoms, 1) > 64 THEN
        INSERT INTO public_register.map_change (bbox)
        SELECT ST_SetSRID(ST_Expand(ST_Extent(g), 1.0)::geometry, max(ST_SRID(g)))
        FROM unnest(p_geoms) AS g WHERE g IS NOT NULL
        HAVING count(g) > 0;
    ELSE
        INSERT INTO public_register.map_change (bbox)
        SELECT ST_SetSRID(ST_Expand(g::box2d, 1.0)::geometry, ST_SRID(g))
        FROM unnest(p_geoms) AS g WHERE g IS NOT NULL;
    END IF;
END;
$$;
COMMENT ON FUNCTION public_register.note_geometries(geometry[]) IS
    'Record the boxes of changed geometries (in their own CRS) in public_register.map_change.';

CREATE OR REPLACE FUNCTION public_register.note_parcels(p_ids bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- PL/pgSQL, planned once per session: every change to a right or certificate calls this.
    PERFORM public_register.note_geometries(ARRAY(
        SELECT geom FROM cadastre.parcel WHERE id = ANY (p_ids)));
END;
$$;
COMMENT ON FUNCTION public_register.note_parcels(bigint[]) IS
    'Record where parcels (by id) are, because something public about them changed.';

CREATE OR REPLACE FUNCTION public_register.parcel_moved()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Where the parcel is now, the web view reads from the parcel itself (changes_since); where
    -- it was is only here. A plain row trigger: writers of parcels may insert notes (099_roles),
    -- and an edit that does not move the parcel does not come here at all.
    INSERT INTO public_register.map_change (bbox)
    VALUES (ST_SetSRID(ST_Expand(OLD.geom::box2d, 1.0)::geometry, ST_SRID(OLD.geom)));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.parcel_moved() IS
    'Row trigger on cadastre.parcel updates that move a parcel: note where it was.';

CREATE OR REPLACE FUNCTION public_register.changes_since(p_tx bigint)
RETURNS TABLE (change_key text, tx bigint, box box2d)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    -- The notes the triggers wrote (a parcel moved; rights, certificates, dossiers, communes)…
    SELECT 'note ' || m.id, m.tx::text::bigint, ST_Transform(m.bbox, 3857)::box2d
    FROM public_register.map_change AS m
    WHERE m.tx >= p_tx::text::xid8
    UNION ALL
    -- …and the parcels whose current version a transaction since wrote (added, edited,
    -- retired): where they are now. A transaction that wrote more than 64 (an import, a commune
    -- merger) is one box around them all.
    SELECT CASE WHEN c.n > 64 THEN 'parcels of ' || c.sys_txid
                ELSE 'parcel ' || c.id || ' of ' || c.sys_txid END,
           c.sys_txid,
           ST_Transform(ST_SetSRID(ST_Expand(ST_Extent(c.geom), 1.0)::geometry,
                                   max(ST_SRID(c.geom))), 3857)::box2d
    FROM (SELECT p.id, p.sys_txid, p.geom, count(*) OVER (PARTITION BY p.sys_txid) AS n
          FROM cadastre.parcel AS p WHERE p.sys_txid >= p_tx) AS c
    GROUP BY 1, 2
$$;
COMMENT ON FUNCTION public_register.changes_since(bigint) IS
    'Boxes (Web Mercator) of what changed in the public picture in transactions from p_tx on, '
    'each under a stable key: what the web view''s caches evict.';

CREATE OR REPLACE FUNCTION public_register.related_parcels_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_ids bigint[];
BEGIN
    -- Tables whose rows name a parcel: rrr, certificate_parcel, dossier_parcel.
    IF TG_OP = 'INSERT' THEN
        v_ids := ARRAY(SELECT DISTINCT parcel_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        v_ids := ARRAY(SELECT DISTINCT parcel_id FROM old_rows);
    ELSE
        v_ids := ARRAY(SELECT parcel_id FROM new_rows UNION SELECT parcel_id FROM old_rows);
    END IF;
    PERFORM public_register.note_parcels(v_ids);
    PERFORM public_register.withdraw_pages(v_ids);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.related_parcels_changed() IS
    'Statement trigger on tables naming a parcel (rrr, certificate_parcel, dossier_parcel): '
    'note where they are and queue their pages.';

CREATE OR REPLACE FUNCTION public_register.certificate_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_ids bigint[] := ARRAY(SELECT cp.parcel_id FROM cadastre.certificate_parcel AS cp
                            WHERE cp.certificate_id IN (SELECT id FROM new_rows));
BEGIN
    PERFORM public_register.note_parcels(v_ids);
    PERFORM public_register.withdraw_pages(v_ids);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.certificate_changed() IS
    'Statement trigger on cadastre.certificate updates (cancellation): note its parcels.';

CREATE OR REPLACE FUNCTION public_register.dossier_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    -- Only a dossier's parcels show it while it is in progress; once decided, it is final
    -- (guard_dossier) and only then do operations write it into parcels' timelines.
    v_ids bigint[] := ARRAY(
        SELECT dp.parcel_id FROM cadastre.dossier_parcel AS dp
        JOIN new_rows AS n ON n.id = dp.dossier_id
        JOIN old_rows AS o ON o.id = n.id
        WHERE n.status IS DISTINCT FROM o.status OR n.kind IS DISTINCT FROM o.kind
           OR n.received_on IS DISTINCT FROM o.received_on
           OR n.decided_on IS DISTINCT FROM o.decided_on);
BEGIN
    PERFORM public_register.note_parcels(v_ids);
    PERFORM public_register.withdraw_pages(v_ids);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.dossier_changed() IS
    'Statement trigger on cadastre.dossier updates: a decided dossier is no longer in progress.';

CREATE OR REPLACE FUNCTION public_register.commune_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_units cadastre.admin_unit[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_units := ARRAY(SELECT n FROM new_rows AS n WHERE n.level = 'commune');
    ELSE
        v_units := ARRAY(SELECT n FROM new_rows AS n WHERE n.level = 'commune'
                         UNION ALL SELECT o FROM old_rows AS o WHERE o.level = 'commune');
    END IF;
    -- A commune's name is in every look-up of its parcels: one without a boundary notes the
    -- whole world.
    INSERT INTO public_register.map_change (bbox)
    SELECT ST_MakeEnvelope(-20037508.34, -20037508.34, 20037508.34, 20037508.34, 3857)
    WHERE EXISTS (SELECT 1 FROM unnest(v_units) AS u WHERE u.boundary IS NULL);
    PERFORM public_register.note_geometries(ARRAY(
        SELECT u.boundary FROM unnest(v_units) AS u WHERE u.boundary IS NOT NULL));
    IF TG_OP = 'UPDATE' THEN
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT p.id FROM cadastre.parcel AS p
            WHERE p.commune_code IN (SELECT n.code FROM new_rows AS n
                                     JOIN old_rows AS o ON o.code = n.code
                                     WHERE n.name IS DISTINCT FROM o.name)));
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.commune_changed() IS
    'Statement trigger on cadastre.admin_unit: a commune''s boundary or name changed.';

-- Published pages (public_register.parcel_page) ------------------------------------------------
-- Writers never compose a page: an edit of the parcel itself changes its sys_txid, which the
-- page no longer matches; any other change to what a page shows (rights, shares, holders'
-- names, certificates, dossiers, lineage, the commune's name) withdraws it here. The look-up
-- composes a document whose page is not in force; `cadastre db publish` publishes the pages
-- again, each only if no withdrawal came after the snapshot it was composed from (version).

CREATE OR REPLACE FUNCTION public_register.page_in_force(p_page public_register.parcel_page,
                                                         p_parcel_txid bigint)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    -- One expression, inlined where it is used: the look-up, pages_to_publish, the tests.
    SELECT p_page.document IS NOT NULL AND p_page.parcel_txid = p_parcel_txid
           AND (p_page.fresh_until IS NULL OR p_page.fresh_until > current_date)
$$;
COMMENT ON FUNCTION public_register.page_in_force(public_register.parcel_page, bigint) IS
    'Whether a published page may be served for the parcel version p_parcel_txid: not '
    'withdrawn, composed from that version, and no right or restriction on it has ended since.';

CREATE OR REPLACE FUNCTION public_register.publish_pages(p_ids bigint[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_count integer;
BEGIN
    IF txid_current_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'Pages are published in a transaction of their own, after the changes '
                        'they show have committed' USING ERRCODE = 'invalid_transaction_state';
    END IF;
    -- Each document composed once (OFFSET 0), with the parcel version and the page version
    -- of the same snapshot; written only where the page's version is still the one seen (a
    -- withdrawal since, committed or not, wins: the update waits for it, then skips).
    INSERT INTO public_register.parcel_page AS g
        (parcel_id, document, parcel_txid, fresh_until, version)
    SELECT c.id, c.document, c.sys_txid, c.fresh_until, c.seen
    FROM (SELECT p.id, p.sys_txid, public_register.compose_document(p.id) AS document,
                 public_register.document_fresh_until(p.id) AS fresh_until,
                 coalesce(o.version, 0) AS seen
          FROM cadastre.parcel AS p
          LEFT JOIN public_register.parcel_page AS o ON o.parcel_id = p.id
          WHERE p.id IN (SELECT unnest(p_ids))
          OFFSET 0) AS c
    WHERE c.document IS NOT NULL
    ON CONFLICT (parcel_id) DO UPDATE
        SET document = excluded.document, parcel_txid = excluded.parcel_txid,
            fresh_until = excluded.fresh_until
        WHERE g.version = excluded.version;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION public_register.publish_pages(bigint[]) IS
    'Compose and publish the pages of these parcels (ids that are not parcels are skipped, '
    'pages withdrawn meanwhile are left to the next run); returns how many were written.';

CREATE OR REPLACE FUNCTION public_register.pages_to_publish()
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT p.id FROM cadastre.parcel AS p
    LEFT JOIN public_register.parcel_page AS g ON g.parcel_id = p.id
    WHERE g.parcel_id IS NULL OR NOT public_register.page_in_force(g, p.sys_txid)
    ORDER BY p.id
$$;
COMMENT ON FUNCTION public_register.pages_to_publish() IS
    'Parcels whose page is missing, withdrawn, composed from an older version of the parcel, '
    'or stale because a right or restriction has ended: what `cadastre db publish` publishes.';

CREATE OR REPLACE FUNCTION public_register.withdraw_pages(p_ids bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- A bulk registration (cadastre.register_staged) only adds parcels: they have no pages.
    IF coalesce(cardinality(p_ids), 0) = 0 OR cadastre.in_bulk_session() THEN
        RETURN;
    END IF;
    INSERT INTO public_register.parcel_page AS g (parcel_id, version)
    SELECT DISTINCT i, 1 FROM unnest(p_ids) AS i WHERE i IS NOT NULL
    ON CONFLICT (parcel_id) DO UPDATE SET document = NULL, version = g.version + 1;
END;
$$;
COMMENT ON FUNCTION public_register.withdraw_pages(bigint[]) IS
    'Withdraw the pages of parcels whose public document this transaction changed (their '
    'look-ups compose it until the next `cadastre db publish`).';

CREATE OR REPLACE FUNCTION public_register.parcel_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- The pages of the parcels it was made from and became name it with its status.
    PERFORM public_register.withdraw_pages(ARRAY(
        SELECT l.parent_id FROM cadastre.parcel_lineage AS l WHERE l.child_id = NEW.id
        UNION ALL SELECT l.child_id FROM cadastre.parcel_lineage AS l WHERE l.parent_id = NEW.id));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.parcel_pages_changed() IS
    'Row trigger on cadastre.parcel updates of identity or status: withdraw its lineage''s '
    'pages (its own is out of date by its version).';

CREATE OR REPLACE FUNCTION public_register.lineage_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public_register.withdraw_pages(ARRAY(
        SELECT parent_id FROM new_rows UNION SELECT child_id FROM new_rows));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.lineage_pages_changed() IS
    'Statement trigger on cadastre.parcel_lineage inserts: both parcels'' pages.';

CREATE OR REPLACE FUNCTION public_register.share_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT r.parcel_id FROM cadastre.rrr AS r
            WHERE r.id IN (SELECT rrr_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT r.parcel_id FROM cadastre.rrr AS r
            WHERE r.id IN (SELECT rrr_id FROM old_rows)));
    ELSE
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT r.parcel_id FROM cadastre.rrr AS r
            WHERE r.id IN (SELECT rrr_id FROM new_rows UNION SELECT rrr_id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.share_pages_changed() IS
    'Statement trigger on cadastre.rrr_share: the pages of the parcels whose holders changed.';

CREATE OR REPLACE FUNCTION public_register.party_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public_register.withdraw_pages(ARRAY(
        SELECT DISTINCT r.parcel_id
        FROM cadastre.rrr_share AS s JOIN cadastre.rrr AS r ON r.id = s.rrr_id
        WHERE s.party_id IN (SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
                             WHERE n.name IS DISTINCT FROM o.name
                                OR n.kind IS DISTINCT FROM o.kind)));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.party_pages_changed() IS
    'Statement trigger on cadastre.party updates: a holder''s (masked) name or kind is on the '
    'pages of their parcels.';

CREATE OR REPLACE FUNCTION public_register.reference_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- The name of a land use, land-use form, dossier or right kind may be on any page. Every
    -- parcel is marked, with a page or not: a publisher composing one from before the change
    -- then finds the mark and does not write the old name.
    PERFORM public_register.withdraw_pages(ARRAY(SELECT id FROM cadastre.parcel));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.reference_pages_changed() IS
    'Statement trigger on reference tables whose names the documents show: withdraw every page.';

CREATE OR REPLACE TRIGGER zz_public_moved AFTER UPDATE ON cadastre.parcel
    FOR EACH ROW WHEN (OLD.geom::bytea IS DISTINCT FROM NEW.geom::bytea)
    EXECUTE FUNCTION public_register.parcel_moved();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.rrr
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.rrr
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.certificate_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.certificate
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.certificate_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.dossier_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.dossier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.dossier_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.admin_unit
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.commune_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.admin_unit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.commune_changed();

CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.parcel
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.commune_code IS DISTINCT FROM NEW.commune_code
                       OR OLD.sheet_number IS DISTINCT FROM NEW.sheet_number
                       OR OLD.parcel_number IS DISTINCT FROM NEW.parcel_number)
    EXECUTE FUNCTION public_register.parcel_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages AFTER INSERT ON cadastre.parcel_lineage
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.lineage_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_insert AFTER INSERT ON cadastre.rrr_share
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.rrr_share
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_delete AFTER DELETE ON cadastre.rrr_share
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_delete AFTER DELETE ON cadastre.dossier_parcel
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.party
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.party_pages_changed();
DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['land_use_code', 'land_use_form', 'dossier_kind', 'rrr_kind']
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER zz_public_pages AFTER UPDATE OR DELETE '
                       'ON cadastre.%I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION public_register.reference_pages_changed()', v_table);
    END LOOP;
END;
$$;

-- What the web role may use --------------------------------------------------------------------

GRANT SELECT ON public_register.commune, public_register.land_use_code,
    public_register.certificate, public_register.parcel, public_register.map_change
    TO cadastre_web;
REVOKE ALL ON FUNCTION public_register.parcel_document(text, text, integer),
    public_register.parcel_at(double precision, double precision),
    public_register.search_address(text, integer),
    public_register.parcel_tile(integer, integer, integer),
    public_register.note_geometries(geometry[]), public_register.note_parcels(bigint[]),
    public_register.open_statuses(bigint[]), public_register.open_restrictions(bigint[]),
    public_register.open_dossiers(bigint[]), public_register.changes_since(bigint),
    public_register.compose_document(bigint), public_register.document_fresh_until(bigint),
    public_register.publish_pages(bigint[]), public_register.pages_to_publish(),
    public_register.withdraw_pages(bigint[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public_register.parcel_document(text, text, integer),
    public_register.parcel_at(double precision, double precision),
    public_register.search_address(text, integer),
    public_register.parcel_tile(integer, integer, integer),
    public_register.mask_name(text), public_register.is_open(daterange),
    public_register.status_codes(bigint, text), public_register.status_severity(text),
    public_register.status_list(text, text[]),
    public_register.changes_since(bigint)
    TO cadastre_web;
