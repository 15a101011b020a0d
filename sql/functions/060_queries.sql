-- 060_queries: reading the register at any instant, legal or system.
-- System time (sys_period): what the register held at a moment. Legal time (rrr.valid): when a
-- right was in force in law. "Who held parcel X on date D, as the register knew it at time T"
-- combines both.
--
-- Views: parcel_version, rrr_version, rrr_share_version, party_version, certificate_version
--   (live ∪ history rows), current_parcel (current parcels with ref and land-use codes).
-- Functions:
--   parcel_as_of(id bigint, at timestamptz) → parcel rows           a version held at an instant
--   parcel_as_of(commune, sheet, number, at) → parcel rows          who bore an identity then
--   rights_as_of(parcel_id, legal_date, known_at) → rights rows     the bitemporal question
--   parcel_genealogy(parcel_id) → rows                              ancestors and descendants
--   parcel_timeline(parcel_id) → rows                               dossiers that touched it
--   dossier_effects(dossier_id) → rows                              what a dossier changed
--   parcel_record(parcel_id, legal_date, known_at) → jsonb          the officer's whole record
--     parcel_record_identity / _rights / _restrictions / _dossiers / _certificates / _versions
--     and party_name_at(party_id, known) → text                     its parts
--   split_pieces(parcel_id, line geometry) → (piece, geom) rows     what a cutting line makes

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

-- A *_version column means what its table's column means: the comment is copied from the live
-- table (one source of truth), except sys_period, which here tells the live row from a closed one.
DO $$
DECLARE
    v_column record;
BEGIN
    FOR v_column IN
        SELECT v.attrelid::regclass AS view, v.attname,
               CASE WHEN v.attname = 'sys_period' THEN
                   'When the register held this version: open-ended for the live version, '
                   'closed at its replacement for an earlier one (from the _history table).'
               ELSE col_description(t.attrelid, t.attnum) END AS description
        FROM unnest(ARRAY['parcel', 'rrr', 'rrr_share', 'party', 'certificate']) AS base(name)
        JOIN pg_attribute AS t ON t.attrelid = ('cadastre.' || base.name)::regclass
                              AND t.attnum > 0 AND NOT t.attisdropped
        JOIN pg_attribute AS v ON v.attrelid = ('cadastre.' || base.name || '_version')::regclass
                              AND v.attname = t.attname
    LOOP
        EXECUTE format('COMMENT ON COLUMN %s.%I IS %L',
                       v_column.view, v_column.attname, v_column.description);
    END LOOP;
END;
$$;

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
COMMENT ON COLUMN cadastre.current_parcel.id IS 'The parcel''s surrogate key (cadastre.parcel.id).';
COMMENT ON COLUMN cadastre.current_parcel.commune_code IS 'Commune part of the identity.';
COMMENT ON COLUMN cadastre.current_parcel.sheet_number IS 'Map sheet part of the identity (số tờ).';
COMMENT ON COLUMN cadastre.current_parcel.parcel_number IS 'Parcel number on the sheet (số thửa).';
COMMENT ON COLUMN cadastre.current_parcel.ref IS
    'The identity as people write it: commune/sheet/number, e.g. 00070/12/45 (parcel_ref).';
COMMENT ON COLUMN cadastre.current_parcel.geom IS 'Boundary in the register''s VN-2000 TM-3 CRS.';
COMMENT ON COLUMN cadastre.current_parcel.legal_area IS 'Registered (legal) area in m².';
COMMENT ON COLUMN cadastre.current_parcel.measured_area IS
    'Area of the boundary in m², rounded to 0.1 m²; may differ from the legal area.';
COMMENT ON COLUMN cadastre.current_parcel.land_uses IS
    'Land-use purposes with their areas, forms and terms, as cadastre.parcel.land_uses.';
COMMENT ON COLUMN cadastre.current_parcel.land_use_codes IS
    'The land-use codes joined by +, largest area first (e.g. ODT+CLN).';
