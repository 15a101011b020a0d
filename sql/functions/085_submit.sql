-- 085_submit: an officer's edits submitted for one dossier, all in one transaction.
-- The edits are the JSON cadastre.check_edit reads (one format, one source of truth):
--   [{"parcel_id", "version", "geom" (EWKT), "commune_code", "sheet_number", "parcel_number",
--     "legal_area", "land_use", "split_of", "replaces"}, …]
-- plus one key the check does not need: "versions": {"<parcel id>": version as loaded} for the
-- parcels a split or merge retires, so a colleague's change to them is caught as well.
-- cadastre.submit_edits locks every parcel concerned (refusing stale versions, naming who
-- changed the parcel and when), re-runs check_edit inside the transaction (errors refuse,
-- warnings refuse unless acknowledged), then dispatches each edit to the register's operation:
--   parcel_id given                        → correct_boundary (re-survey or correction)
--   split_of P (two or more children)      → split_parcel
--   replaces [ids]                         → merge_parcels
--   neither                                → register_parcel (a new parcel, no holders yet)
-- cadastre.submit_edits_report runs the same and answers with a JSON report instead of an
-- exception: what the QGIS plugin calls, because QGIS's connection API only passes an error's
-- text, not its SQLSTATE, detail and hint.

CREATE OR REPLACE FUNCTION cadastre.next_parcel_number(p_commune text, p_sheet text)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    -- One numbering at a time per sheet: two submissions must not take the same number.
    PERFORM pg_advisory_xact_lock(hashtext('parcel_number:' || p_commune || '/' || p_sheet));
    RETURN (SELECT coalesce(max(parcel_number), 0) + 1 FROM cadastre.parcel_version
            WHERE commune_code = p_commune AND sheet_number = p_sheet);
END;
$$;
COMMENT ON FUNCTION cadastre.next_parcel_number(text, text) IS
    'The next parcel number of a map sheet: one above any number the sheet ever used (numbers '
    'of retired parcels are not reused).';

CREATE OR REPLACE FUNCTION cadastre.edit_geom(p_edit jsonb, p_label text)
RETURNS geometry
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_edit ->> 'geom' IS NULL THEN
        RAISE EXCEPTION '%: the edit has no geometry ("geom" as EWKT)', p_label
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN ST_Multi(cadastre.to_register_crs(ST_GeomFromEWKT(p_edit ->> 'geom')));
END;
$$;
COMMENT ON FUNCTION cadastre.edit_geom(jsonb, text) IS
    'The geometry of an edit in the register CRS, or an error naming the edit.';

CREATE OR REPLACE FUNCTION cadastre.edit_versions(p_edits jsonb)
RETURNS TABLE (parcel_id bigint, version integer, role text)
LANGUAGE sql IMMUTABLE
AS $$
    -- Every parcel the edits change or retire, with the version the officer loaded (if known).
    SELECT (e ->> 'parcel_id')::bigint, (e ->> 'version')::integer, 'edited'
    FROM jsonb_array_elements(p_edits) AS e
    WHERE jsonb_typeof(e -> 'parcel_id') = 'number'
    UNION ALL
    SELECT DISTINCT (e ->> 'split_of')::bigint,
           (e -> 'versions' ->> (e ->> 'split_of'))::integer, 'split'
    FROM jsonb_array_elements(p_edits) AS e
    WHERE jsonb_typeof(e -> 'split_of') = 'number'
    UNION ALL
    SELECT r::bigint, (e -> 'versions' ->> r)::integer, 'merged'
    FROM jsonb_array_elements(p_edits) AS e,
         jsonb_array_elements_text(CASE WHEN jsonb_typeof(e -> 'replaces') = 'array'
                                        THEN e -> 'replaces' ELSE '[]' END) AS r
$$;
COMMENT ON FUNCTION cadastre.edit_versions(jsonb) IS
    'The parcels a set of edits changes or retires, each with the version the officer loaded.';

CREATE OR REPLACE FUNCTION cadastre.require_edit_shape(p_edits jsonb)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_edit  jsonb;
    v_n     bigint;
    v_twice bigint;
