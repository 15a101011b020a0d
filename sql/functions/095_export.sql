-- 095_export: the read side of analysts' exports and land statistics.
-- parcels_as_of is the register as it stood at an instant (the parcel_as_of rule of
-- 060_queries, for every parcel at once) with the export's filters; land_use_lineage walks the
-- land-statistics tree of land_use_code.parent_code; land_statistics totals areas and parcel
-- counts by code and commune at an instant. The exporter (cadastre/export) streams from these.
--
-- Functions, in the order they are defined:
--   cadastre.land_use_descendants(text[]) → text[]
--   cadastre.parcels_as_of(timestamptz, text[], text[], text[], geometry) → SETOF cadastre.parcel
--   cadastre.holder_name(bigint, text) → text
--   cadastre.land_statistics(timestamptz, text[]) → TABLE(commune_code, commune_name, code, name,
--       parent_code, group_code, depth, sort_order, fill_color, area, parcels,
--       parcels_area_unknown)

CREATE OR REPLACE VIEW cadastre.land_use_lineage AS
    WITH RECURSIVE lineage AS (
        SELECT c.code, c.code AS ancestor, 0 AS distance
        FROM cadastre.land_use_code AS c
        UNION ALL
        SELECT l.code, p.parent_code, l.distance + 1
        FROM lineage AS l
        JOIN cadastre.land_use_code AS p ON p.code = l.ancestor
        WHERE p.parent_code IS NOT NULL AND l.distance < 20
    )
    SELECT code, ancestor, distance FROM lineage;
COMMENT ON VIEW cadastre.land_use_lineage IS
    'Each land-use code with itself and every heading above it in the land-statistics tree '
    '(distance 0 = the code itself): LUC is under LUA, CHN, SXN and NNP.';
COMMENT ON COLUMN cadastre.land_use_lineage.code IS 'A land-use code (cadastre.land_use_code).';
COMMENT ON COLUMN cadastre.land_use_lineage.ancestor IS
    'The code itself or a heading it is totalled under (parent_code, followed upwards).';
COMMENT ON COLUMN cadastre.land_use_lineage.distance IS
    'Steps from code up to ancestor: 0 the code itself, 1 its parent, 2 the parent''s parent…';

CREATE OR REPLACE FUNCTION cadastre.land_use_descendants(p_codes text[])
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(DISTINCT l.code), '{}')
    FROM cadastre.land_use_lineage AS l
    WHERE l.ancestor = ANY (p_codes)
$$;
COMMENT ON FUNCTION cadastre.land_use_descendants(text[]) IS
    'The given land-use codes and every code totalled under them (NNP → all agricultural codes).';

CREATE OR REPLACE FUNCTION cadastre.parcels_as_of(
    p_at        timestamptz DEFAULT NULL,
    p_communes  text[] DEFAULT NULL,
    p_land_uses text[] DEFAULT NULL,
    p_statuses  text[] DEFAULT ARRAY['current'],
    p_area      geometry DEFAULT NULL
)
RETURNS SETOF cadastre.parcel
LANGUAGE sql STABLE
AS $$
    -- The version each parcel had at p_at (null: now), as parcel_as_of reads one parcel:
    -- the live row or the closed version whose sys_period holds the instant.
    WITH codes AS (
        SELECT cadastre.land_use_descendants(p_land_uses) AS wanted
    )
    SELECT v.*
    FROM (
        SELECT * FROM cadastre.parcel
        WHERE p_at IS NULL OR sys_period @> p_at
        UNION ALL
        SELECT * FROM cadastre.parcel_history
        WHERE p_at IS NOT NULL AND sys_period @> p_at
    ) AS v, codes
    WHERE (p_communes IS NULL OR v.commune_code = ANY (p_communes))
      AND (p_statuses IS NULL OR v.status = ANY (p_statuses))
      AND (p_area IS NULL OR (v.geom && p_area AND ST_Intersects(v.geom, p_area)))
      AND (p_land_uses IS NULL OR EXISTS (
              SELECT 1 FROM jsonb_array_elements(v.land_uses) AS e
              WHERE e ->> 'code' = ANY (codes.wanted)))
$$;
COMMENT ON FUNCTION cadastre.parcels_as_of(timestamptz, text[], text[], text[], geometry) IS
    'Every parcel as the register held it at an instant (null: now), filtered by communes, '
    'land-use codes (a heading selects every code under it), statuses (default current) and an '
    'area in the register CRS (parcels that intersect it). The source of exports and statistics.';