COMMENT ON COLUMN cadastre.current_parcel.address IS
    'Street address or locality of the parcel, as registered.';
COMMENT ON COLUMN cadastre.current_parcel.old_identifiers IS
    'Earlier identities: [{"commune_code", "sheet_number", "parcel_number", "until"}].';
COMMENT ON COLUMN cadastre.current_parcel.version IS
    'The current version number; edits name the version they saw.';
COMMENT ON COLUMN cadastre.current_parcel.dossier_id IS
    'The dossier that made the current version.';
COMMENT ON COLUMN cadastre.current_parcel.changed_at IS
    'When the current version was written (start of its sys_period).';

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

CREATE OR REPLACE FUNCTION cadastre.parcel_record(p_parcel_id bigint,
                                                  p_legal_date date DEFAULT NULL,
                                                  p_known_at timestamptz DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    -- The legal date (who held it, what was in force) and the knowledge instant (what the
    -- register had recorded by then). The parcel's own version has system time only: the one
    -- shown is the version held at the end of the legal date, unless known_at is earlier.
    v_known   timestamptz := coalesce(p_known_at, cadastre.clock());
    v_legal   date := coalesce(p_legal_date, v_known::date);
    v_at      timestamptz := least(v_known, (v_legal + 1)::timestamptz);
    v_latest  cadastre.parcel;
    v_shown   cadastre.parcel;
BEGIN
    SELECT * INTO v_latest FROM cadastre.parcel AS p WHERE p.id = p_parcel_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Không có thửa đất mã số % (no parcel with id %)', p_parcel_id, p_parcel_id
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'parcel_exists',
                  HINT = 'Find the parcel by its identity: cadastre parcel show COMMUNE/SHEET/NUMBER.';
    END IF;
    SELECT * INTO v_shown FROM cadastre.parcel_as_of(p_parcel_id, v_at) LIMIT 1;
    -- Officers and approvers read the records of their own communes: the commune that holds
    -- the parcel now, or the one that held the version shown (a parcel moved by a merger).
    IF cadastre.commune_bound()
       AND NOT cadastre.may_edit_commune(v_latest.commune_code)
       AND NOT (v_shown.id IS NOT NULL AND cadastre.may_edit_commune(v_shown.commune_code)) THEN
        RAISE EXCEPTION 'Tài khoản % không được xem hồ sơ thửa % của xã % (role % may not read '
                        'the record of parcel % of commune %)',
            session_user, cadastre.parcel_ref(v_latest.commune_code, v_latest.sheet_number,
                                              v_latest.parcel_number), v_latest.commune_code,
            session_user, cadastre.parcel_ref(v_latest.commune_code, v_latest.sheet_number,
                                              v_latest.parcel_number), v_latest.commune_code
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'record_commune',
                  HINT = 'Officers read the parcels of the communes assigned to them; an '
                         'administrator assigns communes: cadastre user add ROLE --role officer '
                         '--commune CODE.';
    END IF;
    RETURN jsonb_build_object(
        'parcel_id', p_parcel_id,
        'legal_date', v_legal,
        'known_at', p_known_at,
        'parcel', cadastre.parcel_record_identity(v_shown, v_known),
        'rights', cadastre.parcel_record_rights(p_parcel_id, v_legal, v_known),
        'restrictions', cadastre.parcel_record_restrictions(p_parcel_id, v_legal, v_known),
        'open_dossiers', cadastre.parcel_record_dossiers(p_parcel_id, v_legal),
        'certificates', cadastre.parcel_record_certificates(p_parcel_id, v_legal, v_known),
        'timeline', (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.on_date, t.recorded_at),
                                     '[]')
                     FROM cadastre.parcel_timeline(p_parcel_id) AS t
                     WHERE (t.on_date IS NULL OR t.on_date <= v_legal)
                       AND (t.recorded_at IS NULL OR t.recorded_at <= v_known)),
        'lineage', (SELECT coalesce(jsonb_agg(to_jsonb(g) ORDER BY g.relation, g.depth,
                                              g.parcel_id), '[]')
                    FROM cadastre.parcel_genealogy(p_parcel_id) AS g),
        'versions', cadastre.parcel_record_versions(p_parcel_id, v_known));
