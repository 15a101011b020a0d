-- 070_bulk: registering many parcels at once from cadastre.staged_parcel (imports, the sample
-- ward, benchmarks). The same rules as the row triggers, applied set by set: a row that breaks
-- one is quarantined with the reason and location instead of aborting the batch, so every
-- input feature is accounted for. Accepted rows are inserted in the same transaction; the row
-- triggers skip them (cadastre.in_bulk_session) because they were just checked.
--
-- Functions, in the order they are defined:
--   cadastre.quarantine(bigint, text, text, text[], geometry[]) → void
--   cadastre.bulk_forget_decided(bigint) → void
--   cadastre.bulk_prepare(bigint, bigint, date) → void
--   cadastre.bulk_decide(bigint, boolean, integer) → void
--   cadastre.register_staged(bigint, bigint, boolean) → jsonb
--   cadastre.to_register_crs(geometry, integer, integer) → geometry
--   cadastre.register_extent() → TABLE(extent, is_boundary, what)
--   cadastre.bulk_check_extent(bigint, integer) → void
--   cadastre.bulk_check_geometry(bigint, boolean, integer) → void
--   cadastre.bulk_check_attributes(bigint) → void
--   cadastre.bulk_check_identity(bigint) → void
--   cadastre.bulk_check_overlaps(bigint) → void
--   cadastre.bulk_insert(bigint, cadastre.dossier) → void
--   cadastre.bulk_insert_rights(cadastre.dossier) → void

CREATE OR REPLACE FUNCTION cadastre.quarantine(p_batch_id bigint, p_reason text, p_detail text,
                                               p_refs text[], p_locations geometry[] DEFAULT NULL)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE cadastre.staged_parcel AS s
    SET outcome = 'quarantined', reason = p_reason,
        detail = coalesce(s.detail || '; ', '') || p_detail,
        location = coalesce(l.location, s.location)
    FROM unnest(coalesce(p_refs, '{}'),
                coalesce(p_locations, array_fill(NULL::geometry,
                                                 ARRAY[coalesce(cardinality(p_refs), 0)])))
         AS l(ref, location)
    WHERE s.batch_id = p_batch_id AND s.feature_ref = l.ref AND s.outcome IS NULL
$$;
COMMENT ON FUNCTION cadastre.quarantine(bigint, text, text, text[], geometry[]) IS
    'Mark staged features as quarantined with a reason, an explanation and a location.';

