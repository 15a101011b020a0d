-- 085_submit: an officer's edits submitted for one dossier, all in one transaction.
-- The edits are the JSON cadastre.check_edit reads, decoded once by cadastre.parse_edits
-- (080_checks.sql) into typed rows with their kind:
--   [{"parcel_id", "version", "geom" (EWKT), "commune_code", "sheet_number", "parcel_number",
--     "legal_area", "land_use", "split_of", "replaces"}, …]
-- plus one key the check does not need: "versions": {"<parcel id>": version as loaded} for the
-- parcels a split or merge retires, so a colleague's change to them is caught as well.
-- cadastre.submit_edits locks every parcel concerned (refusing stale versions, naming who
-- changed the parcel and when), re-runs check_edit inside the transaction (errors refuse,
-- warnings refuse unless acknowledged), then dispatches each edit by its kind to one small
-- function, which calls the register's operation (050_operations.sql):
--   correction   (parcel_id given)                 → submit_correction → correct_boundary
--   split_child  (split_of P, two or more children) → submit_split      → split_parcel
--   merge        (replaces [ids])                   → submit_merge      → merge_parcels
--   new          (none of those)                    → submit_new        → register_parcel
-- cadastre.submit_edits_report runs the same and answers with a JSON report instead of an
-- exception, for a client that cannot read an error's SQLSTATE, detail and hint. The QGIS
-- plugin calls submit_edits itself, inside its guarded statement (logic/sql.py), which hands
-- those diagnostics back as JSON.
--
-- Functions:
--   next_parcel_number(commune text, sheet text) → integer       the sheet's next free number
--   edit_geom(edit parsed_edit, label text) → geometry           an edit's geometry, register CRS
--   edit_versions(edits parsed_edit[]) → (parcel_id, version, role)  parcels changed or retired
--   parse_submission(edits jsonb) → parsed_edit[]                parsed, malformed ones refused
--   require_clean_check(edits jsonb, acknowledged text[])        check_edit errors/warnings refuse
--   submit_correction(dossier, edit parsed_edit) → outcome rows  one boundary correction
--   submit_split(dossier, children parsed_edit[]) → outcome rows one parent's split
--   submit_merge(dossier, edit parsed_edit) → outcome rows       one merge
--   submit_new(dossier, edit parsed_edit) → outcome rows         one new parcel
--   submit_edits(dossier_id bigint, edits jsonb, acknowledged text[]) → outcome rows  the entry
--   issue_json(issue) → jsonb                                    an issue for JSON clients
--   submit_edits_report(dossier_id bigint, edits jsonb, acknowledged text[]) → jsonb
--   officer_parcel (view)                                        the plugin's parcel layer
--   refuse_layer_write() → trigger                               the parcel layer's direct save
-- Outcome rows: (edit_n integer, action text: changed|retired|created, parcel_id bigint, ref text).

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

CREATE OR REPLACE FUNCTION cadastre.edit_geom(p_edit cadastre.parsed_edit, p_label text)
RETURNS geometry
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_edit.geom IS NULL THEN
        RAISE EXCEPTION '%: the edit has no geometry ("geom" as EWKT)', p_label
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN ST_Multi(cadastre.to_register_crs(ST_GeomFromEWKT(p_edit.geom)));
END;
$$;
COMMENT ON FUNCTION cadastre.edit_geom(cadastre.parsed_edit, text) IS
    'The geometry of an edit in the register CRS, or an error naming the edit.';

CREATE OR REPLACE FUNCTION cadastre.edit_versions(p_edits cadastre.parsed_edit[])
RETURNS TABLE (parcel_id bigint, version integer, role text)
LANGUAGE sql IMMUTABLE
AS $$
    -- Every parcel the edits change or retire, with the version the officer loaded (if known).
    SELECT e.parcel_id, e.version, 'edited'
    FROM unnest(p_edits) AS e WHERE e.kind = 'correction'
    UNION ALL
    SELECT DISTINCT e.split_of, e.version, 'split'
    FROM unnest(p_edits) AS e WHERE e.kind = 'split_child'
    UNION ALL
    SELECT r.id, r.version, 'merged'
    FROM unnest(p_edits) AS e, unnest(e.replaces, e.replaced_versions) AS r(id, version)
    WHERE e.kind = 'merge'