CREATE OR REPLACE FUNCTION cadastre.holder_name(p_party_id bigint, p_known_name text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    -- rights_as_of names a holder by the party's version at the knowledge instant; a party the
    -- register recorded after the right that names it (a bulk load, a party entered late) has
    -- no version then. Its first recorded name stands in: an export never counts a holder it
    -- cannot name.
    SELECT coalesce(
        p_known_name,
        (SELECT pv.name FROM cadastre.party_version AS pv WHERE pv.id = p_party_id
         ORDER BY lower(pv.sys_period) LIMIT 1),
        'party ' || p_party_id)
    WHERE p_party_id IS NOT NULL
$$;
COMMENT ON FUNCTION cadastre.holder_name(bigint, text) IS
    'A holder''s name for an export: the name the register knew at the instant asked (given), '
    'else the first name it recorded for the party (a party recorded after its right).';

CREATE OR REPLACE FUNCTION cadastre.land_statistics(p_at timestamptz DEFAULT NULL,
                                                    p_communes text[] DEFAULT NULL)
RETURNS TABLE (commune_code text, commune_name text, code text, name text, parent_code text,
               group_code text, depth integer, sort_order integer, fill_color text,
               area numeric, parcels bigint, parcels_area_unknown bigint)
LANGUAGE sql STABLE
AS $$
    -- Every current parcel's land uses at p_at; each purpose's area counts under its code and
    -- every heading above it; a parcel counts once per heading however many purposes it has.
    WITH uses AS (
        SELECT p.id, p.commune_code, e ->> 'code' AS code,
               CASE WHEN jsonb_typeof(e -> 'area') = 'number'
                    THEN (e ->> 'area')::numeric END AS area
        FROM cadastre.parcels_as_of(p_at, p_communes, NULL, ARRAY['current']) AS p,
             jsonb_array_elements(p.land_uses) AS e
    ),
    rolled AS (
        SELECT u.commune_code, coalesce(l.ancestor, u.code) AS code,
               coalesce(sum(u.area), 0) AS area, count(DISTINCT u.id) AS parcels,
               count(DISTINCT u.id) FILTER (WHERE u.area IS NULL) AS unknown
        FROM uses AS u
        LEFT JOIN cadastre.land_use_lineage AS l ON l.code = u.code
        GROUP BY 1, 2
        UNION ALL
        SELECT u.commune_code, '*', coalesce(sum(u.area), 0), count(DISTINCT u.id),
               count(DISTINCT u.id) FILTER (WHERE u.area IS NULL)
        FROM uses AS u
        GROUP BY 1
    ),
    communes AS (
        SELECT a.code, a.name FROM cadastre.admin_unit AS a
        WHERE a.level = 'commune'
          AND (a.code = ANY (p_communes)
               OR (p_communes IS NULL AND a.code IN (SELECT r.commune_code FROM rolled AS r)))
    ),
    listed AS (
        SELECT '*' AS code, 'Tổng diện tích' AS name, NULL::text AS parent_code,
               NULL::text AS group_code, 0 AS sort_order, NULL::text AS fill_color
        UNION ALL
        SELECT c.code, c.name, c.parent_code, c.group_code, c.sort_order, c.fill_color
        FROM cadastre.land_use_code AS c
        WHERE c.source = 'TT27/2018'
           OR c.code IN (SELECT r.code FROM rolled AS r)
    )
    SELECT m.code, m.name, k.code, k.name, k.parent_code, k.group_code,
           CASE WHEN k.code = '*' THEN 0
                ELSE 1 + (SELECT coalesce(max(l.distance), 0) FROM cadastre.land_use_lineage AS l
                          WHERE l.code = k.code) END,
           k.sort_order, k.fill_color, coalesce(r.area, 0), coalesce(r.parcels, 0),
           coalesce(r.unknown, 0)
    FROM communes AS m
    CROSS JOIN listed AS k
    LEFT JOIN rolled AS r ON r.commune_code = m.code AND r.code = k.code
    ORDER BY m.code, k.sort_order NULLS LAST, k.code
$$;
COMMENT ON FUNCTION cadastre.land_statistics(timestamptz, text[]) IS
    'Land statistics at an instant (null: now): area (m², from the parcels'' land-use areas) and '
    'parcel count per commune and land-use code, totalled up the national tree (NNP/PNN/CSD '
    'with their sub-codes, land_use_code.parent_code); code * is the commune total. A parcel '
    'counts once under a heading even with several purposes beneath it; parcels_area_unknown '
    'counts purposes recorded without an area (imported combined codes).';