CREATE OR REPLACE FUNCTION cadastre.bulk_forget_decided(p_batch_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- bulk_work is the temporary working set of cadastre.register_staged (PL/pgSQL: it only
    -- exists while that runs).
    DELETE FROM bulk_work AS w USING cadastre.staged_parcel AS s
    WHERE s.batch_id = p_batch_id AND s.feature_ref = w.feature_ref AND s.outcome IS NOT NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_forget_decided(bigint) IS
    'Bulk: drop from the working set the features already imported, unchanged or quarantined, '
    'so the next rule only looks at the rest.';

CREATE OR REPLACE FUNCTION cadastre.bulk_prepare(p_batch_id bigint, p_dossier_id bigint,
                                                 p_decided_on date)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- Work on a copy in the register CRS; the staged geometry stays as it was read. A dry run
    -- (cadastre.check_staged) has no dossier: p_dossier_id is null, p_decided_on today.
    CREATE TEMP TABLE bulk_work ON COMMIT DROP AS
    SELECT s.feature_ref, row_number() OVER (ORDER BY s.ctid) AS seq, s.geom AS source_geom,
           NULL::geometry(MultiPolygon) AS geom, s.commune_code, s.sheet_number,
           s.parcel_number, s.legal_area, s.land_uses, s.address, s.holders, s.holder_name,
           coalesce(s.old_identifiers, '[]'::jsonb) AS old_identifiers,
           coalesce(s.dossier_id, p_dossier_id) AS dossier_id,
           CASE WHEN s.dossier_id IS NULL THEN p_decided_on ELSE d.decided_on END
               AS decided_on,
           CASE WHEN s.dossier_id IS NULL THEN cadastre.clock()
                ELSE d.decided_on::timestamptz END AS known_from
    FROM cadastre.staged_parcel AS s
    LEFT JOIN cadastre.dossier AS d ON d.id = s.dossier_id
    WHERE s.batch_id = p_batch_id AND s.outcome IS NULL;
    -- Rows that name their own dossier: each must be approved (one check per dossier).
    PERFORM cadastre.approved_dossier(x.dossier_id)
    FROM (SELECT DISTINCT dossier_id FROM bulk_work WHERE dossier_id IS NOT NULL) AS x;
    ALTER TABLE bulk_work ALTER COLUMN geom TYPE geometry(MultiPolygon, 0);
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_prepare(bigint, bigint, date) IS
    'Bulk: the working set (bulk_work) of a staged batch''s undecided features.';

CREATE OR REPLACE FUNCTION cadastre.bulk_decide(p_batch_id bigint, p_repair boolean,
                                                p_srid integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- Every rule an import applies, in order: what cadastre.register_staged then registers and
    -- what cadastre.check_staged (the dry run) reports are decided here, once.
    PERFORM cadastre.bulk_check_geometry(p_batch_id, p_repair, p_srid);
    PERFORM cadastre.bulk_check_attributes(p_batch_id);
    PERFORM cadastre.bulk_check_identity(p_batch_id);
    PERFORM cadastre.bulk_check_overlaps(p_batch_id);
    -- A thửa is one polygon: a multipart parcel is registered, and the report says so.
    UPDATE cadastre.staged_parcel AS s
    SET detail = coalesce(s.detail || '; ', '')
                 || format('multipart: the parcel is made of %s separate parts',
                           ST_NumGeometries(w.geom)),
        location = coalesce(s.location, ST_PointOnSurface(w.geom))
    FROM bulk_work AS w
    WHERE s.batch_id = p_batch_id AND s.feature_ref = w.feature_ref
      AND ST_NumGeometries(w.geom) > 1;
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_decide(bigint, boolean, integer) IS
    'Bulk: every rule of an import on the working set; what is left in bulk_work is accepted.';

CREATE OR REPLACE FUNCTION cadastre.register_staged(p_batch_id bigint, p_dossier_id bigint,
                                                    p_repair boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_srid     integer := cadastre.require_register();
    v_dossier  cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_summary  jsonb;
BEGIN
    INSERT INTO cadastre.bulk_session (txid, batch_id) VALUES (txid_current(), p_batch_id);
    PERFORM set_config('cadastre.bulk_txid', txid_current()::text, true);
    UPDATE cadastre.import_batch SET dossier_id = p_dossier_id WHERE id = p_batch_id;

    PERFORM cadastre.bulk_prepare(p_batch_id, p_dossier_id, v_dossier.decided_on);
    PERFORM cadastre.bulk_decide(p_batch_id, p_repair, v_srid);
    PERFORM cadastre.bulk_insert(p_batch_id, v_dossier);
    -- The audit trail names every dossier whose parcels this transaction registered (rows
    -- may name their own dossier; the batch's was recorded by begin_dossier_work).
    PERFORM cadastre.record_audit(x.dossier_id, 'change')
    FROM (SELECT DISTINCT dossier_id FROM cadastre.parcel
          WHERE sys_txid = txid_current() AND dossier_id <> p_dossier_id) AS x;

    DELETE FROM cadastre.bulk_session WHERE txid = txid_current();
    PERFORM set_config('cadastre.bulk_txid', '', true);
    SELECT jsonb_build_object(
               'total', count(*),
               'outcomes', (SELECT jsonb_object_agg(o, n) FROM (
                   SELECT coalesce(outcome, 'pending') AS o, count(*) AS n
                   FROM cadastre.staged_parcel WHERE batch_id = p_batch_id GROUP BY 1) AS x),
               'reasons', coalesce((SELECT jsonb_object_agg(reason, n) FROM (
                   SELECT reason, count(*) AS n FROM cadastre.staged_parcel
                   WHERE batch_id = p_batch_id AND reason IS NOT NULL GROUP BY 1) AS y),
                   '{}'::jsonb))
    INTO v_summary
    FROM cadastre.staged_parcel WHERE batch_id = p_batch_id;
    UPDATE cadastre.import_batch SET finished_at = clock_timestamp(), summary = v_summary
    WHERE id = p_batch_id;
    RETURN v_summary;
END;
$$;
COMMENT ON FUNCTION cadastre.register_staged(bigint, bigint, boolean) IS
    'Register every acceptable staged parcel of a batch under an approved dossier; quarantine '
    'the rest with the reason. p_repair fixes invalid geometries (ST_MakeValid) and reports it. '
    'Returns counts by outcome and reason.';

CREATE OR REPLACE FUNCTION cadastre.to_register_crs(p_geom geometry, p_source_srid integer,
                                                    p_srid integer)
RETURNS geometry
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- A location computed on source coordinates, in the register's CRS (null when PROJ cannot
    -- place it: coordinates no projection can take).
    IF p_geom IS NULL OR p_source_srid IS NULL OR p_source_srid IN (0, p_srid) THEN
        RETURN ST_SetSRID(p_geom, p_srid);
    END IF;
    RETURN ST_Transform(ST_SetSRID(p_geom, p_source_srid), p_srid);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.to_register_crs(geometry, integer, integer) IS
    'A geometry in source coordinates reprojected to the register''s CRS (null when it cannot be).';

CREATE OR REPLACE FUNCTION cadastre.register_extent()
RETURNS TABLE (extent geometry, is_boundary boolean, what text)
LANGUAGE sql STABLE
AS $$
    -- Where the register's parcels can lie, in longitude/latitude (EPSG:4326): the province's
    -- boundary when it is loaded, else the area of use of the register's CRS (PROJ).
    SELECT e.extent, e.is_boundary, e.what FROM (
        SELECT ST_Transform(u.boundary, 4326) AS extent, true AS is_boundary,
               format('the boundary of province %s (%s)', u.code, u.name) AS what, 1 AS k
        FROM cadastre.register_setting AS r
        JOIN cadastre.admin_unit AS u ON u.code = r.province_code AND u.boundary IS NOT NULL
        UNION ALL
        SELECT ST_MakeEnvelope(a.west, a.south, a.east, a.north, 4326), false,
               format('the area of use of EPSG:%s (%s: %s°–%s°E, %s°–%s°N)', a.srid, a.name,
                      a.west, a.east, a.south, a.north), 2
        FROM cadastre.register_setting AS r
        JOIN cadastre.crs_area_of_use AS a ON a.srid = r.srid
    ) AS e ORDER BY e.k LIMIT 1
$$;
COMMENT ON FUNCTION cadastre.register_extent() IS
    'Where the register''s parcels can lie (lon/lat): the province boundary when loaded, else '
    'the area of use of the register''s CRS; no row when neither is known.';

CREATE OR REPLACE FUNCTION cadastre.bulk_check_extent(p_batch_id bigint, p_srid integer)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_extent  record;
    v_crs     text;
    v_out     record;
    v_communes geometry;
BEGIN
    SELECT * INTO v_extent FROM cadastre.register_extent();
    IF NOT FOUND THEN
        RETURN;  -- neither a boundary nor an area of use: nothing to compare with
    END IF;
    -- Without the province's boundary, a loaded commune boundary also says where the province
    -- is: an island zone beyond the CRS's area of use (Hoàng Sa, 3.5° east of EPSG:5899's).
    IF NOT v_extent.is_boundary THEN
        v_communes := (SELECT ST_Transform(ST_Collect(boundary), 4326) FROM cadastre.admin_unit
                       WHERE level = 'commune' AND boundary IS NOT NULL);
    END IF;
    -- Compared in longitude/latitude: the inverse projection of the source is defined where the
    -- forward one into the register's zone may not be (a file from the other side of the
    -- world). A boundary must be met; an area of use (with 0.1° of slack for the coast) held.
    SELECT count(*) AS n, (array_agg(x.feature_ref ORDER BY x.seq))[1] AS first_ref,
           (array_agg(x.lonlat ORDER BY x.seq))[1] AS first_at
    INTO v_out
    -- Boxes only: a geometry valid in its source CRS may not be valid for GEOS once bent into
    -- degrees, and its box says where it lies just as well.
    FROM (SELECT w.feature_ref, w.seq, ST_Centroid(b.box) AS lonlat, b.box
          FROM bulk_work AS w,
               LATERAL (SELECT ST_Envelope(ST_Transform(w.source_geom, 4326)) AS box) AS b
          WHERE ST_SRID(w.source_geom) <> 0 AND NOT ST_IsEmpty(w.source_geom)) AS x
    WHERE CASE WHEN v_extent.is_boundary THEN NOT ST_Intersects(x.box, v_extent.extent)
               ELSE NOT x.box @ ST_Expand(v_extent.extent, 0.1)
                    AND NOT coalesce(ST_Intersects(x.box, v_communes), false) END;
    IF v_out.n = 0 THEN
        RETURN;
    END IF;
    SELECT source_crs INTO v_crs FROM cadastre.import_batch WHERE id = p_batch_id;
    RAISE EXCEPTION 'The file in % does not land in this register''s province: % of % '
                    'feature(s) lie outside %; feature % lands at %°E %°N (in EPSG:%: %)',
        coalesce(v_crs, 'EPSG:' || (SELECT ST_SRID(source_geom) FROM bulk_work LIMIT 1)),
        v_out.n, (SELECT count(*) FROM bulk_work),
        v_extent.what || CASE WHEN v_communes IS NOT NULL THEN ' and every loaded commune '
                                   'boundary' ELSE '' END, v_out.first_ref,
        round(ST_X(v_out.first_at)::numeric, 4), round(ST_Y(v_out.first_at)::numeric, 4),
        p_srid,
        coalesce(ST_AsText(cadastre.to_register_crs(v_out.first_at, 4326, p_srid), 3),
                 'beyond the reach of its projection')
        USING ERRCODE = 'check_violation',
              DETAIL = 'rule outside_province; nothing was imported',
              HINT = 'The file''s CRS is probably wrong: give the right one with --crs '
                     '(or fix its .prj). To check the file in its own CRS: '
                     'cadastre check FILE --in-source-crs.'
                     || CASE WHEN NOT v_extent.is_boundary THEN ' If the land is the '
                        'province''s beyond its CRS''s area (an island zone), load its '
                        'boundary first: cadastre commune import-boundaries FILE.' ELSE '' END;
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_check_extent(bigint, integer) IS
    'Bulk: refuse the whole batch (an exception naming its CRS and where it lands) when any '
    'geometry, reprojected, lies outside the register''s province (cadastre.register_extent).';

CREATE OR REPLACE FUNCTION cadastre.bulk_check_geometry(p_batch_id bigint, p_repair boolean,
                                                        p_srid integer)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_bad record;
BEGIN
    -- The same rule as the parcel trigger (cadastre.geometry_issues), before reprojection.
    -- The rule's location is in the source's coordinates: reprojected to the register's CRS.
    FOR v_bad IN
        SELECT w.feature_ref, i.rule, i.message_en,
               cadastre.to_register_crs(i.location, ST_SRID(w.source_geom), p_srid) AS location
        FROM bulk_work AS w
        CROSS JOIN LATERAL (SELECT * FROM cadastre.geometry_issues(
                                CASE WHEN ST_SRID(w.source_geom) = p_srid THEN w.source_geom
                                     ELSE ST_SetSRID(w.source_geom, p_srid) END) LIMIT 1) AS i
        -- Cheap C-level tests first; the rule function explains the few that fail them.
        WHERE w.source_geom IS NULL OR ST_IsEmpty(w.source_geom)
           OR GeometryType(w.source_geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
           OR NOT ST_IsValid(w.source_geom) OR NOT cadastre.within_crs_range(w.source_geom)
    LOOP
        IF v_bad.rule = 'geometry_invalid' AND p_repair THEN
            UPDATE bulk_work SET source_geom = ST_CollectionExtract(ST_MakeValid(source_geom), 3)
            WHERE feature_ref = v_bad.feature_ref;
            UPDATE cadastre.staged_parcel
            SET detail = 'repaired with ST_MakeValid: ' || v_bad.message_en,
                reason = 'geometry_invalid', location = v_bad.location
            WHERE batch_id = p_batch_id AND feature_ref = v_bad.feature_ref;
        ELSE
            PERFORM cadastre.quarantine(p_batch_id, v_bad.rule, v_bad.message_en,
                                        ARRAY[v_bad.feature_ref], ARRAY[v_bad.location]);
        END IF;
    END LOOP;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);
    -- A file whose geometries land outside the province once reprojected is in a wrong CRS:
    -- refused as a whole (an exception), before anything is reprojected or registered.
    PERFORM cadastre.bulk_check_extent(p_batch_id, p_srid);
    -- Reproject; a repaired geometry that collapsed to nothing is quarantined after all.
    UPDATE bulk_work
    SET geom = ST_Multi(CASE WHEN ST_SRID(source_geom) = p_srid THEN source_geom
                             ELSE ST_Transform(source_geom, p_srid) END);
    PERFORM cadastre.quarantine(p_batch_id, 'geometry_empty',
                                'geometry is empty after repair', array_agg(feature_ref))
    FROM bulk_work WHERE geom IS NULL OR ST_IsEmpty(geom);
    DELETE FROM bulk_work WHERE geom IS NULL OR ST_IsEmpty(geom);
    ALTER TABLE bulk_work ALTER COLUMN geom TYPE geometry(MultiPolygon) USING geom;
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_check_geometry(bigint, boolean, integer) IS
    'Bulk: quarantine (or repair) staged geometries that break the geometry rules; reproject.';

CREATE OR REPLACE FUNCTION cadastre.bulk_check_attributes(p_batch_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM cadastre.quarantine(p_batch_id, 'identity_missing',
        'commune code, sheet number or parcel number missing or malformed',
        array_agg(feature_ref), array_agg(ST_PointOnSurface(geom)))
    FROM bulk_work
    WHERE commune_code IS NULL OR sheet_number IS NULL OR parcel_number IS NULL
       OR parcel_number <= 0 OR sheet_number !~ '^[0-9A-Za-z.-]{1,16}$';
    PERFORM cadastre.bulk_forget_decided(p_batch_id);
    -- Commune in force; a merged or pre-2025 code is mapped, one in neither list refused
    -- (022_communes.sql).
    PERFORM cadastre.bulk_check_communes(p_batch_id);

    -- Legal area from the geometry when the source has none; one purpose takes the whole area.
    UPDATE bulk_work SET legal_area = round(ST_Area(geom)::numeric, 1)
    WHERE legal_area IS NULL OR legal_area <= 0;
    UPDATE bulk_work SET land_uses = '[{"code": "KXD", "area": null}]'::jsonb
    WHERE land_uses IS NULL OR jsonb_array_length(land_uses) = 0;
    UPDATE bulk_work
    SET land_uses = jsonb_build_array(land_uses -> 0 || jsonb_build_object('area', legal_area))
    WHERE jsonb_array_length(land_uses) = 1
      AND jsonb_typeof(land_uses -> 0 -> 'area') IS DISTINCT FROM 'number';
    -- Codes absent from the reference list are kept: recorded as imported codes and reported.
    INSERT INTO cadastre.land_use_code (code, name, group_code, source, valid)
    SELECT DISTINCT e ->> 'code', 'Mã nhập từ dữ liệu cũ: ' || (e ->> 'code'), NULL, 'import',
           daterange('1900-01-01', NULL)
    FROM bulk_work, jsonb_array_elements(land_uses) AS e
    WHERE (e ->> 'code') ~ '^[A-Z0-9]{1,6}$'
    ON CONFLICT (code) DO NOTHING;
    PERFORM cadastre.quarantine(p_batch_id, i.rule, i.message_en, array_agg(w.feature_ref))
    FROM bulk_work AS w
    CROSS JOIN LATERAL (SELECT * FROM cadastre.land_use_issues(w.land_uses, w.legal_area, NULL)
                        LIMIT 1) AS i
    GROUP BY i.rule, i.message_en;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_check_attributes(bigint) IS
    'Bulk: identity fields, commune in force, land uses (unknown codes kept as imported codes, '
    'KXD when the source gives none), legal area from the geometry when missing.';

CREATE OR REPLACE FUNCTION cadastre.bulk_check_identity(p_batch_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    CREATE INDEX ON bulk_work (commune_code, sheet_number, parcel_number);
    -- Already in the register with the same geometry: a re-run, nothing to do.
    UPDATE cadastre.staged_parcel AS s
    SET outcome = 'unchanged', parcel_id = p.id,
        detail = 'already registered as ' || cadastre.parcel_ref(p.id)
    FROM bulk_work AS w
    JOIN cadastre.parcel AS p
      ON p.status = 'current' AND p.commune_code = w.commune_code
     AND p.sheet_number = w.sheet_number AND p.parcel_number = w.parcel_number
    WHERE s.batch_id = p_batch_id AND s.feature_ref = w.feature_ref
      AND ST_Area(ST_SymDifference(p.geom, w.geom)) <= cadastre.tolerance('overlap_area');
    PERFORM cadastre.bulk_forget_decided(p_batch_id);

    PERFORM cadastre.quarantine(p_batch_id, 'identity_exists',
        'the register already has a different parcel ' || cadastre.parcel_ref(p.id),
        ARRAY[w.feature_ref], ARRAY[ST_PointOnSurface(w.geom)])
    FROM bulk_work AS w
    JOIN cadastre.parcel AS p
      ON p.status = 'current' AND p.commune_code = w.commune_code
     AND p.sheet_number = w.sheet_number AND p.parcel_number = w.parcel_number;

    PERFORM cadastre.quarantine(p_batch_id, 'duplicate_identity',
        format('identity %s/%s/%s is also used by feature %s of this file', d.commune_code,
               d.sheet_number, d.parcel_number, d.first_ref),
        array_agg(d.feature_ref), array_agg(ST_PointOnSurface(d.geom)))
    FROM (SELECT w.*, first_value(feature_ref) OVER same AS first_ref,
                 row_number() OVER same AS n
          FROM bulk_work AS w
          WINDOW same AS (PARTITION BY commune_code, sheet_number, parcel_number
                          ORDER BY seq)) AS d
    WHERE d.n > 1
    GROUP BY d.commune_code, d.sheet_number, d.parcel_number, d.first_ref;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_check_identity(bigint) IS
    'Bulk: identical re-runs are unchanged; a different parcel with an existing identity and '
    'duplicate identities within the batch are quarantined.';

CREATE OR REPLACE FUNCTION cadastre.bulk_check_overlaps(p_batch_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- A fresh table for the spatial index: an index built on bulk_work after its UPDATEs
    -- (broken HOT chains) would not be usable within this transaction (indcheckxmin).
    CREATE TEMP TABLE bulk_geom ON COMMIT DROP AS
    SELECT feature_ref, seq, geom FROM bulk_work;
    CREATE INDEX ON bulk_geom USING gist (geom);
    ANALYZE bulk_geom;
    -- Within the batch: of two overlapping features, the later one is quarantined.
    -- Every partner is named (one quarantine per feature, all its overlaps in its detail).
    PERFORM cadastre.quarantine(p_batch_id, 'overlap',
                                string_agg(i.message_en, '; ' ORDER BY a.seq),
                                ARRAY[b.feature_ref], ARRAY[(array_agg(i.location ORDER BY a.seq))[1]])
    FROM bulk_geom AS a
    JOIN bulk_geom AS b ON b.geom && a.geom AND b.feature_ref <> a.feature_ref,
         LATERAL cadastre.overlap_between(b.geom, a.geom, b.feature_ref,
                                          'feature ' || a.feature_ref || ' of this file') AS i
    WHERE b.seq > a.seq
    GROUP BY b.feature_ref;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);

    -- Within the commune's boundary, when it is recorded (the trigger's rule, set by set).
    PERFORM cadastre.quarantine(p_batch_id, i.rule, i.message_en, ARRAY[w.feature_ref],
                                ARRAY[i.location])
    FROM bulk_work AS w
    JOIN cadastre.admin_unit AS u ON u.code = w.commune_code AND u.boundary IS NOT NULL
    CROSS JOIN LATERAL (SELECT * FROM cadastre.placement_issues(w.geom, w.commune_code,
                                                               w.sheet_number, w.feature_ref)
                        WHERE severity = 'error' LIMIT 1) AS i
    WHERE NOT ST_CoveredBy(w.geom, u.boundary);
    PERFORM cadastre.bulk_forget_decided(p_batch_id);

    -- Against the current register: the same rule the commit-time trigger applies. Partners
    -- in a fixed order, so the import and its dry run name and locate the same first one.
    PERFORM cadastre.quarantine(p_batch_id, 'overlap',
        string_agg(i.message_en, '; ' ORDER BY i.other_ref), ARRAY[w.feature_ref],
        ARRAY[(array_agg(i.location ORDER BY i.other_ref))[1]])
    FROM bulk_work AS w
    CROSS JOIN LATERAL cadastre.overlap_issues(w.geom, w.feature_ref) AS i
    GROUP BY w.feature_ref;
    PERFORM cadastre.bulk_forget_decided(p_batch_id);
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_check_overlaps(bigint) IS
    'Bulk: overlaps within the batch and with current parcels, beyond the area and width '
    'tolerances, quarantine the later feature.';

CREATE OR REPLACE FUNCTION cadastre.bulk_insert(p_batch_id bigint, p_dossier cadastre.dossier)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- The audit seal first, then the neighbourhood: the order every committing transaction
    -- takes them in (seal, then the deferred overlap check's cells), so they cannot deadlock.
    PERFORM cadastre.lock_audit_seal();
    PERFORM cadastre.lock_neighbourhood(ST_Extent(geom)::geometry) FROM bulk_work
    HAVING count(*) > 0;
    ALTER TABLE bulk_work ADD COLUMN parcel_id bigint;
    UPDATE bulk_work SET parcel_id = nextval(pg_get_serial_sequence('cadastre.parcel', 'id'));
    INSERT INTO cadastre.parcel (id, commune_code, sheet_number, parcel_number, geom, legal_area,
                                 land_uses, address, old_identifiers, dossier_id, sys_period)
    SELECT parcel_id, commune_code, sheet_number, parcel_number, geom, legal_area, land_uses,
           address, old_identifiers, dossier_id, tstzrange(known_from, NULL)
    FROM bulk_work ORDER BY seq;
    UPDATE cadastre.staged_parcel AS s
    SET outcome = CASE WHEN s.reason = 'geometry_invalid' THEN 'repaired' ELSE 'imported' END,
        parcel_id = w.parcel_id
    FROM bulk_work AS w
    WHERE s.batch_id = p_batch_id AND s.feature_ref = w.feature_ref;
    PERFORM cadastre.bulk_insert_rights(p_dossier);
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_insert(bigint, cadastre.dossier) IS
    'Bulk: insert the accepted parcels (the per-row triggers skip them) and their rights.';

CREATE OR REPLACE FUNCTION cadastre.bulk_insert_rights(p_dossier cadastre.dossier)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    -- Holders named only by text (legacy files): one party per distinct name.
    CREATE TEMP TABLE bulk_party ON COMMIT DROP AS
    SELECT DISTINCT holder_name FROM bulk_work WHERE holders IS NULL AND holder_name IS NOT NULL;
    ALTER TABLE bulk_party ADD COLUMN party_id bigint;
    UPDATE bulk_party SET party_id = cadastre.add_party(
        CASE WHEN holder_name ~* '^(công ty|ngân hàng|ubnd|ủy ban|uỷ ban|trường|bệnh viện|chùa|'
                                 'hợp tác xã|tổng công ty|doanh nghiệp)'
             THEN 'organisation' ELSE 'individual' END, holder_name);
    UPDATE bulk_work AS w
    SET holders = jsonb_build_array(jsonb_build_object('party_id', p.party_id, 'share', '1'))
    FROM bulk_party AS p WHERE w.holders IS NULL AND w.holder_name = p.holder_name;

    CREATE TEMP TABLE bulk_right ON COMMIT DROP AS
    SELECT nextval(pg_get_serial_sequence('cadastre.rrr', 'id')) AS rrr_id, parcel_id, holders,
           dossier_id, decided_on, known_from
    FROM bulk_work WHERE holders IS NOT NULL AND jsonb_array_length(holders) > 0;
    INSERT INTO cadastre.rrr (id, kind, exclusive, parcel_id, valid, dossier_id, sys_period)
    SELECT rrr_id, 'land_use_right', true, parcel_id, daterange(decided_on, NULL), dossier_id,
           tstzrange(known_from, NULL)
    FROM bulk_right;
    INSERT INTO cadastre.rrr_share (rrr_id, party_id, numerator, denominator, sys_period)
    SELECT r.rrr_id, (h ->> 'party_id')::bigint, s[1], s[2], tstzrange(r.known_from, NULL)
    FROM bulk_right AS r, jsonb_array_elements(r.holders) AS h,
         cadastre.parse_share(coalesce(h ->> 'share', '1')) AS s;
    -- The share rule, set by set: every right's shares sum to exactly 1. A decimal sum of
    -- exactly 1 is exact; near-misses (thirds) get the exact rational sum.
    PERFORM cadastre.raise_on_errors(ARRAY[cadastre.make_issue('shares_sum', 'error',
                cadastre.parcel_ref(r.parcel_id),
                'Tổng phần quyền của người sử dụng khác 1',
                format('holders'' shares sum to %s/%s instead of 1', t.numerator, t.denominator))],
            'Give shares that add up to exactly 1.')
    FROM (SELECT s.rrr_id, min(b.parcel_id) AS parcel_id
          FROM cadastre.rrr_share AS s JOIN bulk_right AS b ON b.rrr_id = s.rrr_id
          GROUP BY s.rrr_id
          HAVING sum(s.numerator::numeric / s.denominator) <> 1) AS r,
         cadastre.share_total(r.rrr_id) AS t
    WHERE t.numerator <> t.denominator;
END;
$$;
COMMENT ON FUNCTION cadastre.bulk_insert_rights(cadastre.dossier) IS
    'Bulk: land-use rights with holders (parties created from plain holder names) and the '
    'share rule checked set by set.';
