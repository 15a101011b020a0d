-- 060_queries: reading the register at any instant, legal or system.
-- System time (sys_period): what the register held at a moment. Legal time (rrr.valid): when a
-- right was in force in law. "Who held parcel X on date D, as the register knew it at time T"
-- combines both.

CREATE OR REPLACE VIEW cadastre.parcel_version AS
    SELECT * FROM cadastre.parcel
    UNION ALL
    SELECT * FROM cadastre.parcel_history;
COMMENT ON VIEW cadastre.parcel_version IS 'Every version of every parcel (live and closed).';

CREATE OR REPLACE VIEW cadastre.rrr_version AS
    SELECT * FROM cadastre.rrr
    UNION ALL
    SELECT * FROM cadastre.rrr_history;
COMMENT ON VIEW cadastre.rrr_version IS 'Every version of every right and restriction.';

CREATE OR REPLACE VIEW cadastre.rrr_share_version AS
    SELECT * FROM cadastre.rrr_share
    UNION ALL
    SELECT * FROM cadastre.rrr_share_history;
COMMENT ON VIEW cadastre.rrr_share_version IS 'Every version of every holder share.';

CREATE OR REPLACE VIEW cadastre.party_version AS
    SELECT * FROM cadastre.party
    UNION ALL
    SELECT * FROM cadastre.party_history;
COMMENT ON VIEW cadastre.party_version IS 'Every version of every party.';

CREATE OR REPLACE VIEW cadastre.certificate_version AS
    SELECT * FROM cadastre.certificate
    UNION ALL
    SELECT * FROM cadastre.certificate_history;
COMMENT ON VIEW cadastre.certificate_version IS 'Every version of every certificate.';

CREATE OR REPLACE VIEW cadastre.current_parcel AS
    SELECT p.id, p.commune_code, p.sheet_number, p.parcel_number,
           cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number) AS ref,
           p.geom, p.legal_area, round(ST_Area(p.geom)::numeric, 1) AS measured_area,
           p.land_uses,
           (SELECT string_agg(e ->> 'code', '+' ORDER BY (e ->> 'area')::numeric DESC)
            FROM jsonb_array_elements(p.land_uses) AS e) AS land_use_codes,
           p.address, p.old_identifiers, p.version, p.dossier_id,
           lower(p.sys_period) AS changed_at
    FROM cadastre.parcel AS p
    WHERE p.status = 'current';
COMMENT ON VIEW cadastre.current_parcel IS
    'Current parcels with their identity as text and their land-use codes (e.g. ODT+CLN).';

CREATE OR REPLACE FUNCTION cadastre.parcel_as_of(p_id bigint, p_at timestamptz)
RETURNS SETOF cadastre.parcel
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN QUERY
    SELECT * FROM cadastre.parcel WHERE id = p_id AND sys_period @> p_at
    UNION ALL
    SELECT * FROM cadastre.parcel_history WHERE id = p_id AND sys_period @> p_at;
END;
$$;
COMMENT ON FUNCTION cadastre.parcel_as_of(bigint, timestamptz) IS
    'The version of a parcel the register held at an instant (none if not yet registered).';

CREATE OR REPLACE FUNCTION cadastre.parcel_as_of(p_commune text, p_sheet text, p_number integer,
                                                 p_at timestamptz)
RETURNS SETOF cadastre.parcel
LANGUAGE sql STABLE
AS $$
    SELECT * FROM cadastre.parcel
    WHERE commune_code = p_commune AND sheet_number = p_sheet AND parcel_number = p_number
      AND sys_period @> p_at AND status = 'current'
    UNION ALL
    SELECT * FROM cadastre.parcel_history
    WHERE commune_code = p_commune AND sheet_number = p_sheet AND parcel_number = p_number
      AND sys_period @> p_at AND status = 'current'
$$;
COMMENT ON FUNCTION cadastre.parcel_as_of(text, text, integer, timestamptz) IS
    'The parcel that bore an identity (commune/sheet/number) at an instant.';