BEGIN
    IF p_edits IS NULL OR jsonb_typeof(p_edits) <> 'array' OR jsonb_array_length(p_edits) = 0
    THEN
        RAISE EXCEPTION 'No edits to submit: give a JSON array of edits as cadastre.check_edit '
                        'reads them'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_edit, v_n IN SELECT e, n FROM jsonb_array_elements(p_edits) WITH ORDINALITY AS t(e, n)
    LOOP
        IF jsonb_typeof(v_edit) <> 'object' THEN
            RAISE EXCEPTION 'Edit #%: not a JSON object', v_n
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF jsonb_typeof(v_edit -> 'parcel_id') = 'number'
           AND (jsonb_typeof(v_edit -> 'split_of') = 'number'
                OR jsonb_typeof(v_edit -> 'replaces') = 'array') THEN
            RAISE EXCEPTION 'Edit #%: an edit of parcel id % cannot also be a split child or a '
                            'merge result', v_n, v_edit ->> 'parcel_id'
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Split children and merge results are new parcels: "parcel_id": '
                             'null with "split_of" or "replaces".';
        END IF;
        IF jsonb_typeof(v_edit -> 'split_of') = 'number'
           AND jsonb_typeof(v_edit -> 'replaces') = 'array' THEN
            RAISE EXCEPTION 'Edit #%: an edit is either a split child or a merge result, not both',
                v_n USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    -- Every existing parcel an edit changes or retires names the version the officer loaded:
    -- without it, a newer version would be overwritten unseen.
    SELECT v.parcel_id INTO v_twice FROM cadastre.edit_versions(p_edits) AS v
    WHERE v.version IS NULL LIMIT 1;
    IF v_twice IS NOT NULL THEN
        RAISE EXCEPTION 'The edit of parcel % does not say which version it changes',
            coalesce(cadastre.parcel_ref(v_twice), 'id ' || v_twice)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give "version" (for a split or merge, "versions": {"<id>": version}) '
                         'as the parcel was loaded; the QGIS plugin sends it.';
    END IF;
    -- A parcel is edited, split or merged once per submission.
    SELECT v.parcel_id INTO v_twice FROM cadastre.edit_versions(p_edits) AS v
    WHERE v.role <> 'split' GROUP BY v.parcel_id HAVING count(*) > 1 LIMIT 1;
    IF v_twice IS NULL THEN
        SELECT s.parcel_id INTO v_twice
        FROM cadastre.edit_versions(p_edits) AS s
        JOIN cadastre.edit_versions(p_edits) AS o ON o.parcel_id = s.parcel_id AND o.role <> 'split'
        WHERE s.role = 'split' LIMIT 1;
    END IF;
    IF v_twice IS NOT NULL THEN
        RAISE EXCEPTION 'Parcel % appears in more than one edit of this submission',
            coalesce(cadastre.parcel_ref(v_twice), 'id ' || v_twice)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A parcel is either corrected, split or merged in one submission.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.require_edit_shape(jsonb) IS
    'Refuse a malformed submission: not an array, an edit that is two things at once, or a '
    'parcel edited twice.';

