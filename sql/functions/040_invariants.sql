-- 040_invariants: the rules the database enforces on every write, whoever writes.
-- QGIS saving a layer, psql, the CLI and the operations all pass through these triggers (their
-- functions are here; they are attached, in firing order, in 100_triggers.sql):
--   * every change is made inside an approved dossier and stamped with it;
--   * parcel geometry is a valid, non-empty polygon in the register's SRID;
--   * land uses are known codes whose areas sum to the legal area;
--   * no two current parcels overlap beyond tolerance (checked at commit, under spatial locks);
--   * one current parcel per identity (unique index), retired versions are final;
--   * holders' shares of a right sum to exactly 1 (checked at commit);
--   * an exclusive right has no overlapping validity periods (exclusion constraint).
--
-- Functions, in the order they are defined:
--   cadastre.parcel_ref(text, text, integer) → text
--   cadastre.parcel_ref(bigint) → text
--   cadastre.current_dossier() → bigint
--   cadastre.approved_dossier(bigint) → cadastre.dossier
--   cadastre.begin_dossier_work(bigint) → cadastre.dossier
--   cadastre.stamp_dossier() → trigger
--   cadastre.require_dossier_context() → trigger
--   cadastre.guard_dossier() → trigger
--   cadastre.land_use_issues(jsonb, numeric, text) → SETOF cadastre.issue
--   cadastre.validate_parcel() → trigger
--   cadastre.require_current_commune(text, text) → void
--   cadastre.last_change_text(bigint) → text
--   cadastre.lock_neighbourhood(geometry) → void
--   cadastre.width_of(geometry) → double precision
--   cadastre.overlap_issue(geometry, text, text) → cadastre.issue
--   cadastre.overlap_between(geometry, geometry, text, text) → SETOF cadastre.issue
--   cadastre.overlap_issues(geometry, text, bigint[]) → SETOF cadastre.issue
--   cadastre.check_no_overlap() → trigger
--   cadastre.validate_rrr() → trigger
--   cadastre.share_total(bigint) → TABLE(numerator, denominator, holders)
--   cadastre.check_shares() → trigger