CREATE OR REPLACE FUNCTION cadastre.rights_as_of(p_parcel_id bigint, p_legal_date date,
                                                 p_known_at timestamptz DEFAULT NULL)
RETURNS TABLE (rrr_id bigint, kind text, class text, valid daterange, party_id bigint,
               party_name text, share text, creditor_id bigint, dossier_id bigint)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_known timestamptz := coalesce(p_known_at, cadastre.clock());
BEGIN
    -- PL/pgSQL so the plan is made once per session: this is a hot look-up.
    RETURN QUERY
    -- A party recorded after the right that names it (a bulk load) has no version at the
    -- instant asked: cadastre.holder_name gives its first recorded name, never a blank.
    SELECT r.id, r.kind, k.class, r.valid, s.party_id, cadastre.holder_name(s.party_id, pv.name),
           s.numerator || '/' || s.denominator, r.creditor_id, r.dossier_id
    FROM cadastre.rrr_version AS r
    JOIN cadastre.rrr_kind AS k ON k.code = r.kind
    LEFT JOIN cadastre.rrr_share_version AS s ON s.rrr_id = r.id AND s.sys_period @> v_known
    LEFT JOIN cadastre.party_version AS pv ON pv.id = s.party_id AND pv.sys_period @> v_known
    WHERE r.parcel_id = p_parcel_id
      AND r.sys_period @> v_known
      AND r.valid @> p_legal_date
    ORDER BY k.class, r.id, s.party_id;
END;
$$;
COMMENT ON FUNCTION cadastre.rights_as_of(bigint, date, timestamptz) IS
    'Rights and restrictions of a parcel in force on a legal date, as the register knew them at '
    'p_known_at (default now), with holders and shares: the bitemporal question.';

CREATE OR REPLACE FUNCTION cadastre.parcel_genealogy(p_parcel_id bigint)
RETURNS TABLE (parcel_id bigint, ref text, relation text, depth integer, kind text,
               dossier_number text, status text)
LANGUAGE sql STABLE
AS $$
    WITH RECURSIVE
    ancestors AS (
        SELECT l.parent_id AS id, 1 AS depth, l.kind, l.dossier_id
        FROM cadastre.parcel_lineage AS l WHERE l.child_id = p_parcel_id
        UNION
        SELECT l.parent_id, a.depth + 1, l.kind, l.dossier_id
        FROM cadastre.parcel_lineage AS l JOIN ancestors AS a ON l.child_id = a.id
        WHERE a.depth < 100
    ),
    descendants AS (
        SELECT l.child_id AS id, 1 AS depth, l.kind, l.dossier_id
        FROM cadastre.parcel_lineage AS l WHERE l.parent_id = p_parcel_id
        UNION
        SELECT l.child_id, d.depth + 1, l.kind, l.dossier_id
        FROM cadastre.parcel_lineage AS l JOIN descendants AS d ON l.parent_id = d.id
        WHERE d.depth < 100
    ),
    related AS (
        SELECT id, 'ancestor' AS relation, depth, kind, dossier_id FROM ancestors
        UNION ALL
        SELECT id, 'descendant', depth, kind, dossier_id FROM descendants
    )
    SELECT r.id, cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number),
           r.relation, r.depth, r.kind, d.number, p.status
    FROM related AS r
    JOIN cadastre.parcel AS p ON p.id = r.id
    JOIN cadastre.dossier AS d ON d.id = r.dossier_id
    ORDER BY r.relation, r.depth, r.id
$$;
COMMENT ON FUNCTION cadastre.parcel_genealogy(bigint) IS
    'Ancestors and descendants of a parcel through splits, merges and re-surveys.';

CREATE OR REPLACE FUNCTION cadastre.parcel_timeline(p_parcel_id bigint)
RETURNS TABLE (on_date date, recorded_at timestamptz, dossier_kind text, kind_vi text,
               kind_en text, dossier_number text)