CREATE OR REPLACE FUNCTION cadastre.require_clean_check(p_edits jsonb, p_acknowledged text[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_issues  cadastre.issue[];
    v_blocking cadastre.issue[];
    v_first   cadastre.issue;
BEGIN
    SELECT coalesce(array_agg(i), '{}') INTO v_issues FROM cadastre.check_edit(p_edits) AS i;
    SELECT coalesce(array_agg(i), '{}') INTO v_blocking FROM unnest(v_issues) AS i
    WHERE i.severity = 'error';
    IF cardinality(v_blocking) > 0 THEN
        v_first := v_blocking[1];
        RAISE EXCEPTION '% error(s) in the edits; first: %: % / %', cardinality(v_blocking),
            coalesce(v_first.parcel_ref, 'edit'), v_first.message_en, v_first.message_vi
            USING ERRCODE = 'check_violation',
                  DETAIL = (SELECT string_agg(format('rule %s, %s: %s', i.rule,
                                                     coalesce(i.parcel_ref, '-'), i.message_en),
                                              '; ')
                            FROM unnest(v_blocking) AS i),
                  HINT = 'Run Check, fix every error, then submit again; nothing was changed.';
    END IF;
    SELECT coalesce(array_agg(i), '{}') INTO v_blocking FROM unnest(v_issues) AS i
    WHERE i.severity = 'warning'
      AND NOT (i.rule = ANY (coalesce(p_acknowledged, '{}'))
               OR i.rule || ':' || coalesce(i.parcel_ref, '') = ANY (coalesce(p_acknowledged, '{}')));
    IF cardinality(v_blocking) > 0 THEN
        v_first := v_blocking[1];
        RAISE EXCEPTION '% warning(s) not acknowledged; first: %: % / %', cardinality(v_blocking),
            coalesce(v_first.parcel_ref, 'edit'), v_first.message_en, v_first.message_vi
            USING ERRCODE = 'check_violation',
                  DETAIL = (SELECT string_agg(format('rule %s, %s: %s', i.rule,
                                                     coalesce(i.parcel_ref, '-'), i.message_en),
                                              '; ')
                            FROM unnest(v_blocking) AS i),
                  HINT = 'Acknowledge each warning (its rule, or rule:commune/sheet/number) if '
                         'it is intended, or fix it; nothing was changed.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.require_clean_check(jsonb, text[]) IS
    'Run check_edit on a submission: any error refuses it, and so does any warning not '
    'acknowledged by its rule code or by rule:parcel_ref.';

CREATE OR REPLACE FUNCTION cadastre.submit_edits(p_dossier_id bigint, p_edits jsonb,
                                                 p_acknowledged text[] DEFAULT '{}')
RETURNS TABLE (edit_n integer, action text, parcel_id bigint, ref text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier;
    v_lock    record;
    v_edit    record;
    v_parcel  cadastre.parcel;
    v_group   record;
    v_label   text;
    v_geom    geometry;
    v_next    integer;
    v_numbers integer[];
    v_sheets  text[];
    v_geoms   geometry[];
    v_uses    jsonb[];
    v_areas   numeric[];
    v_ns      integer[];
    v_ids     bigint[];
    v_new     bigint;
    v_commune text;
    v_sheet   text;
    v_area    numeric;
    i         integer;
BEGIN
    PERFORM cadastre.require_edit_shape(p_edits);
    v_dossier := cadastre.begin_dossier_work(p_dossier_id);

    -- Lock what the edits change or retire, in id order (two officers never deadlock); a
    -- version older than the register's is refused naming the dossier, officer and time.
    FOR v_lock IN SELECT v.parcel_id AS id, max(v.version) AS version
                  FROM cadastre.edit_versions(p_edits) AS v
                  GROUP BY v.parcel_id ORDER BY v.parcel_id LOOP
        PERFORM cadastre.lock_current_parcel(v_lock.id, v_lock.version);
    END LOOP;

    -- The same rules the officer's Check ran, now on the locked register.
    PERFORM cadastre.require_clean_check(p_edits, p_acknowledged);

    -- Boundary corrections.
    FOR v_edit IN SELECT e, n::integer AS n FROM jsonb_array_elements(p_edits)
                  WITH ORDINALITY AS t(e, n)
                  WHERE jsonb_typeof(e -> 'parcel_id') = 'number' ORDER BY n LOOP
        SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = (v_edit.e ->> 'parcel_id')::bigint;
        v_label := cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                       v_parcel.parcel_number);
        IF coalesce(v_edit.e ->> 'commune_code', v_parcel.commune_code) <> v_parcel.commune_code
           OR coalesce(v_edit.e ->> 'sheet_number', v_parcel.sheet_number) <> v_parcel.sheet_number
           OR coalesce((v_edit.e ->> 'parcel_number')::integer, v_parcel.parcel_number)
              <> v_parcel.parcel_number THEN
            RAISE EXCEPTION 'Parcel %: its identity (commune, sheet, number) cannot be changed by '
                            'an edit', v_label
                USING ERRCODE = 'check_violation',
                      HINT = 'Restore the parcel''s number; renumbering is not a boundary edit.';
        END IF;
        PERFORM cadastre.correct_boundary(p_dossier_id, v_parcel.id,
                                          cadastre.edit_geom(v_edit.e, v_label),
                                          (v_edit.e ->> 'legal_area')::numeric,
                                          (v_edit.e ->> 'version')::integer);
        RETURN QUERY SELECT v_edit.n, 'changed'::text, v_parcel.id, v_label;
    END LOOP;

    -- Splits: the children of each parent, together.
    FOR v_group IN SELECT (e ->> 'split_of')::bigint AS parent, min(n)::integer AS first_n
                   FROM jsonb_array_elements(p_edits) WITH ORDINALITY AS t(e, n)
                   WHERE jsonb_typeof(e -> 'split_of') = 'number'
                   GROUP BY 1 ORDER BY 2 LOOP
        SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = v_group.parent;
        v_label := cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                       v_parcel.parcel_number);
        v_geoms := '{}'; v_numbers := '{}'; v_sheets := '{}'; v_uses := '{}'; v_areas := '{}';
        v_ns := '{}';
        v_next := NULL;
        FOR v_edit IN SELECT e, n::integer AS n FROM jsonb_array_elements(p_edits)
                      WITH ORDINALITY AS t(e, n)
                      WHERE (e ->> 'split_of')::bigint = v_group.parent
                        AND jsonb_typeof(e -> 'split_of') = 'number' ORDER BY n LOOP
            IF coalesce(v_edit.e ->> 'commune_code', v_parcel.commune_code)
               <> v_parcel.commune_code THEN
                RAISE EXCEPTION 'Split of %: a child cannot move to commune %', v_label,
                    v_edit.e ->> 'commune_code' USING ERRCODE = 'check_violation';
            END IF;
            v_sheet := coalesce(v_edit.e ->> 'sheet_number', v_parcel.sheet_number);
            IF jsonb_typeof(v_edit.e -> 'parcel_number') = 'number' THEN
                v_numbers := v_numbers || (v_edit.e ->> 'parcel_number')::integer;
            ELSE
                v_next := coalesce(v_next,
                                   cadastre.next_parcel_number(v_parcel.commune_code, v_sheet));
                v_numbers := v_numbers || v_next;
                v_next := v_next + 1;
            END IF;
            v_geom := cadastre.edit_geom(v_edit.e, format('Split of %s, edit #%s', v_label,
                                                          v_edit.n));
            v_area := round(coalesce((v_edit.e ->> 'legal_area')::numeric,
                                     ST_Area(v_geom)::numeric), 1);
            IF v_edit.e ->> 'land_use' IS NULL AND jsonb_array_length(v_parcel.land_uses) > 1
            THEN
                RAISE EXCEPTION 'Split of %: the parent has several land uses; give edit #% its '
                                'land use', v_label, v_edit.n
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            v_geoms := v_geoms || v_geom;
            v_sheets := v_sheets || v_sheet;
            v_areas := v_areas || v_area;
            v_uses := v_uses || cadastre.single_use(
                coalesce(v_edit.e ->> 'land_use', v_parcel.land_uses -> 0 ->> 'code'), v_area,
                v_parcel.land_uses -> 0);
            v_ns := v_ns || v_edit.n;
        END LOOP;
        IF cardinality(v_geoms) < 2 THEN
            RAISE EXCEPTION 'Split of %: only one child was given; a split makes two or more '
                            'parcels', v_label
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'To change the boundary alone, submit it as an edit of the parcel.';
        END IF;
        v_ids := cadastre.split_parcel(p_dossier_id, v_parcel.id, v_geoms, v_numbers, v_uses,
                                       v_areas, NULL, v_sheets);
        RETURN QUERY SELECT v_group.first_n, 'retired'::text, v_parcel.id, v_label;
        FOR i IN 1 .. cardinality(v_ids) LOOP
            RETURN QUERY SELECT v_ns[i], 'created'::text, v_ids[i], cadastre.parcel_ref(v_ids[i]);
        END LOOP;
    END LOOP;

    -- Merges: the result is the union of the parcels it replaces.
    FOR v_edit IN SELECT e, n::integer AS n FROM jsonb_array_elements(p_edits)
                  WITH ORDINALITY AS t(e, n)
                  WHERE jsonb_typeof(e -> 'replaces') = 'array' ORDER BY n LOOP
        SELECT array_agg(r::bigint ORDER BY o) INTO v_ids
        FROM jsonb_array_elements_text(v_edit.e -> 'replaces') WITH ORDINALITY AS x(r, o);
        SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = v_ids[1];
        v_label := format('Merge of %s', (SELECT string_agg(cadastre.parcel_ref(x), ', ')
                                         FROM unnest(v_ids) AS x));
        v_sheet := coalesce(v_edit.e ->> 'sheet_number', v_parcel.sheet_number);
        v_new := cadastre.merge_parcels(
            p_dossier_id, v_ids,
            coalesce((v_edit.e ->> 'parcel_number')::integer,
                     cadastre.next_parcel_number(v_parcel.commune_code, v_sheet)),
            v_sheet);
        v_geom := cadastre.edit_geom(v_edit.e, v_label);
        IF ST_Area(ST_SymDifference(v_geom, (SELECT geom FROM cadastre.parcel WHERE id = v_new)))
           > cadastre.tolerance('partition_area') THEN
            RAISE EXCEPTION '%: the merged geometry is not the union of the merged parcels '
                            '(they differ by % m²)', v_label,
                round(ST_Area(ST_SymDifference(v_geom, (SELECT geom FROM cadastre.parcel
                                                        WHERE id = v_new)))::numeric, 3)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'merge_union',
                      HINT = 'Merge the parcels without moving their outer boundary; correct '
                             'the boundary in a separate edit.';
        END IF;
        FOR i IN 1 .. cardinality(v_ids) LOOP
            RETURN QUERY SELECT v_edit.n, 'retired'::text, v_ids[i], cadastre.parcel_ref(v_ids[i]);
        END LOOP;
        RETURN QUERY SELECT v_edit.n, 'created'::text, v_new, cadastre.parcel_ref(v_new);
    END LOOP;

    -- New parcels (first registration of the land; holders are registered separately).
    FOR v_edit IN SELECT e, n::integer AS n FROM jsonb_array_elements(p_edits)
                  WITH ORDINALITY AS t(e, n)
                  WHERE jsonb_typeof(e -> 'parcel_id') IS DISTINCT FROM 'number'
                    AND jsonb_typeof(e -> 'split_of') IS DISTINCT FROM 'number'
                    AND jsonb_typeof(e -> 'replaces') IS DISTINCT FROM 'array' ORDER BY n LOOP
        v_commune := coalesce(v_edit.e ->> 'commune_code', v_dossier.commune_code);
        v_sheet := v_edit.e ->> 'sheet_number';
        v_label := format('New parcel (edit #%s)', v_edit.n);
        IF v_commune IS NULL OR v_sheet IS NULL OR v_edit.e ->> 'land_use' IS NULL THEN
            RAISE EXCEPTION '%: a new parcel needs its commune_code, sheet_number and land_use',
                v_label USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_geom := cadastre.edit_geom(v_edit.e, v_label);
        v_area := round(coalesce((v_edit.e ->> 'legal_area')::numeric, ST_Area(v_geom)::numeric),
                        1);
        v_new := cadastre.register_parcel(
            p_dossier_id, v_commune, v_sheet,
            coalesce((v_edit.e ->> 'parcel_number')::integer,
                     cadastre.next_parcel_number(v_commune, v_sheet)),
            v_geom, v_area, cadastre.single_use(v_edit.e ->> 'land_use', v_area, NULL), NULL);
        RETURN QUERY SELECT v_edit.n, 'created'::text, v_new, cadastre.parcel_ref(v_new);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cadastre.submit_edits(bigint, jsonb, text[]) IS
    'Submit an officer''s edits (check_edit''s JSON) for an approved dossier in one transaction: '
    'stale versions refused naming who changed the parcel and when, check_edit errors refused, '
    'warnings refused unless acknowledged, then boundary corrections, splits, merges and new '
    'parcels through the register''s operations. Returns what each edit did.';

CREATE OR REPLACE FUNCTION cadastre.issue_json(p_issue cadastre.issue)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('rule', p_issue.rule, 'severity', p_issue.severity,
                              'parcel_ref', p_issue.parcel_ref, 'other_ref', p_issue.other_ref,
                              'message_vi', p_issue.message_vi, 'message_en', p_issue.message_en,
                              'location', ST_AsEWKT(p_issue.location))
$$;
COMMENT ON FUNCTION cadastre.issue_json(cadastre.issue) IS
    'An issue as JSON (location as EWKT), for clients that read JSON.';

CREATE OR REPLACE FUNCTION cadastre.submit_edits_report(p_dossier_id bigint, p_edits jsonb,
                                                        p_acknowledged text[] DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_done    jsonb;
    v_state   text;
    v_message text;
    v_detail  text;
    v_hint    text;
    v_issues  jsonb;
BEGIN
    BEGIN
        SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.edit_n, s.action DESC), '[]')
        INTO v_done FROM cadastre.submit_edits(p_dossier_id, p_edits, p_acknowledged) AS s;
        -- The deferred rules (no overlap, shares sum to one) now, so a refusal is reported
        -- here rather than raised at commit.
        SET CONSTRAINTS ALL IMMEDIATE;
        RETURN jsonb_build_object('status', 'submitted', 'dossier_id', p_dossier_id,
                                  'parcels', v_done);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    END;
    -- Everything the submission did is undone; report why, with the issues of the edits.
    BEGIN
        SELECT coalesce(jsonb_agg(cadastre.issue_json(i)), '[]') INTO v_issues
        FROM cadastre.check_edit(p_edits) AS i;
    EXCEPTION WHEN OTHERS THEN
        v_issues := '[]';
    END;
    RETURN jsonb_build_object(
        'status', CASE WHEN v_state = '40001' THEN 'conflict' ELSE 'refused' END,
        'dossier_id', p_dossier_id, 'sqlstate', v_state, 'message', v_message,
        'detail', nullif(v_detail, ''), 'hint', nullif(v_hint, ''), 'issues', v_issues);