END;
$$;
COMMENT ON FUNCTION cadastre.parcel_record(bigint, date, timestamptz) IS
    'The officer''s whole record of a parcel as it stood on a legal date (default today), as '
    'the register knew it at p_known_at (default now): parcel (identity, areas, land uses, old '
    'identifiers, geometry summary; NULL when no version was held then), rights with holders '
    'and shares, restrictions with creditor, open dossiers, certificates, timeline, lineage, '
    'versions. Names only, never ID numbers (cadastre.personal_data). Officers and approvers '
    'are refused the parcels of other communes. Shown by `cadastre parcel show` and the QGIS '
    'parcel panel.';

CREATE OR REPLACE FUNCTION cadastre.parcel_record_identity(p_version cadastre.parcel,
                                                           p_known timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT to_jsonb(p_version) - 'geom' - 'sys_period' - 'sys_txid'
           || jsonb_build_object(
               'ref', cadastre.parcel_ref(p_version.commune_code, p_version.sheet_number,
                                          p_version.parcel_number),
               'commune_name', (SELECT a.name FROM cadastre.admin_unit AS a
                                WHERE a.code = p_version.commune_code),
               'measured_area', round(ST_Area(p_version.geom)::numeric, 1),
               'dossier_number', (SELECT d.number FROM cadastre.dossier AS d
                                  WHERE d.id = p_version.dossier_id),
               'recorded_from', lower(p_version.sys_period),
               'recorded_until', CASE WHEN upper(p_version.sys_period) <= p_known
                                      THEN upper(p_version.sys_period) END,
               'geometry', jsonb_build_object(
                   'srid', ST_SRID(p_version.geom),
                   'area', round(ST_Area(p_version.geom)::numeric, 1),
                   'perimeter', round(ST_Perimeter(p_version.geom)::numeric, 1),
                   'parts', ST_NumGeometries(p_version.geom),
                   'vertices', ST_NPoints(p_version.geom),
                   'centroid', jsonb_build_array(
                       round(ST_X(ST_PointOnSurface(p_version.geom))::numeric, 2),
                       round(ST_Y(ST_PointOnSurface(p_version.geom))::numeric, 2)),
                   'bbox', jsonb_build_array(
                       round(ST_XMin(p_version.geom)::numeric, 2),
                       round(ST_YMin(p_version.geom)::numeric, 2),
                       round(ST_XMax(p_version.geom)::numeric, 2),
                       round(ST_YMax(p_version.geom)::numeric, 2))))
    WHERE p_version.id IS NOT NULL
$$;
COMMENT ON FUNCTION cadastre.parcel_record_identity(cadastre.parcel, timestamptz) IS
    'Part of parcel_record: a parcel version''s identity, areas, land uses and a summary of its '
    'geometry (SRID, area, perimeter, parts, vertices, a point on it, bounding box).';

CREATE OR REPLACE FUNCTION cadastre.parcel_record_rights(p_parcel_id bigint, p_legal date,
                                                         p_known timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(x.item ORDER BY x.rrr_id), '[]')
    FROM (SELECT r.rrr_id, jsonb_build_object(
                     'rrr_id', r.rrr_id, 'kind', r.kind, 'kind_vi', k.name_vi,
                     'kind_en', k.name_en, 'from', lower(r.valid), 'until', upper(r.valid),
                     'dossier_number', d.number,
                     'holders', jsonb_agg(jsonb_build_object('party_id', r.party_id,
                                                             'name', r.party_name,
                                                             'share', r.share)
                                          ORDER BY r.party_id)
                                FILTER (WHERE r.party_id IS NOT NULL)) AS item
          FROM cadastre.rights_as_of(p_parcel_id, p_legal, p_known) AS r
          JOIN cadastre.rrr_kind AS k ON k.code = r.kind
          JOIN cadastre.dossier AS d ON d.id = r.dossier_id
          WHERE r.class = 'right'
          GROUP BY r.rrr_id, r.kind, k.name_vi, k.name_en, r.valid, d.number) AS x
$$;
COMMENT ON FUNCTION cadastre.parcel_record_rights(bigint, date, timestamptz) IS
    'Part of parcel_record: the rights in force on a legal date as known at an instant, each '
    'with its holders (party id, name, share).';

CREATE OR REPLACE FUNCTION cadastre.party_name_at(p_party_id bigint, p_known timestamptz)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- PL/pgSQL: cadastre.holder_name is defined later (095_export.sql).
    RETURN cadastre.holder_name(p_party_id,
        (SELECT pv.name FROM cadastre.party_version AS pv
         WHERE pv.id = p_party_id AND pv.sys_period @> p_known));
END;
$$;
COMMENT ON FUNCTION cadastre.party_name_at(bigint, timestamptz) IS
    'A party''s name as the register knew it at an instant (its first name when it was '
    'recorded later); NULL for no party.';

CREATE OR REPLACE FUNCTION cadastre.parcel_record_restrictions(p_parcel_id bigint, p_legal date,
                                                               p_known timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'rrr_id', r.rrr_id, 'kind', r.kind, 'class', r.class, 'kind_vi', k.name_vi,
               'kind_en', k.name_en, 'from', lower(r.valid), 'until', upper(r.valid),
               'creditor_id', r.creditor_id,
               'creditor', cadastre.party_name_at(r.creditor_id, p_known),
               'amount', v.amount, 'note', v.note, 'dossier_number', d.number)
               ORDER BY r.class, r.rrr_id), '[]')
    FROM cadastre.rights_as_of(p_parcel_id, p_legal, p_known) AS r
    JOIN cadastre.rrr_kind AS k ON k.code = r.kind
    JOIN cadastre.dossier AS d ON d.id = r.dossier_id
    JOIN cadastre.rrr_version AS v ON v.id = r.rrr_id AND v.sys_period @> p_known
    WHERE r.class <> 'right'