LANGUAGE sql STABLE
AS $$
    -- One SELECT in SQL, neither STRICT nor SECURITY DEFINER, so the planner inlines it into
    -- the query that calls it: the public parcel document plans it once with the rest.
    -- One pass over each version table: the parcel's versions give both the dossiers and
    -- when each was first recorded; a right's version gives the dossier that made it and the
    -- one that ended it.
    WITH touched AS (
        SELECT v.dossier_id, lower(v.sys_period) AS first_at
        FROM cadastre.parcel_version AS v WHERE v.id = p_parcel_id
        UNION ALL
        SELECT x.dossier_id, NULL FROM cadastre.rrr_version AS r
        CROSS JOIN LATERAL (VALUES (r.dossier_id), (r.ended_by_dossier)) AS x (dossier_id)
        WHERE r.parcel_id = p_parcel_id AND x.dossier_id IS NOT NULL
        UNION ALL
        SELECT c.dossier_id, NULL FROM cadastre.certificate_version AS c
        JOIN cadastre.certificate_parcel AS cp ON cp.certificate_id = c.id
        WHERE cp.parcel_id = p_parcel_id
        UNION ALL
        SELECT l.dossier_id, NULL FROM cadastre.parcel_lineage AS l
        WHERE l.parent_id = p_parcel_id OR l.child_id = p_parcel_id
    )
    SELECT d.decided_on, t.first_at, d.kind, k.name_vi, k.name_en, d.number
    FROM (SELECT u.dossier_id, min(u.first_at) AS first_at FROM touched AS u
          GROUP BY u.dossier_id) AS t
    JOIN cadastre.dossier AS d ON d.id = t.dossier_id
    JOIN cadastre.dossier_kind AS k ON k.code = d.kind
    ORDER BY d.decided_on, d.id
$$;
COMMENT ON FUNCTION cadastre.parcel_timeline(bigint) IS
    'A parcel''s public timeline: each dossier that touched it, with its kind and date (never '
    'names or ID numbers).';

CREATE OR REPLACE FUNCTION cadastre.dossier_effects(p_dossier_id bigint)
RETURNS TABLE (object text, object_id bigint, ref text, effect text)
LANGUAGE sql STABLE
AS $$
    WITH parcel_first AS (
        SELECT DISTINCT ON (id) id, dossier_id FROM cadastre.parcel_version
        ORDER BY id, lower(sys_period)
    ),
    parcel_touched AS (
        SELECT DISTINCT ON (id) * FROM cadastre.parcel_version
        WHERE dossier_id = p_dossier_id ORDER BY id, lower(sys_period) DESC
    ),
    rrr_first AS (
        SELECT DISTINCT ON (id) id, kind, parcel_id, dossier_id FROM cadastre.rrr_version
        ORDER BY id, lower(sys_period)
    )
    SELECT 'parcel', p.id, cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number),
           CASE WHEN p.status = 'retired' THEN 'retired'
                WHEN f.dossier_id = p_dossier_id THEN 'created' ELSE 'changed' END
    FROM parcel_touched AS p JOIN parcel_first AS f ON f.id = p.id
    UNION ALL
    SELECT 'rrr', r.id, r.kind || ' on ' || cadastre.parcel_ref(r.parcel_id), 'registered'
    FROM rrr_first AS r WHERE r.dossier_id = p_dossier_id
    UNION ALL
    SELECT 'rrr', r.id, r.kind || ' on ' || cadastre.parcel_ref(r.parcel_id), 'ended'
    FROM cadastre.rrr AS r WHERE r.ended_by_dossier = p_dossier_id
    UNION ALL
    SELECT 'certificate', c.id, c.serial, 'issued'
    FROM cadastre.certificate_version AS c
    WHERE c.dossier_id = p_dossier_id AND c.cancelled_on IS NULL
    UNION ALL
    SELECT 'certificate', c.id, c.serial, 'cancelled'
    FROM cadastre.certificate AS c
    WHERE c.cancelled_on IS NOT NULL AND c.dossier_id = p_dossier_id
    ORDER BY 1, 2, 4
$$;
COMMENT ON FUNCTION cadastre.dossier_effects(bigint) IS
    'What a dossier changed: parcels created, changed or retired, rights registered or ended, '
    'certificates issued or cancelled.';
