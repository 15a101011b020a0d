-- 090_public_views: the public face of the register, read by the citizens' web view (role
-- cadastre_web, schema public_register; see sql/migrations/008_public_web.sql and docs/web.md).
-- Everything a citizen may see is computed in the 09x_public_* files, so personal data never
-- leaves the database through the web role: no ID number, birth date or personal address is
-- ever read, and holder names leave only masked (public_register.mask_name). Views and
-- SECURITY DEFINER functions are owned by the migrating role: they read the register, the web
-- role cannot.
-- This file: the small helpers every public read shares (masking, open rights and dossiers,
-- status codes) and the public views. The look-up is in 091_public_documents, the map tiles in
-- 092_public_tiles, the change notes for cache eviction in 093_public_changes, the published
-- pages in 094_public_pages; their triggers are attached in 100_triggers.
--
-- Functions, in the order they are defined:
--   public_register.mask_name(text) → text
--   public_register.is_open(daterange) → boolean
--   public_register.status_severity(text) → integer
--   public_register.restriction_status(text) → text
--   public_register.dossier_status(text) → text
--   public_register.open_restrictions(bigint[]) → TABLE(parcel_id, rrr_id, kind, name_vi, name_en,
--       since, status)
--   public_register.open_dossiers(bigint[]) → TABLE(parcel_id, dossier_id, kind, name_vi, name_en,
--       received_on, status)
--   public_register.open_statuses(bigint[]) → TABLE(parcel_id, code)
--   public_register.status_list(text, text[]) → text[]
--   public_register.status_codes(bigint, text) → text[]

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
COMMENT ON COLUMN public_register.commune.code IS 'National commune code, 5 digits.';
COMMENT ON COLUMN public_register.commune.name IS
    'Official name in Vietnamese, as the citizen reads it (e.g. Phường Hoàn Kiếm).';
COMMENT ON COLUMN public_register.commune.name_folded IS
    'The name folded for search: lower case, no diacritics, đ → d (public_register.fold).';
COMMENT ON COLUMN public_register.commune.province_code IS
    'National code of the province it belongs to, 2 digits.';
COMMENT ON COLUMN public_register.commune.in_force IS
    'True while the commune exists in law; false once it was merged away.';
COMMENT ON COLUMN public_register.commune.replaced_by IS
    'Code of the unit that took over after a merger; null while in force.';
COMMENT ON COLUMN public_register.commune.bbox IS
    'Extent in WGS 84 degrees [west, south, east, north] to zoom the map to; null when no '
    'boundary is loaded.';

CREATE OR REPLACE VIEW public_register.land_use_code AS
    SELECT code, name, group_code, fill_color
    FROM cadastre.land_use_code
    WHERE NOT is_group;
COMMENT ON VIEW public_register.land_use_code IS
    'Land-use purpose codes with their names and standard map colours (the map legend).';
COMMENT ON COLUMN public_register.land_use_code.code IS
    'Code as written on maps (ODT, CLN…), the code a parcel''s main_land_use names.';
COMMENT ON COLUMN public_register.land_use_code.name IS
    'Name of the purpose in Vietnamese (TT 27/2018).';
COMMENT ON COLUMN public_register.land_use_code.group_code IS
    'NNP agricultural, PNN non-agricultural, CSD unused.';
COMMENT ON COLUMN public_register.land_use_code.fill_color IS
    'Standard map fill colour, as the legend and the map tiles show it.';

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
COMMENT ON COLUMN public_register.certificate.serial IS
    'Serial printed on the certificate: two capital letters and six digits.';
COMMENT ON COLUMN public_register.certificate.issued_on IS 'Date the certificate was issued.';
COMMENT ON COLUMN public_register.certificate.cancelled_on IS
    'Date it was cancelled (replaced, or its parcel split or merged); null while in force.';
COMMENT ON COLUMN public_register.certificate.in_force IS
    'True while not cancelled: the citizen can rely on it.';
COMMENT ON COLUMN public_register.certificate.replaced_by IS
    'Serial of the certificate issued in its place, if any.';
COMMENT ON COLUMN public_register.certificate.parcels IS
    'Identities (commune/sheet/number) of the parcels it covers, in order; no holder.';

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
COMMENT ON COLUMN public_register.parcel.id IS
    'The parcel''s key, kept across its versions (the web view''s links use it).';
COMMENT ON COLUMN public_register.parcel.ref IS
    'The identity as people write it: commune/sheet/number, e.g. 00070/12/45.';
COMMENT ON COLUMN public_register.parcel.commune_code IS 'Commune part of the identity.';
COMMENT ON COLUMN public_register.parcel.sheet_number IS 'Map sheet part of the identity (số tờ).';
COMMENT ON COLUMN public_register.parcel.parcel_number IS 'Parcel number on the sheet (số thửa).';
COMMENT ON COLUMN public_register.parcel.status IS
    'current, or retired by a split, merge or acquisition.';
COMMENT ON COLUMN public_register.parcel.legal_area IS 'Registered (legal) area in m².';
COMMENT ON COLUMN public_register.parcel.address IS
    'Street address or locality of the parcel as registered (never a holder''s address).';
COMMENT ON COLUMN public_register.parcel.main_land_use IS
    'The land-use code with the largest area (a public_register.land_use_code).';
COMMENT ON COLUMN public_register.parcel.status_codes IS
    'What a buyer or lender must know, least serious first (public_register.status_codes): '
    'registered then corridor, dossier_in_progress, planning, acquisition, mortgaged, '
    'disputed, seized; or retired alone.';
COMMENT ON COLUMN public_register.parcel.certificate_issued IS
    'True when a certificate in force covers the parcel (its serial is not shown here).';
COMMENT ON COLUMN public_register.parcel.changed_at IS
    'When the register last changed the parcel (start of its current version).';

-- What the web role may use --------------------------------------------------------------------

GRANT SELECT ON public_register.commune, public_register.land_use_code,
    public_register.certificate, public_register.parcel
    TO cadastre_web;
REVOKE ALL ON FUNCTION public_register.open_statuses(bigint[]),
    public_register.open_restrictions(bigint[]), public_register.open_dossiers(bigint[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public_register.mask_name(text), public_register.is_open(daterange),
    public_register.status_codes(bigint, text), public_register.status_severity(text),
    public_register.status_list(text, text[])
    TO cadastre_web;