$$;
COMMENT ON FUNCTION cadastre.edit_versions(cadastre.parsed_edit[]) IS
    'The parcels a set of parsed edits changes or retires, each with the version the officer '
    'loaded.';

CREATE OR REPLACE FUNCTION cadastre.parse_submission(p_edits jsonb)
RETURNS cadastre.parsed_edit[]
LANGUAGE plpgsql
AS $$
DECLARE
    v_edits cadastre.parsed_edit[];
    v_twice bigint;
BEGIN
    IF p_edits IS NULL OR jsonb_typeof(p_edits) <> 'array' OR jsonb_array_length(p_edits) = 0
    THEN
        RAISE EXCEPTION 'No edits to submit: give a JSON array of edits as cadastre.check_edit '
                        'reads them'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Each malformed edit is refused by the parse, naming it (Edit #n: …).
    v_edits := ARRAY(SELECT e FROM cadastre.parse_edits(p_edits) AS e ORDER BY e.n);
    -- Every existing parcel an edit changes or retires names the version the officer loaded:
    -- without it, a newer version would be overwritten unseen.
    SELECT v.parcel_id INTO v_twice FROM cadastre.edit_versions(v_edits) AS v
    WHERE v.version IS NULL LIMIT 1;
    IF v_twice IS NOT NULL THEN
        RAISE EXCEPTION 'The edit of parcel % does not say which version it changes',
            coalesce(cadastre.parcel_ref(v_twice), 'id ' || v_twice)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give "version" (for a split or merge, "versions": {"<id>": version}) '
                         'as the parcel was loaded; the QGIS plugin sends it.';
    END IF;
    -- A parcel is edited, split or merged once per submission.
    SELECT v.parcel_id INTO v_twice FROM cadastre.edit_versions(v_edits) AS v
    WHERE v.role <> 'split' GROUP BY v.parcel_id HAVING count(*) > 1 LIMIT 1;
    IF v_twice IS NULL THEN
        SELECT s.parcel_id INTO v_twice
        FROM cadastre.edit_versions(v_edits) AS s
        JOIN cadastre.edit_versions(v_edits) AS o ON o.parcel_id = s.parcel_id AND o.role <> 'split'
        WHERE s.role = 'split' LIMIT 1;
    END IF;
    IF v_twice IS NOT NULL THEN
        RAISE EXCEPTION 'Parcel % appears in more than one edit of this submission',
            coalesce(cadastre.parcel_ref(v_twice), 'id ' || v_twice)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A parcel is either corrected, split or merged in one submission.';
    END IF;
    RETURN v_edits;
END;
$$;
COMMENT ON FUNCTION cadastre.parse_submission(jsonb) IS
    'A submission''s edits parsed (cadastre.parse_edits), refusing a malformed one: no edits, an '
    'edit that is two things at once or not well typed, a parcel without the version loaded, or '
    'a parcel edited twice.';

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
            USING ERRCODE = 'check_violation', CONSTRAINT = 'edit_errors',
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
            USING ERRCODE = 'check_violation', CONSTRAINT = 'edit_warnings',
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

-- One function per kind of edit. Each returns the outcome rows of its edit(s); none is
-- executable by application roles: they run inside submit_edits (as its owner), after the
-- locks and the check, and are not a way around either.

CREATE OR REPLACE FUNCTION cadastre.submit_correction(p_dossier cadastre.dossier,
                                                      p_edit cadastre.parsed_edit)
RETURNS TABLE (edit_n integer, action text, parcel_id bigint, ref text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_parcel cadastre.parcel;
    v_label  text;
BEGIN
    SELECT * INTO v_parcel FROM cadastre.parcel AS p WHERE p.id = p_edit.parcel_id;
    v_label := cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                   v_parcel.parcel_number);
    IF coalesce(p_edit.commune_code, v_parcel.commune_code) <> v_parcel.commune_code
       OR coalesce(p_edit.sheet_number, v_parcel.sheet_number) <> v_parcel.sheet_number
       OR coalesce(p_edit.parcel_number, v_parcel.parcel_number) <> v_parcel.parcel_number THEN
        RAISE EXCEPTION 'Parcel %: its identity (commune, sheet, number) cannot be changed by '
                        'an edit', v_label
            USING ERRCODE = 'check_violation', CONSTRAINT = 'edit_identity',
                  HINT = 'Restore the parcel''s number; renumbering is not a boundary edit.';
    END IF;
    PERFORM cadastre.correct_boundary(p_dossier_id => p_dossier.id, p_parcel_id => v_parcel.id,
                                      p_geom => cadastre.edit_geom(p_edit, v_label),
                                      p_legal_area => p_edit.legal_area,
                                      p_expected_version => p_edit.version);
    RETURN QUERY SELECT p_edit.n, 'changed'::text, v_parcel.id, v_label;
END;
$$;
COMMENT ON FUNCTION cadastre.submit_correction(cadastre.dossier, cadastre.parsed_edit) IS
    'Submit one boundary correction (correct_boundary) under a dossier; its identity (commune, '
    'sheet, number) cannot change. Called by submit_edits only.';

CREATE OR REPLACE FUNCTION cadastre.submit_split(p_dossier cadastre.dossier,
                                                 p_children cadastre.parsed_edit[])
RETURNS TABLE (edit_n integer, action text, parcel_id bigint, ref text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_parent  cadastre.parcel;
    v_label   text;
    v_child   cadastre.parsed_edit;
    v_next    integer;
    v_sheet   text;
    v_geom    geometry;
    v_area    numeric;
    v_geoms   geometry[] := '{}';
    v_numbers integer[] := '{}';
    v_sheets  text[] := '{}';
    v_uses    jsonb[] := '{}';
    v_areas   numeric[] := '{}';
    v_ids     bigint[];
BEGIN
    -- p_children: every child of one parent, in the order of the edits.
    SELECT * INTO v_parent FROM cadastre.parcel AS p WHERE p.id = (p_children[1]).split_of;
    v_label := cadastre.parcel_ref(v_parent.commune_code, v_parent.sheet_number,
                                   v_parent.parcel_number);
    FOREACH v_child IN ARRAY p_children LOOP
        IF coalesce(v_child.commune_code, v_parent.commune_code) <> v_parent.commune_code THEN
            RAISE EXCEPTION 'Split of %: a child cannot move to commune %', v_label,
                v_child.commune_code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'split_commune';
        END IF;
        v_sheet := coalesce(v_child.sheet_number, v_parent.sheet_number);
        IF v_child.parcel_number IS NOT NULL THEN
            v_numbers := v_numbers || v_child.parcel_number;
        ELSE
            v_next := coalesce(v_next, cadastre.next_parcel_number(v_parent.commune_code, v_sheet));
            v_numbers := v_numbers || v_next;
            v_next := v_next + 1;
        END IF;
        v_geom := cadastre.edit_geom(v_child, format('Split of %s, edit #%s', v_label, v_child.n));
        v_area := round(coalesce(v_child.legal_area, ST_Area(v_geom)::numeric), 1);
        IF v_child.land_use IS NULL AND jsonb_array_length(v_parent.land_uses) > 1 THEN
            RAISE EXCEPTION 'Split of %: the parent has several land uses; give edit #% its '
                            'land use', v_label, v_child.n
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_geoms := v_geoms || v_geom;
        v_sheets := v_sheets || v_sheet;
        v_areas := v_areas || v_area;
        v_uses := v_uses || cadastre.single_use(
            coalesce(v_child.land_use, v_parent.land_uses -> 0 ->> 'code'), v_area,
            v_parent.land_uses -> 0);
    END LOOP;
    IF cardinality(v_geoms) < 2 THEN
        RAISE EXCEPTION 'Split of %: only one child was given; a split makes two or more '
                        'parcels', v_label
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'To change the boundary alone, submit it as an edit of the parcel.';
    END IF;
    v_ids := cadastre.split_parcel(p_dossier_id => p_dossier.id, p_parent_id => v_parent.id,
                                   p_geoms => v_geoms, p_numbers => v_numbers,
                                   p_land_uses => v_uses, p_legal_areas => v_areas,
                                   p_sheets => v_sheets);
    RETURN QUERY SELECT (p_children[1]).n, 'retired'::text, v_parent.id, v_label;
    RETURN QUERY SELECT (p_children[c.k]).n, 'created'::text, c.id, cadastre.parcel_ref(c.id)
                 FROM unnest(v_ids) WITH ORDINALITY AS c(id, k) ORDER BY c.k;
END;
$$;
COMMENT ON FUNCTION cadastre.submit_split(cadastre.dossier, cadastre.parsed_edit[]) IS
    'Submit the split of one parent (split_parcel) from its children''s edits: numbers given or '
    'the sheet''s next ones, land use given or the parent''s, two children or more. Called by '
    'submit_edits only.';

CREATE OR REPLACE FUNCTION cadastre.submit_merge(p_dossier cadastre.dossier,
                                                 p_edit cadastre.parsed_edit)
RETURNS TABLE (edit_n integer, action text, parcel_id bigint, ref text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_first  cadastre.parcel;
    v_label  text;
    v_sheet  text;
    v_new    bigint;
    v_differ float8;
BEGIN
    SELECT * INTO v_first FROM cadastre.parcel AS p WHERE p.id = (p_edit.replaces)[1];
    v_label := format('Merge of %s', (SELECT string_agg(cadastre.parcel_ref(x), ', ')
                                     FROM unnest(p_edit.replaces) AS x));
    v_sheet := coalesce(p_edit.sheet_number, v_first.sheet_number);
    v_new := cadastre.merge_parcels(
        p_dossier_id => p_dossier.id, p_parcel_ids => p_edit.replaces,
        p_number => coalesce(p_edit.parcel_number,
                             cadastre.next_parcel_number(v_first.commune_code, v_sheet)),
        p_sheet => v_sheet);
    -- The result is the union of the parcels it replaces: the edit's geometry must be it.
    v_differ := ST_Area(ST_SymDifference(cadastre.edit_geom(p_edit, v_label),
                                         (SELECT p.geom FROM cadastre.parcel AS p
                                          WHERE p.id = v_new)));
    IF v_differ > cadastre.tolerance('partition_area') THEN
        RAISE EXCEPTION '%: the merged geometry is not the union of the merged parcels '
                        '(they differ by % m²)', v_label, round(v_differ::numeric, 3)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merge_union',
                  HINT = 'Merge the parcels without moving their outer boundary; correct '
                         'the boundary in a separate edit.';
    END IF;
    RETURN QUERY SELECT p_edit.n, 'retired'::text, x.id, cadastre.parcel_ref(x.id)
                 FROM unnest(p_edit.replaces) WITH ORDINALITY AS x(id, k) ORDER BY x.k;
    RETURN QUERY SELECT p_edit.n, 'created'::text, v_new, cadastre.parcel_ref(v_new);
END;
$$;
COMMENT ON FUNCTION cadastre.submit_merge(cadastre.dossier, cadastre.parsed_edit) IS
    'Submit one merge (merge_parcels): the parcels of "replaces" become one, whose geometry '
    'must be the edit''s (merge_union). Called by submit_edits only.';

CREATE OR REPLACE FUNCTION cadastre.submit_new(p_dossier cadastre.dossier,
                                               p_edit cadastre.parsed_edit)
RETURNS TABLE (edit_n integer, action text, parcel_id bigint, ref text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_commune text := coalesce(p_edit.commune_code, p_dossier.commune_code);
    v_label   text := format('New parcel (edit #%s)', p_edit.n);
    v_geom    geometry;
    v_area    numeric;
    v_new     bigint;
BEGIN
    IF v_commune IS NULL OR p_edit.sheet_number IS NULL OR p_edit.land_use IS NULL THEN
        RAISE EXCEPTION '%: a new parcel needs its commune_code, sheet_number and land_use',
            v_label USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_geom := cadastre.edit_geom(p_edit, v_label);
    v_area := round(coalesce(p_edit.legal_area, ST_Area(v_geom)::numeric), 1);
    v_new := cadastre.register_parcel(
        p_dossier_id => p_dossier.id, p_commune => v_commune, p_sheet => p_edit.sheet_number,
        p_number => coalesce(p_edit.parcel_number,
                             cadastre.next_parcel_number(v_commune, p_edit.sheet_number)),
        p_geom => v_geom, p_legal_area => v_area,
        p_land_uses => cadastre.single_use(p_edit.land_use, v_area, NULL), p_holders => NULL);
    RETURN QUERY SELECT p_edit.n, 'created'::text, v_new, cadastre.parcel_ref(v_new);
END;
$$;
COMMENT ON FUNCTION cadastre.submit_new(cadastre.dossier, cadastre.parsed_edit) IS
    'Submit one new parcel (register_parcel; first registration of the land, holders are '
    'registered separately) in the dossier''s commune unless the edit names one. Called by '
    'submit_edits only.';

REVOKE EXECUTE ON FUNCTION cadastre.submit_correction(cadastre.dossier, cadastre.parsed_edit),
    cadastre.submit_split(cadastre.dossier, cadastre.parsed_edit[]),
    cadastre.submit_merge(cadastre.dossier, cadastre.parsed_edit),
    cadastre.submit_new(cadastre.dossier, cadastre.parsed_edit) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cadastre.submit_edits(p_dossier_id bigint, p_edits jsonb,
                                                 p_acknowledged text[] DEFAULT '{}')
RETURNS TABLE (edit_n integer, action text, parcel_id bigint, ref text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_edits    cadastre.parsed_edit[] := cadastre.parse_submission(p_edits);
    v_dossier  cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_lock     record;
    v_edit     cadastre.parsed_edit;
    v_children cadastre.parsed_edit[];
BEGIN
    -- Lock what the edits change or retire, in id order (two officers never deadlock); a
    -- version older than the register's is refused naming the dossier, officer and time.
    FOR v_lock IN SELECT v.parcel_id AS id, max(v.version) AS version
                  FROM cadastre.edit_versions(v_edits) AS v
                  GROUP BY v.parcel_id ORDER BY v.parcel_id LOOP
        PERFORM cadastre.lock_current_parcel(v_lock.id, v_lock.version);
    END LOOP;

    -- The same rules the officer's Check ran, now on the locked register.
    PERFORM cadastre.require_clean_check(p_edits, p_acknowledged);

    -- Then each kind in turn: corrections, splits (each parent's children together), merges,
    -- new parcels.
    FOR v_edit IN SELECT * FROM unnest(v_edits) AS e WHERE e.kind = 'correction' ORDER BY e.n
    LOOP
        RETURN QUERY SELECT * FROM cadastre.submit_correction(v_dossier, v_edit);
    END LOOP;
    FOR v_children IN SELECT array_agg(e ORDER BY e.n) FROM unnest(v_edits) AS e
                      WHERE e.kind = 'split_child' GROUP BY e.split_of ORDER BY min(e.n) LOOP
        RETURN QUERY SELECT * FROM cadastre.submit_split(v_dossier, v_children);
    END LOOP;
    FOR v_edit IN SELECT * FROM unnest(v_edits) AS e WHERE e.kind = 'merge' ORDER BY e.n LOOP
        RETURN QUERY SELECT * FROM cadastre.submit_merge(v_dossier, v_edit);
    END LOOP;
    FOR v_edit IN SELECT * FROM unnest(v_edits) AS e WHERE e.kind = 'new' ORDER BY e.n LOOP
        RETURN QUERY SELECT * FROM cadastre.submit_new(v_dossier, v_edit);
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
COMMENT ON COLUMN cadastre.officer_parcel.id IS 'The parcel''s surrogate key, named by edits.';
COMMENT ON COLUMN cadastre.officer_parcel.commune_code IS 'Commune part of the identity.';
COMMENT ON COLUMN cadastre.officer_parcel.sheet_number IS 'Map sheet part of the identity (số tờ).';
COMMENT ON COLUMN cadastre.officer_parcel.parcel_number IS
    'Parcel number on the sheet (số thửa).';
COMMENT ON COLUMN cadastre.officer_parcel.ref IS
    'The identity as the layer labels it: commune/sheet/number, e.g. 00070/12/45.';
COMMENT ON COLUMN cadastre.officer_parcel.geom IS
    'Boundary in the register''s VN-2000 TM-3 CRS, the geometry the officer edits.';
COMMENT ON COLUMN cadastre.officer_parcel.legal_area IS 'Registered (legal) area in m².';
COMMENT ON COLUMN cadastre.officer_parcel.measured_area IS
    'Area of the boundary in m², rounded to 0.1 m²; may differ from the legal area.';
COMMENT ON COLUMN cadastre.officer_parcel.land_use IS
    'The first (main) land-use code: the map colour comes from it.';
COMMENT ON COLUMN cadastre.officer_parcel.land_use_codes IS
    'All the land-use codes joined by +, largest area first (e.g. ODT+CLN).';
COMMENT ON COLUMN cadastre.officer_parcel.version IS
    'The version loaded; a submission naming an older one is refused as a conflict.';
COMMENT ON COLUMN cadastre.officer_parcel.changed_at IS
    'When the loaded version was written.';

CREATE OR REPLACE FUNCTION cadastre.refuse_layer_write()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'The parcel layer cannot be saved directly: every change to the register '
                    'is made within an approved dossier'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'layer_save',
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
