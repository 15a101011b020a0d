-- The tables publication cadastre_public sends (sql/functions/096_publication.sql), under the
-- same names, as logical replication requires, with the national look-ups. Made twice:
--   * on the province's server, database cadastre_public: its public copy, the only database
--     the national subscription's role may enter (`cadastre national publish`);
--   * on the national server, one database per province (pNN): every province publishes the
--     same table names, and a database keeps each province's rows, subscription and indexes
--     apart (`cadastre national add-province`).

CREATE SCHEMA IF NOT EXISTS cadastre;
CREATE SCHEMA IF NOT EXISTS public_register;
CREATE SCHEMA IF NOT EXISTS national;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;  -- not in "$user" (schema cadastre)

-- Subscribed tables: the published columns only. No foreign keys: the apply worker writes
-- each table as the province committed it.
CREATE TABLE IF NOT EXISTS public_register.parcel_page (
    parcel_id    bigint PRIMARY KEY,
    document     json,
    parcel_txid  bigint,
    fresh_until  date,
    version      integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE public_register.parcel_page IS
    'The province''s published parcel pages (subscribed, as published).';

CREATE TABLE IF NOT EXISTS cadastre.parcel (
    id               bigint PRIMARY KEY,
    commune_code     text NOT NULL,
    sheet_number     text NOT NULL,
    parcel_number    integer NOT NULL,
    status           text NOT NULL,
    address          text,
    old_identifiers  jsonb,
    sys_period       tstzrange,
    sys_txid         bigint
);
COMMENT ON TABLE cadastre.parcel IS
    'The province''s parcels: identity, status, address and version only (subscribed).';
CREATE INDEX IF NOT EXISTS parcel_identity_idx
    ON cadastre.parcel (commune_code, sheet_number, parcel_number);
CREATE INDEX IF NOT EXISTS parcel_old_identifiers_idx
    ON cadastre.parcel USING gin (old_identifiers jsonb_path_ops);

CREATE TABLE IF NOT EXISTS cadastre.certificate (
    id            bigint PRIMARY KEY,
    serial        text NOT NULL,
    issued_on     date,
    cancelled_on  date,
    replaced_by   bigint
);
COMMENT ON TABLE cadastre.certificate IS
    'The province''s certificates: serial, dates and replacement only (subscribed).';
CREATE INDEX IF NOT EXISTS certificate_serial_idx ON cadastre.certificate (serial);

CREATE TABLE IF NOT EXISTS cadastre.certificate_parcel (
    certificate_id  bigint NOT NULL,
    parcel_id       bigint NOT NULL,
    PRIMARY KEY (certificate_id, parcel_id)
);
COMMENT ON TABLE cadastre.certificate_parcel IS
    'Which parcels each certificate covers (subscribed).';

CREATE TABLE IF NOT EXISTS cadastre.admin_unit (
    code         text PRIMARY KEY,
    level        text NOT NULL,
    name         text NOT NULL,
    parent_code  text,
    valid        daterange,
    replaced_by  text
);
COMMENT ON TABLE cadastre.admin_unit IS
    'The province''s communes and wards, their validity and merger (subscribed).';

CREATE TABLE IF NOT EXISTS cadastre.register_setting (
    singleton      boolean PRIMARY KEY,
    province_code  text NOT NULL,
    srid           integer NOT NULL
);
COMMENT ON TABLE cadastre.register_setting IS 'The province and its CRS (subscribed).';

CREATE TABLE IF NOT EXISTS cadastre.province_crs (
    province_code  text PRIMARY KEY,
    province_name  text NOT NULL
);
COMMENT ON TABLE cadastre.province_crs IS 'Province names (subscribed).';

-- The province's own rules, word for word (tests/scaling/test_national.py compares them with
-- the province's definitions).
CREATE OR REPLACE FUNCTION public_register.fold(p_text text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT lower(translate(normalize(p_text, NFC),
        'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'
        'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
        'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'
        'AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD'))
$$;
COMMENT ON FUNCTION public_register.fold(text) IS
    'Text for accent-insensitive search: NFC, Vietnamese diacritics removed (đ → d), lower case '
    '(the province''s rule).';

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
    'Whether a published page may be served for the parcel version p_parcel_txid (the '
    'province''s rule).';

CREATE INDEX IF NOT EXISTS parcel_address_trgm_idx
    ON cadastre.parcel USING gin (public_register.fold(address) gin_trgm_ops)
    WHERE status = 'current';

-- Look-ups -------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION national.parcel(p_commune text, p_sheet text, p_number integer)
RETURNS json
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v cadastre.parcel;
BEGIN
    -- The same identity rule as the province's public_register.parcel_document: the current
    -- parcel, else the last retired one that bore it, else one that bore it as an old
    -- identifier (commune merger).
    SELECT * INTO v FROM cadastre.parcel
    WHERE commune_code = p_commune AND sheet_number = p_sheet AND parcel_number = p_number
    ORDER BY status = 'current' DESC, lower(sys_period) DESC, id DESC LIMIT 1;
    IF NOT FOUND THEN
        SELECT * INTO v FROM cadastre.parcel
        WHERE old_identifiers @> jsonb_build_array(jsonb_build_object(
                  'commune_code', p_commune, 'sheet_number', p_sheet, 'parcel_number', p_number))
        ORDER BY status = 'current' DESC, id DESC LIMIT 1;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN json_build_object(
        'ref', v.commune_code || '/' || v.sheet_number || '/' || v.parcel_number,
        'commune', json_build_object(
            'code', v.commune_code,
            'name', (SELECT u.name FROM cadastre.admin_unit AS u WHERE u.code = v.commune_code)),
        'sheet', v.sheet_number,
        'number', v.parcel_number,
        'status', v.status,
        'address', v.address,
        -- NULL while the province has not re-published the page since the parcel changed.
        'document', (SELECT g.document FROM public_register.parcel_page AS g
                     WHERE g.parcel_id = v.id AND public_register.page_in_force(g, v.sys_txid)));
END;
$$;
COMMENT ON FUNCTION national.parcel(text, text, integer) IS
    'The parcel bearing an identity in this province (current, else retired, else by old '
    'identifier): identity, status, address and its published page while that is in force '
    '(document NULL while the province re-publishes it); NULL when none.';

CREATE OR REPLACE FUNCTION national.search_address(p_query text, p_limit integer)
RETURNS TABLE (ref text, address text, commune_name text, status_codes text[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_where text;
BEGIN
    -- Every word in the folded address (one LIKE each, so the trigram index answers), a
    -- number matched whole (4 is not 14), as the province's search does.
    SELECT string_agg(
               format('public_register.fold(p.address) LIKE %L',
                      '%' || replace(replace(replace(w, '\', '\\'), '%', '\%'), '_', '\_') || '%')
               || CASE WHEN w ~ '^[0-9]+$'
                       THEN format(' AND public_register.fold(p.address) ~ %L',
                                   '(^|[^0-9])0*' || ltrim(w, '0') || '([^0-9]|$)')
                       ELSE '' END,
               ' AND ')
    INTO v_where
    FROM (SELECT w FROM regexp_split_to_table(public_register.fold(p_query), '\s+') AS w
          WHERE w <> '' LIMIT 8) AS words;
    IF v_where IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT p.commune_code || ''/'' || p.sheet_number || ''/'' || p.parcel_number, '
        '       p.address, u.name, '
        '       CASE WHEN g.parcel_id IS NOT NULL THEN ARRAY(SELECT json_array_elements_text('
        '           g.document -> ''status_codes'')) END '
        'FROM cadastre.parcel AS p '
        'LEFT JOIN cadastre.admin_unit AS u ON u.code = p.commune_code '
        'LEFT JOIN public_register.parcel_page AS g ON g.parcel_id = p.id '
        '     AND public_register.page_in_force(g, p.sys_txid) '
        'WHERE p.status = ''current'' AND %s '
        'ORDER BY p.address, p.commune_code, p.sheet_number, p.parcel_number LIMIT %s',
        v_where, least(greatest(p_limit, 1), 101));
END;
$$;
COMMENT ON FUNCTION national.search_address(text, integer) IS
    'Current parcels of this province whose address holds every word of the query (accents '
    'and case ignored, numbers whole), at most 101; status codes from the published page '
    '(NULL while it is re-published).';

CREATE OR REPLACE FUNCTION national.certificate(p_serial text)
RETURNS json
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT json_build_object(
        'serial', c.serial, 'issued_on', c.issued_on, 'cancelled_on', c.cancelled_on,
        'in_force', c.cancelled_on IS NULL,
        'replaced_by', (SELECT r.serial FROM cadastre.certificate AS r WHERE r.id = c.replaced_by),
        'parcels', ARRAY(
            SELECT p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number
            FROM cadastre.certificate_parcel AS cp JOIN cadastre.parcel AS p ON p.id = cp.parcel_id
            WHERE cp.certificate_id = c.id
            ORDER BY p.commune_code, p.sheet_number, p.parcel_number))
    FROM cadastre.certificate AS c WHERE c.serial = p_serial
    ORDER BY c.id DESC LIMIT 1
$$;
COMMENT ON FUNCTION national.certificate(text) IS
    'A certificate of this province by serial: dates, replacement, parcels covered; NULL when '
    'none.';

GRANT USAGE ON SCHEMA cadastre, public_register, national TO cadastre_web;
GRANT SELECT ON ALL TABLES IN SCHEMA cadastre, public_register TO cadastre_web;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA national, public_register TO cadastre_web;