END;
$$;
COMMENT ON FUNCTION cadastre.submit_edits_report(bigint, jsonb, text[]) IS
    'cadastre.submit_edits answering with a JSON report instead of an exception: '
    '{"status": "submitted", "parcels": […]} or {"status": "conflict" | "refused", "sqlstate", '
    '"message", "detail", "hint", "issues": […]} with nothing changed. The deferred rules run '
    'inside, so the caller''s commit cannot fail afterwards.';

-- The officer's parcel layer ------------------------------------------------------------------

CREATE OR REPLACE VIEW cadastre.officer_parcel AS
    SELECT p.id, p.commune_code, p.sheet_number, p.parcel_number, p.ref, p.geom, p.legal_area,
           p.measured_area, p.land_uses -> 0 ->> 'code' AS land_use, p.land_use_codes,
           p.version, p.changed_at
    FROM cadastre.current_parcel AS p;
COMMENT ON VIEW cadastre.officer_parcel IS
    'Current parcels as the QGIS plugin''s layer shows them: identity, main land use (for the '
    'map colour), legal and measured area, and the version the officer loads (edits name it). '
    'Saving the layer directly is refused; edits go through cadastre.submit_edits.';
COMMENT ON COLUMN cadastre.officer_parcel.land_use IS
    'The first (main) land-use code: the map colour comes from it.';