CREATE OR REPLACE FUNCTION cadastre.parcel_ref(p_commune text, p_sheet text, p_number integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- p_number::text, not text || integer (a stable operator): an immutable body lets the
    -- planner inline the call, in every checked neighbour and every trigger that names a parcel.
    SELECT p_commune || '/' || p_sheet || '/' || p_number::text
$$;
COMMENT ON FUNCTION cadastre.parcel_ref(text, text, integer) IS
    'A parcel''s identity as people write it: commune/sheet/number, e.g. 00070/12/45.';

CREATE OR REPLACE FUNCTION cadastre.parcel_ref(p_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- PL/pgSQL so the look-up is planned once per session (messages, audit trail rows).
    RETURN (SELECT cadastre.parcel_ref(commune_code, sheet_number, parcel_number)
            FROM cadastre.parcel WHERE id = p_id);
END;
$$;
COMMENT ON FUNCTION cadastre.parcel_ref(bigint) IS 'Identity of a parcel by its id.';

-- Dossier context --------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.current_dossier()
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    SELECT nullif(current_setting('cadastre.dossier_id', true), '')::bigint
$$;
COMMENT ON FUNCTION cadastre.current_dossier() IS
    'The dossier this transaction works for (set by cadastre.begin_dossier_work).';

CREATE OR REPLACE FUNCTION cadastre.approved_dossier(p_dossier_id bigint)
RETURNS cadastre.dossier
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_dossier cadastre.dossier;
BEGIN
    SELECT * INTO v_dossier FROM cadastre.dossier WHERE id = p_dossier_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Dossier % does not exist', p_dossier_id
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Open the dossier first (cadastre.open_dossier) and approve it.';
    END IF;
    IF v_dossier.status = 'closed' THEN
        RAISE EXCEPTION 'Dossier % (%) was closed on %: the register cannot change under it',
            v_dossier.number, v_dossier.kind, v_dossier.closed_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'dossier_open',
                  HINT = 'Open a new dossier for further changes.';
    END IF;
    IF v_dossier.status <> 'approved' THEN
        RAISE EXCEPTION 'Dossier % (%) is %, not approved: the register cannot change under it',
            v_dossier.number, v_dossier.kind, v_dossier.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'dossier_approved',
                  HINT = 'Approve the dossier (cadastre.approve_dossier) before registering its '
                         'changes.';
    END IF;
    RETURN v_dossier;
END;
$$;
COMMENT ON FUNCTION cadastre.approved_dossier(bigint) IS
    'The dossier if it exists and is approved; otherwise an error saying why not.';

CREATE OR REPLACE FUNCTION cadastre.begin_dossier_work(p_dossier_id bigint)
RETURNS cadastre.dossier
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.approved_dossier(p_dossier_id);
BEGIN
    -- Work under a dossier only in its commune (the parcels touched are checked again, each).
    PERFORM cadastre.require_dossier_commune(v_dossier, 'work under');
    PERFORM set_config('cadastre.dossier_id', p_dossier_id::text, true);
    PERFORM cadastre.record_audit(p_dossier_id, 'change');
    RETURN v_dossier;
END;
$$;
COMMENT ON FUNCTION cadastre.begin_dossier_work(bigint) IS
    'Make the rest of this transaction work for an approved dossier of a commune the caller may '
    'edit (stamped on every change).';

CREATE OR REPLACE FUNCTION cadastre.stamp_dossier()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier bigint;
BEGIN
    -- A new row may name its own approved dossier (loading history); a change is stamped with
    -- the dossier the transaction works for, or one the change names explicitly.
    IF TG_OP = 'INSERT' THEN
        v_dossier := coalesce(NEW.dossier_id, cadastre.current_dossier());
    ELSE
        v_dossier := coalesce(cadastre.current_dossier(),
                              CASE WHEN NEW.dossier_id IS DISTINCT FROM OLD.dossier_id
                                   THEN NEW.dossier_id END);
    END IF;
    IF v_dossier IS NULL THEN
        RAISE EXCEPTION 'Change to %.% refused: every change to the register must be made '
                        'within an approved dossier', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'dossier_required',
                  DETAIL = CASE WHEN TG_TABLE_NAME = 'parcel' THEN
                               'parcel ' || cadastre.parcel_ref(
                                   (to_jsonb(NEW) ->> 'commune_code'),
                                   (to_jsonb(NEW) ->> 'sheet_number'),
                                   (to_jsonb(NEW) ->> 'parcel_number')::integer)
                               ELSE format('%s id %s', TG_TABLE_NAME, to_jsonb(NEW) ->> 'id')
                          END,
                  HINT = 'Open and approve a dossier, then SELECT cadastre.begin_dossier_work('
                         'dossier_id) in the same transaction, or use the register''s operations '
                         '(the QGIS plugin does this for you).';
    END IF;
    -- begin_dossier_work checked the transaction's dossier already; check any other one.
    IF cadastre.current_dossier() IS NULL THEN
        PERFORM cadastre.begin_dossier_work(v_dossier);
    ELSIF v_dossier <> cadastre.current_dossier() THEN
        PERFORM cadastre.approved_dossier(v_dossier);
    END IF;
    NEW.dossier_id := v_dossier;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.stamp_dossier() IS
    'BEFORE INSERT/UPDATE trigger: refuse changes outside an approved dossier, stamp the rest.';

CREATE OR REPLACE FUNCTION cadastre.require_dossier_context()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF cadastre.current_dossier() IS NULL THEN
        RAISE EXCEPTION 'Change to %.% refused: every change to the register must be made '
                        'within an approved dossier', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'dossier_required',
                  HINT = 'SELECT cadastre.begin_dossier_work(dossier_id) first, or use the '
                         'register''s operations.';
    END IF;
    PERFORM cadastre.approved_dossier(cadastre.current_dossier());
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cadastre.require_dossier_context() IS
    'Trigger for tables without a dossier column (shares, certificate links): a dossier must be '
    'active in the transaction.';

-- Dossiers themselves -------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.guard_dossier()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- The one change after a decision: closing an approved dossier (cadastre.close_dossier).
    IF OLD.status = 'approved' AND NEW.status = 'closed'
       AND (to_jsonb(NEW) - 'status' - 'closed_on' - 'closed_by')
           = (to_jsonb(OLD) - 'status' - 'closed_on' - 'closed_by') THEN
        RETURN NEW;
    END IF;
    IF OLD.status <> 'received' THEN
        RAISE EXCEPTION 'Dossier % was % on % and can no longer change', OLD.number, OLD.status,
            OLD.decided_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'dossier_decided',
                  HINT = 'Open a correction dossier instead.';
    END IF;
    IF NEW.id <> OLD.id OR NEW.number <> OLD.number OR NEW.kind <> OLD.kind THEN
        RAISE EXCEPTION 'Dossier %: its id, number and kind cannot change', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'dossier_identity';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.guard_dossier() IS
    'A decided dossier is final; an approved one may only be closed.';

-- Parcels ------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.land_use_issues(p_land_uses jsonb, p_legal_area numeric,
                                                    p_ref text)
RETURNS SETOF cadastre.issue
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_item     jsonb;
    v_sum      numeric := 0;
    v_code     text;
    v_area     numeric;
    v_unknown  integer := 0;
BEGIN
    IF p_land_uses IS NULL OR jsonb_typeof(p_land_uses) <> 'array'
       OR jsonb_array_length(p_land_uses) = 0 THEN
        RETURN NEXT cadastre.make_issue('land_use_missing', 'error', p_ref,
            'Thửa đất phải có ít nhất một mục đích sử dụng',
            'A parcel needs at least one land-use purpose ([{"code": "ODT", "area": …}])');
        RETURN;
    END IF;
    FOR v_item IN SELECT * FROM jsonb_array_elements(p_land_uses) LOOP
        v_code := v_item ->> 'code';
        v_area := CASE WHEN jsonb_typeof(v_item -> 'area') = 'number'
                       THEN (v_item ->> 'area')::numeric END;
        IF v_code IS NULL OR NOT EXISTS (SELECT 1 FROM cadastre.land_use_code
                                         WHERE code = v_code AND NOT is_group) THEN
            RETURN NEXT cadastre.make_issue('land_use_unknown', 'error', p_ref,
                format('Mã mục đích sử dụng đất không có trong danh mục: %s', v_code),
                format('Land-use code %s is not in the reference list (or is a group heading)',
                       coalesce(v_code, '(missing)')));
        END IF;
        IF v_area IS NULL AND jsonb_typeof(v_item -> 'area') IS DISTINCT FROM 'null'
           AND v_item ? 'area' THEN
            RETURN NEXT cadastre.make_issue('land_use_area', 'error', p_ref,
                format('Diện tích của mục đích %s phải là số', v_code),
                format('The area of land use %s must be a number', v_code));
        ELSIF v_area IS NULL THEN
            v_unknown := v_unknown + 1;
        ELSIF v_area <= 0 THEN
            RETURN NEXT cadastre.make_issue('land_use_area', 'error', p_ref,
                format('Diện tích của mục đích %s phải là số dương', v_code),
                format('The area of land use %s must be a positive number', v_code));
        ELSE
            v_sum := v_sum + v_area;
        END IF;
        IF v_item ? 'form' AND jsonb_typeof(v_item -> 'form') <> 'null'
           AND NOT EXISTS (SELECT 1 FROM cadastre.land_use_form
                           WHERE code = v_item ->> 'form') THEN
            RETURN NEXT cadastre.make_issue('land_use_form_unknown', 'error', p_ref,
                format('Hình thức sử dụng đất không hợp lệ: %s', v_item ->> 'form'),
                format('Unknown land-use form %s', v_item ->> 'form'));
        END IF;
    END LOOP;
    -- A combined code recorded without its split (ODT+CLN from a legacy file) has every area
    -- unknown: allowed, and reported by the quality checks. A partial split is not.
    IF v_unknown = jsonb_array_length(p_land_uses) AND v_unknown > 1 THEN
        RETURN;
    END IF;
    IF v_unknown > 0 THEN
        RETURN NEXT cadastre.make_issue('land_use_area', 'error', p_ref,
            'Thiếu diện tích của một số mục đích sử dụng',
            'Some land uses have an area and others none: give all areas, or none for a '
            'combined code whose split is unknown');
        RETURN;
    END IF;
    IF abs(v_sum - p_legal_area) > cadastre.tolerance('land_use_area') THEN
        RETURN NEXT cadastre.make_issue('land_use_area_sum', 'error', p_ref,
            format('Tổng diện tích các mục đích (%s m²) khác diện tích pháp lý (%s m²)',
                   v_sum, p_legal_area),
            format('Land-use areas sum to %s m² but the legal area is %s m²', v_sum, p_legal_area));
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.land_use_issues(jsonb, numeric, text) IS
    'Rules on a parcel''s land uses: known codes and forms, positive areas summing to the '
    'legal area.';

CREATE OR REPLACE FUNCTION cadastre.validate_parcel()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_ref      text := cadastre.parcel_ref(NEW.commune_code, NEW.sheet_number, NEW.parcel_number);
    v_hint     text := 'Fix the parcel and submit again; nothing was changed.';
    v_issues   cadastre.issue[];
    -- Compared once: the geometry rules and the placement rule both depend on it.
    v_new_geom boolean := TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom;
BEGIN
    PERFORM cadastre.require_commune_right(NEW.commune_code, v_ref);
    IF TG_OP = 'UPDATE' THEN
        IF OLD.commune_code <> NEW.commune_code THEN
            PERFORM cadastre.require_commune_right(OLD.commune_code, v_ref);
        END IF;
        IF OLD.status = 'retired' THEN
            RAISE EXCEPTION 'Parcel % is retired; its last version is final', v_ref
                USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_current',
                      HINT = 'Retired parcels stay as history. Work on the parcels that replaced '
                             'it (see cadastre.parcel_genealogy).';
        END IF;
        IF NEW.version <> OLD.version THEN
            RAISE EXCEPTION 'Parcel % was changed by someone else (you edited version %, the '
                            'register has version %)', v_ref, NEW.version, OLD.version
                USING ERRCODE = 'serialization_failure',
                      DETAIL = cadastre.last_change_text(OLD.id),
                      HINT = 'Reload the parcel and redo your edit on the current version.';
        END IF;
        IF NEW.id <> OLD.id THEN
            RAISE EXCEPTION 'Parcel %: its id cannot change', v_ref USING ERRCODE = 'check_violation';
        END IF;
        -- Two IFs, not one AND: an expression with sub-queries starts an executor (and its
        -- sub-plans) on every call, even when the first operand is false; the plain test
        -- is evaluated directly, so an edit that does not retire the parcel pays nothing.
        IF NEW.status = 'retired' THEN
            IF EXISTS (SELECT 1 FROM cadastre.rrr WHERE parcel_id = NEW.id AND upper_inf(valid))
               OR EXISTS (SELECT 1 FROM cadastre.certificate AS c
                          JOIN cadastre.certificate_parcel AS cp ON cp.certificate_id = c.id
                          WHERE cp.parcel_id = NEW.id AND c.cancelled_on IS NULL) THEN
                RAISE EXCEPTION 'Parcel % cannot be retired while it has open rights or valid '
                                'certificates', v_ref
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_open_rights',
                          HINT = 'Retire parcels through a split, merge or acquisition dossier '
                                 '(cadastre.split_parcel, merge_parcels, acquire_parcel), which '
                                 'end the rights and cancel the certificates.';
            END IF;
        END IF;
    END IF;
    -- Check what changed (an attribute edit does not re-validate an unchanged geometry).
    IF v_new_geom THEN
        PERFORM cadastre.require_register();
        IF NEW.geom IS NOT NULL AND GeometryType(NEW.geom) = 'POLYGON' THEN
            NEW.geom := ST_Multi(NEW.geom);
        END IF;
        SELECT array_agg(i) INTO v_issues FROM cadastre.geometry_issues(NEW.geom, v_ref) AS i;
        PERFORM cadastre.raise_on_errors(v_issues, v_hint);
    END IF;
    IF TG_OP = 'INSERT' OR NEW.land_uses IS DISTINCT FROM OLD.land_uses
       OR NEW.legal_area IS DISTINCT FROM OLD.legal_area THEN
        SELECT array_agg(i) INTO v_issues
        FROM cadastre.land_use_issues(NEW.land_uses, NEW.legal_area, v_ref) AS i;
        PERFORM cadastre.raise_on_errors(v_issues, v_hint);
    END IF;
    IF NEW.status = 'current' AND (TG_OP = 'INSERT' OR NEW.commune_code <> OLD.commune_code) THEN
        PERFORM cadastre.require_current_commune(NEW.commune_code, v_ref);
    END IF;
    -- A parcel must lie within its commune's boundary (when the boundary is recorded).
    IF NEW.status = 'current' AND (TG_OP = 'INSERT' OR NEW.commune_code <> OLD.commune_code
                                   OR v_new_geom) THEN
        SELECT array_agg(i) INTO v_issues
        FROM cadastre.placement_issues(NEW.geom, NEW.commune_code, NEW.sheet_number, v_ref) AS i;
        PERFORM cadastre.raise_on_errors(v_issues,
            'Draw the parcel within its commune''s boundary, or register it in the commune it '
            'lies in.');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Something changed: a_skip_unchanged dropped the UPDATEs that change nothing.
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.validate_parcel() IS
    'BEFORE INSERT/UPDATE trigger on parcels: geometry and land-use rules, commune, retired '
    'parcels final, stale versions refused, version counter.';

CREATE OR REPLACE FUNCTION cadastre.require_current_commune(p_code text, p_ref text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_unit cadastre.admin_unit;
BEGIN
    SELECT * INTO v_unit FROM cadastre.admin_unit WHERE code = p_code;
    IF NOT FOUND OR v_unit.level <> 'commune' THEN
        RAISE EXCEPTION 'Parcel %: unknown commune code %', p_ref, p_code
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Use a 5-digit commune code of the register''s province '
                         '(cadastre.admin_unit).';
    END IF;
    IF NOT v_unit.valid @> cadastre.clock()::date THEN
        RAISE EXCEPTION 'Parcel %: commune % (%) is not in force on %', p_ref, p_code,
            v_unit.name, cadastre.clock()::date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'commune_in_force',
                  HINT = CASE WHEN v_unit.replaced_by IS NOT NULL
                              THEN format('It was replaced by commune %s.', v_unit.replaced_by)
                              ELSE 'Check the commune''s validity period.' END;
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.require_current_commune(text, text) IS
    'A parcel can only be placed in a commune that exists and is in force.';

CREATE OR REPLACE FUNCTION cadastre.last_change_text(p_parcel_id bigint)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('Last changed by dossier %s (%s, officer %s) at %s', d.number, d.kind,
                  d.officer, to_char(lower(p.sys_period), 'YYYY-MM-DD HH24:MI:SS TZ'))
    FROM cadastre.parcel AS p JOIN cadastre.dossier AS d ON d.id = p.dossier_id
    WHERE p.id = p_parcel_id
$$;
COMMENT ON FUNCTION cadastre.last_change_text(bigint) IS
    'Who changed a parcel last and when: the dossier, its officer and the time.';

-- No overlaps between current parcels, checked at commit under spatial locks -----------------

CREATE OR REPLACE FUNCTION cadastre.lock_neighbourhood(p_geom geometry)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_cell  numeric := cadastre.tolerance('lock_cell');
    v_box   box2d := Box2D(ST_Expand(p_geom, 1));
    v_key   bigint;
BEGIN
    -- Lock every grid cell the (slightly grown) bounding box touches, in a fixed order, so two
    -- transactions editing neighbours serialise instead of each checking a stale picture.
    FOR v_key IN
        SELECT DISTINCT (ix::bigint << 32) | (iy::bigint & 4294967295)
        FROM generate_series(floor(ST_XMin(v_box) / v_cell)::bigint,
                             floor(ST_XMax(v_box) / v_cell)::bigint) AS ix,
             generate_series(floor(ST_YMin(v_box) / v_cell)::bigint,
                             floor(ST_YMax(v_box) / v_cell)::bigint) AS iy
        ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(v_key);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cadastre.lock_neighbourhood(geometry) IS
    'Transaction-level advisory locks on the grid cells around a geometry: edits of neighbouring '
    'parcels commit one after the other.';

CREATE OR REPLACE FUNCTION cadastre.width_of(p_geom geometry)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN ST_Perimeter(p_geom) > 0 THEN 2 * ST_Area(p_geom) / ST_Perimeter(p_geom)
                ELSE 0 END
$$;
COMMENT ON FUNCTION cadastre.width_of(geometry) IS
    'Mean width of a polygon (2·area/perimeter): tells a thin strip from a real area.';

CREATE OR REPLACE FUNCTION cadastre.overlap_issue(p_shape geometry, p_ref text, p_other_ref text)
RETURNS cadastre.issue
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    -- The overlap's issue row, built only for a pair that overlaps: a separate PL/pgSQL
    -- function, so the statements that call overlap_between do not compile these message
    -- expressions at every executor start (the common case: no overlap at all).
    RETURN cadastre.make_issue('overlap', 'error', p_ref,
               format('Chồng lấn với %s: %s m², rộng %s m', p_other_ref,
                      round(ST_Area(p_shape)::numeric, 3),
                      round(cadastre.width_of(p_shape)::numeric, 3)),
               format('Overlaps %s by %s m² (width %s m)', p_other_ref,
                      round(ST_Area(p_shape)::numeric, 3),
                      round(cadastre.width_of(p_shape)::numeric, 3)),
               p_shape, p_other_ref);
END;
$$;
COMMENT ON FUNCTION cadastre.overlap_issue(geometry, text, text) IS
    'The issue row of an overlap found by cadastre.overlap_between (its messages).';

CREATE OR REPLACE FUNCTION cadastre.overlap_between(p_geom geometry, p_other geometry,
                                                    p_ref text, p_other_ref text)
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE PARALLEL SAFE  -- a commune's overlap query may run in parallel
AS $$
    -- The one definition of an overlap: interiors intersect, and the shared part is larger
    -- than overlap_area AND wider than overlap_width (a long shared edge digitised twice has
    -- area but no width).
    -- One SELECT: the function stays inlinable, so a caller's plan holds it (no planning per
    -- call); the issue row comes from overlap_issue, called only for an overlap.
    SELECT i.*
    FROM (SELECT ST_CollectionExtract(ST_Intersection(p_geom, p_other), 3) AS shape
          WHERE ST_Relate(p_geom, p_other, '2********')) AS o,
         LATERAL cadastre.overlap_issue(o.shape, p_ref, p_other_ref) AS i
    WHERE ST_Area(o.shape) > cadastre.tolerance('overlap_area')
      AND cadastre.width_of(o.shape) > cadastre.tolerance('overlap_width')
$$;
COMMENT ON FUNCTION cadastre.overlap_between(geometry, geometry, text, text) IS
    'The overlap rule for one pair of geometries: an issue when they overlap beyond the area '
    'and width tolerances (touching edges and slivers along shared edges are not overlaps).';

CREATE OR REPLACE FUNCTION cadastre.overlap_issues(p_geom geometry, p_ref text,
                                                   p_exclude_ids bigint[] DEFAULT '{}')
RETURNS SETOF cadastre.issue
LANGUAGE sql STABLE
AS $$
    SELECT i.*
    FROM cadastre.parcel AS n,
         LATERAL cadastre.overlap_between(p_geom, n.geom, p_ref,
             cadastre.parcel_ref(n.commune_code, n.sheet_number, n.parcel_number)) AS i
    WHERE n.status = 'current' AND n.geom && p_geom AND NOT n.id = ANY (p_exclude_ids)
$$;
COMMENT ON FUNCTION cadastre.overlap_issues(geometry, text, bigint[]) IS
    'Overlaps of a geometry with the current parcels (cadastre.overlap_between for each).';

CREATE OR REPLACE FUNCTION cadastre.check_no_overlap()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_parcel  cadastre.parcel;
    v_issues  cadastre.issue[];
BEGIN
    SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = NEW.id;
    IF NOT FOUND OR v_parcel.status <> 'current' THEN
        RETURN NULL;
    END IF;
    PERFORM cadastre.lock_neighbourhood(v_parcel.geom);
    -- After the locks, read the neighbours again: what concurrent editors committed is visible.
    SELECT array_agg(i) INTO v_issues
    FROM cadastre.overlap_issues(v_parcel.geom,
             cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                 v_parcel.parcel_number),
             ARRAY[v_parcel.id]) AS i;
    PERFORM cadastre.raise_on_errors(v_issues,
        'Current parcels may not overlap. Adjust the boundary so it only touches its '
        'neighbours, or correct both parcels in one re-survey dossier.');
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.check_no_overlap() IS
    'Deferred constraint trigger: at commit, a current parcel that changed must not overlap any '
    'other current parcel beyond tolerance.';

-- Rights and shares --------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.validate_rrr()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_status text;
BEGIN
    NEW.exclusive := (SELECT exclusive FROM cadastre.rrr_kind WHERE code = NEW.kind);
    IF TG_OP = 'INSERT' THEN
        SELECT status INTO v_status FROM cadastre.parcel WHERE id = NEW.parcel_id;
        IF v_status = 'retired' AND upper_inf(NEW.valid) THEN
            RAISE EXCEPTION 'Parcel % is retired: no new open-ended % can be registered on it',
                cadastre.parcel_ref(NEW.parcel_id), NEW.kind
                USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_current',
                      HINT = 'Register it on the parcels that replaced it.';
        END IF;
    ELSIF NEW.parcel_id <> OLD.parcel_id OR NEW.kind <> OLD.kind THEN
        RAISE EXCEPTION 'Right %: its parcel and kind cannot change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'right_identity',
                  HINT = 'End it and register a new one.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cadastre.validate_rrr() IS
    'BEFORE INSERT/UPDATE trigger on rights and restrictions.';

CREATE OR REPLACE AGGREGATE cadastre.lcm_of(numeric) (
    SFUNC = lcm, STYPE = numeric, INITCOND = '1'
);
COMMENT ON AGGREGATE cadastre.lcm_of(numeric) IS
    'Least common multiple of a set of integers (1 for none): the common denominator of shares.';

CREATE OR REPLACE FUNCTION cadastre.share_total(p_rrr_id bigint)
RETURNS TABLE (numerator numeric, denominator numeric, holders integer)
LANGUAGE sql STABLE
AS $$
    -- Exact rational sum over the common denominator: 1/3 + 1/3 + 1/3 is 1, not 0.999…
    -- One SELECT, so the function is inlined into its caller (a whole commune's rights are
    -- summed in one query).
    SELECT div(t.total, gcd(t.total, t.common)), div(t.common, gcd(t.total, t.common)),
           t.holders
    FROM (SELECT coalesce(sum(s.numerator * div(c.common, s.denominator)), 0) AS total,
                 c.common, count(s.rrr_id)::integer AS holders
          FROM (SELECT cadastre.lcm_of(d.denominator) AS common
                FROM cadastre.rrr_share AS d WHERE d.rrr_id = p_rrr_id) AS c
          LEFT JOIN cadastre.rrr_share AS s ON s.rrr_id = p_rrr_id
          GROUP BY c.common) AS t
$$;
COMMENT ON FUNCTION cadastre.share_total(bigint) IS
    'The exact sum of a right''s holder shares as a reduced fraction, and the holder count.';

CREATE OR REPLACE FUNCTION cadastre.check_shares()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_rrr_id  bigint;
    v_rrr     cadastre.rrr;
    v_total   record;
BEGIN
    -- Separate branches: a PL/pgSQL expression resolves every field it names.
    IF TG_TABLE_NAME = 'rrr' THEN
        v_rrr_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        v_rrr_id := OLD.rrr_id;
    ELSE
        v_rrr_id := NEW.rrr_id;
    END IF;
    SELECT * INTO v_rrr FROM cadastre.rrr WHERE id = v_rrr_id;
    IF NOT FOUND OR (SELECT class FROM cadastre.rrr_kind WHERE code = v_rrr.kind) <> 'right' THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_total FROM cadastre.share_total(v_rrr_id);
    IF v_total.holders = 0 OR v_total.numerator <> v_total.denominator THEN
        RAISE EXCEPTION 'Right % (%) on parcel %: holders'' shares sum to %/% instead of 1',
            v_rrr.id, v_rrr.kind, cadastre.parcel_ref(v_rrr.parcel_id),
            v_total.numerator, v_total.denominator
            USING ERRCODE = 'check_violation', CONSTRAINT = 'shares_sum_to_one',
                  DETAIL = format('%s holder(s)', v_total.holders),
                  HINT = 'Give every holder a share (e.g. 1/3 each for three heirs) so the '
                         'shares add up to exactly 1.';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.check_shares() IS
    'Deferred constraint trigger: at commit, every right''s shares sum to exactly 1.';