$$;
COMMENT ON FUNCTION cadastre.parcel_record_restrictions(bigint, date, timestamptz) IS
    'Part of parcel_record: the restrictions and responsibilities in force on a legal date as '
    'known at an instant, with creditor or claimant (by name), amount and note.';

CREATE OR REPLACE FUNCTION cadastre.parcel_record_dossiers(p_parcel_id bigint, p_legal date)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    -- Open on the legal date: received by then, and neither rejected nor closed by then.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'dossier_id', d.id, 'number', d.number, 'kind', d.kind, 'kind_vi', k.name_vi,
               'kind_en', k.name_en, 'received_on', d.received_on, 'officer', d.officer,
               'status', CASE WHEN d.decided_on IS NULL OR d.decided_on > p_legal
                              THEN 'received' ELSE 'approved' END)
               ORDER BY d.received_on, d.id), '[]')
    FROM cadastre.dossier_parcel AS dp
    JOIN cadastre.dossier AS d ON d.id = dp.dossier_id
    JOIN cadastre.dossier_kind AS k ON k.code = d.kind
    WHERE dp.parcel_id = p_parcel_id
      AND d.received_on <= p_legal
      AND NOT (d.status = 'rejected' AND d.decided_on <= p_legal)
      AND (d.closed_on IS NULL OR d.closed_on > p_legal)
$$;
COMMENT ON FUNCTION cadastre.parcel_record_dossiers(bigint, date) IS
    'Part of parcel_record: the dossiers concerning a parcel that were open on a legal date '
    '(received and not yet rejected or closed), with their status then.';