COMMENT ON COLUMN cadastre.officer_parcel.version IS
    'The version loaded; a submission naming an older one is refused as a conflict.';

CREATE OR REPLACE FUNCTION cadastre.refuse_layer_write()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'The parcel layer cannot be saved directly: every change to the register '
                    'is made within an approved dossier'
        USING ERRCODE = 'check_violation',
              DETAIL = format('%s on %s', TG_OP,
                              CASE WHEN TG_OP = 'INSERT' THEN 'a new parcel'
                                   ELSE 'parcel ' || coalesce(OLD.ref, 'id ' || OLD.id) END),
              HINT = 'In QGIS, choose a dossier in the Cadastre toolbar, press Check, then '
                     'Submit (cadastre.submit_edits); nothing was changed.';
END;
$$;
COMMENT ON FUNCTION cadastre.refuse_layer_write() IS
    'INSTEAD OF trigger of the officer''s parcel layer: QGIS''s own "Save edits" is refused '
    'with what to do instead (the plugin''s Submit goes through the register''s operations).';

CREATE OR REPLACE TRIGGER refuse_write INSTEAD OF INSERT OR UPDATE OR DELETE
    ON cadastre.officer_parcel FOR EACH ROW EXECUTE FUNCTION cadastre.refuse_layer_write();