CREATE OR REPLACE FUNCTION cadastre.parcel_record_certificates(p_parcel_id bigint, p_legal date,
                                                               p_known timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'serial', c.serial, 'book_number', c.book_number, 'issued_on', c.issued_on,
               'cancelled_on', CASE WHEN c.cancelled_on <= p_legal THEN c.cancelled_on END,
               'in_force', c.cancelled_on IS NULL OR c.cancelled_on > p_legal,
               'holders', (SELECT coalesce(jsonb_agg(cadastre.party_name_at(h.party_id, p_known)
                                                ORDER BY h.party_id), '[]')
                           FROM cadastre.certificate_holder AS h
                           WHERE h.certificate_id = c.id))
               ORDER BY c.issued_on, c.id), '[]')
    FROM cadastre.certificate_parcel AS cp
    JOIN cadastre.certificate_version AS c
      ON c.id = cp.certificate_id AND c.sys_period @> p_known
    WHERE cp.parcel_id = p_parcel_id AND c.issued_on <= p_legal
$$;
COMMENT ON FUNCTION cadastre.parcel_record_certificates(bigint, date, timestamptz) IS
    'Part of parcel_record: the certificates of a parcel issued by a legal date (as known at an '
    'instant), each in force or cancelled then, with the holders named on it.';

CREATE OR REPLACE FUNCTION cadastre.parcel_record_versions(p_parcel_id bigint,
                                                           p_known timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'version', v.version, 'status', v.status,
               'ref', cadastre.parcel_ref(v.commune_code, v.sheet_number, v.parcel_number),
               'legal_area', v.legal_area,
               'measured_area', round(ST_Area(v.geom)::numeric, 1),
               'recorded_from', lower(v.sys_period),
               'recorded_until', CASE WHEN upper(v.sys_period) <= p_known
                                      THEN upper(v.sys_period) END,
               'dossier_number', d.number, 'dossier_kind', d.kind)
               ORDER BY lower(v.sys_period)), '[]')
    FROM cadastre.parcel_version AS v
    JOIN cadastre.dossier AS d ON d.id = v.dossier_id
    WHERE v.id = p_parcel_id AND lower(v.sys_period) <= p_known
$$;
COMMENT ON FUNCTION cadastre.parcel_record_versions(bigint, timestamptz) IS
    'Part of parcel_record: every version of a parcel the register had recorded by an instant, '
    'when each was recorded and superseded, and the dossier that made it.';

CREATE OR REPLACE FUNCTION cadastre.split_pieces(p_parcel_id bigint, p_line geometry)
RETURNS TABLE (piece integer, geom geometry)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- What a cutting line would make of a parcel, before any change: the CLI's
    -- `parcel split --line` shows and submits these pieces to cadastre.split_parcel, which
    -- checks they partition the parent.
    IF p_line IS NULL OR GeometryType(p_line) NOT IN ('LINESTRING', 'MULTILINESTRING') THEN
        RAISE EXCEPTION 'Đường cắt phải là một đường (LINESTRING), không phải % '
                        '(the cutting line must be a LINESTRING, not %)',
            coalesce(GeometryType(p_line), 'NULL'), coalesce(GeometryType(p_line), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Draw the line across the parcel, from one side of its boundary to '
                         'the other.';
    END IF;
    RETURN QUERY
    SELECT (row_number() OVER (ORDER BY ST_X(ST_PointOnSurface(d.geom)),
                                        ST_Y(ST_PointOnSurface(d.geom))))::integer,
           d.geom
    FROM cadastre.parcel AS p,
         ST_Dump(ST_Split(p.geom, cadastre.to_register_crs(p_line))) AS d
    WHERE p.id = p_parcel_id
    ORDER BY 1;
END;
$$;
COMMENT ON FUNCTION cadastre.split_pieces(bigint, geometry) IS
    'The pieces a cutting line makes of a parcel, numbered west to east (then south to north); '
    'one piece when the line does not cross it. Changes nothing: cadastre.split_parcel does.';
