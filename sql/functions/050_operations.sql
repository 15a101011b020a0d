-- 050_operations: the register's domain operations, one SQL function each.
-- Every client (CLI, QGIS plugin, sample loader, import) calls these; each is atomic (one
-- transaction: all or nothing), works for one approved dossier, and leaves the invariants of
-- 040_invariants to the triggers so there is one definition of each rule.
-- Holders are given as JSON: [{"party_id": 12, "share": "1/3"}, …].
--
-- Functions, in the order they are defined:
--   cadastre.dossier_for(bigint, text) → cadastre.dossier
--   cadastre.open_dossier(text, text, date, text, text, text, text) → bigint
--   cadastre.decide_dossier(bigint, text, date, text) → cadastre.dossier
--   cadastre.approve_dossier(bigint, date) → cadastre.dossier
--   cadastre.close_dossier(bigint, date) → cadastre.dossier
--   cadastre.open_import_dossier(text, date, text, text, text) → bigint
--   cadastre.add_source_document(bigint, text, text, date, text, text) → bigint
--   cadastre.add_dossier_parcel(bigint, bigint) → void
--   cadastre.add_party(text, text, jsonb, jsonb, text) → bigint
--   cadastre.change_party(bigint, bigint, text, jsonb) → void
--   cadastre.personal_data(bigint, text) → TABLE(party_id, id_number, birth_date, gender, address)
--   cadastre.effective_date(cadastre.dossier, date) → date
--   cadastre.lock_current_parcel(bigint, integer) → cadastre.parcel
--   cadastre.parse_share(text) → integer[]
--   cadastre.add_shares(bigint, jsonb) → void
--   cadastre.holders_json(bigint) → jsonb
--   cadastre.add_rrr(bigint, text, date, jsonb, bigint, numeric, text, date) → bigint
--   cadastre.end_rrr(bigint, date) → void
--   cadastre.open_rrrs(bigint, text) → SETOF cadastre.rrr
--   cadastre.land_use_right(bigint) → cadastre.rrr
--   cadastre.end_open_rrrs(bigint, date) → void
--   cadastre.retire_parcel(cadastre.parcel, date) → void
--   cadastre.single_use(text, numeric, jsonb) → jsonb
--   cadastre.plausible_area(geometry) → numeric
--   cadastre.insert_parcel(text, text, integer, geometry, numeric, jsonb, text,
--                              jsonb) → bigint
--   cadastre.register_parcel(bigint, text, text, integer, geometry, numeric,
--                             jsonb, jsonb, text, date) → bigint
--   cadastre.correct_boundary(bigint, bigint, geometry, numeric, integer) → integer
--   cadastre.rescale_land_uses(jsonb, numeric, numeric) → jsonb
--   cadastre.split_parcel(bigint, bigint, geometry[], integer[], jsonb[],
--                       numeric[], integer, text[]) → bigint[]
--   cadastre.carry_ended_rrrs(bigint, bigint, date) → void
--   cadastre.holder_set(bigint) → text
--   cadastre.merge_parcels(bigint, bigint[], integer, text, integer[]) → bigint
--   cadastre.transfer_right(bigint, bigint, jsonb, date) → bigint
--   cadastre.register_restriction(bigint, bigint, text, bigint, numeric, text,
--                                    date) → bigint
--   cadastre.release_restriction(bigint, bigint, date) → void
--   cadastre.change_land_use(bigint, bigint, jsonb, integer) → integer
--   cadastre.acquire_parcel(bigint, bigint, date) → void
--   cadastre.issue_certificate(bigint, text, text, bigint[], date, text) → bigint
--   cadastre.cancel_certificate(bigint, text, date) → void
--   cadastre.cancel_certificates_of(bigint, date) → void
--   cadastre.reassign_commune(bigint, text, text, date, text) → integer

-- Dossiers ----------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.dossier_for(p_dossier_id bigint, p_action text)
RETURNS cadastre.dossier
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier;
BEGIN
    -- The dossier an operation acts on, locked until the transaction ends, refused in words
    -- when it does not exist or belongs to a commune the caller does not handle.
    SELECT * INTO v_dossier FROM cadastre.dossier WHERE id = p_dossier_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Dossier % does not exist', p_dossier_id
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Look the dossier up with cadastre dossier show ID.';
    END IF;
    PERFORM cadastre.require_dossier_commune(v_dossier, p_action);
    RETURN v_dossier;
END;
$$;
COMMENT ON FUNCTION cadastre.dossier_for(bigint, text) IS
    'A dossier to decide, close or add to: locked, and refused if missing or of another commune.';

CREATE OR REPLACE FUNCTION cadastre.open_dossier(p_number text, p_kind text, p_received_on date,
                                                 p_officer text, p_legal_basis text DEFAULT NULL,
                                                 p_commune_code text DEFAULT NULL,
                                                 p_note text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id      bigint;
    v_commune text := p_commune_code;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cadastre.dossier_kind WHERE code = p_kind) THEN
        RAISE EXCEPTION 'Unknown dossier kind %', quote_literal(p_kind)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'One of: ' || (SELECT string_agg(code, ', ' ORDER BY code)
                                        FROM cadastre.dossier_kind);
    END IF;
    -- A commune-bound officer's dossier belongs to one of their communes: the one they have,
    -- or the one they name.
    IF v_commune IS NULL AND cadastre.commune_bound() THEN
        v_commune := cadastre.only_commune();
    END IF;
    IF v_commune IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM cadastre.admin_unit WHERE code = v_commune) THEN
        RAISE EXCEPTION 'Unknown commune % for dossier %', quote_literal(v_commune), p_number
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Give the code of a commune of the register (cadastre.admin_unit).';
    END IF;
    INSERT INTO cadastre.dossier (number, kind, received_on, officer, legal_basis,
                                  commune_code, note, opened_by)
    VALUES (p_number, p_kind, p_received_on, p_officer, p_legal_basis, v_commune, p_note,
            session_user)
    RETURNING id INTO v_id;
    PERFORM cadastre.require_dossier_commune(
        (SELECT d FROM cadastre.dossier AS d WHERE d.id = v_id), 'open');
    PERFORM cadastre.record_audit(v_id, 'open');
    RETURN v_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'A dossier numbered % already exists', p_number
        USING ERRCODE = 'unique_violation',
              HINT = 'Dossier numbers are unique in the register: check the number, or find the '
                     'existing dossier (cadastre dossier show).';
END;
$$;
COMMENT ON FUNCTION cadastre.open_dossier(text, text, date, text, text, text, text) IS
    'Record a received registration dossier in a commune the caller may edit (an officer with '
    'one commune: that one); returns its id. The opening role is kept (dossier.opened_by).';

CREATE OR REPLACE FUNCTION cadastre.decide_dossier(p_dossier_id bigint, p_status text,
                                                   p_decided_on date, p_note text DEFAULT NULL)
RETURNS cadastre.dossier
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier;
    v_self    boolean;
BEGIN
    IF p_status NOT IN ('approved', 'rejected') THEN
        RAISE EXCEPTION 'A dossier is decided as approved or rejected, not %', p_status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_dossier := cadastre.dossier_for(p_dossier_id, 'decide');
    IF NOT cadastre.is_decider() THEN
        RAISE EXCEPTION 'Role % may not decide dossiers (dossier %)', session_user,
            v_dossier.number
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An approver decides dossiers: cadastre user add NAME --role approver '
                         '--commune CODE.';
    END IF;
    -- Four eyes: whoever opened a dossier does not decide it, unless the office has one
    -- officer (a register setting) or the caller owns the register; such decisions are marked.
    v_self := v_dossier.opened_by IS NOT DISTINCT FROM session_user::text;
    IF v_self AND NOT cadastre.is_owner()
       AND NOT coalesce((SELECT single_officer_office FROM cadastre.register_setting), false) THEN
        RAISE EXCEPTION 'Dossier % was opened by %: another approver must decide it',
            v_dossier.number, session_user
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Four eyes: the role that opens a dossier does not decide it.',
                  HINT = 'Ask another approver of commune ' || coalesce(v_dossier.commune_code, '-')
                         || ' to decide it.';
    END IF;
    UPDATE cadastre.dossier
    SET status = p_status, decided_on = p_decided_on, note = coalesce(p_note, note),
        decided_by = session_user, self_decided = v_self
    WHERE id = p_dossier_id
    RETURNING * INTO v_dossier;
    PERFORM cadastre.record_audit(p_dossier_id, 'decide');
    RETURN v_dossier;
END;
$$;
COMMENT ON FUNCTION cadastre.decide_dossier(bigint, text, date, text) IS
    'Approve or reject a received dossier: by an approver of its commune who did not open it '
    '(a decided dossier is final).';

CREATE OR REPLACE FUNCTION cadastre.approve_dossier(p_dossier_id bigint, p_decided_on date)
RETURNS cadastre.dossier
LANGUAGE sql
AS $$
    SELECT cadastre.decide_dossier(p_dossier_id, 'approved', p_decided_on)
$$;
COMMENT ON FUNCTION cadastre.approve_dossier(bigint, date) IS 'Approve a received dossier.';

CREATE OR REPLACE FUNCTION cadastre.close_dossier(p_dossier_id bigint,
                                                  p_closed_on date DEFAULT NULL)
RETURNS cadastre.dossier
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier;
    v_on      date := coalesce(p_closed_on, cadastre.clock()::date);
BEGIN
    v_dossier := cadastre.dossier_for(p_dossier_id, 'close');
    IF v_dossier.status <> 'approved' THEN
        RAISE EXCEPTION 'Dossier % is %: only an approved dossier is closed', v_dossier.number,
            v_dossier.status
            USING ERRCODE = 'check_violation',
                  HINT = 'A received dossier is decided first; a rejected or closed one is final.';
    END IF;
    IF v_on < v_dossier.decided_on THEN
        RAISE EXCEPTION 'Dossier % cannot close on %, before its decision on %',
            v_dossier.number, v_on, v_dossier.decided_on
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE cadastre.dossier
    SET status = 'closed', closed_on = v_on, closed_by = session_user
    WHERE id = p_dossier_id
    RETURNING * INTO v_dossier;
    PERFORM cadastre.record_audit(p_dossier_id, 'close');
    RETURN v_dossier;
END;
$$;
COMMENT ON FUNCTION cadastre.close_dossier(bigint, date) IS
    'Close an approved dossier: nothing more can be done under it.';

CREATE OR REPLACE FUNCTION cadastre.open_import_dossier(p_number text, p_received_on date,
                                                        p_officer text, p_legal_basis text,
                                                        p_note text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    -- Bringing legacy files in is an administrator's act, not a citizen's application: the
    -- import's own dossier is opened and approved by its administrator, and marked so.
    IF NOT cadastre.is_admin() THEN
        RAISE EXCEPTION 'Role % may not register an import under its own dossier', session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Import under a dossier an approver approved: --dossier ID.';
    END IF;
    INSERT INTO cadastre.dossier (number, kind, received_on, officer, legal_basis, note,
                                  opened_by, status, decided_on, decided_by, self_decided)
    VALUES (p_number, 'first_registration', p_received_on, p_officer, p_legal_basis, p_note,
            session_user, 'approved', p_received_on, session_user, true)
    RETURNING id INTO v_id;
    PERFORM cadastre.record_audit(v_id, 'open');
    PERFORM cadastre.record_audit(v_id, 'decide');
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.open_import_dossier(text, date, text, text, text) IS
    'An administrator''s legacy import: its first-registration dossier, approved by the same '
    'administrator and marked self_decided. Returns its id.';

CREATE OR REPLACE FUNCTION cadastre.add_source_document(p_dossier_id bigint, p_kind text,
                                                        p_reference text,
                                                        p_issued_on date DEFAULT NULL,
                                                        p_issuer text DEFAULT NULL,
                                                        p_description text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier;
    v_id      bigint;
BEGIN
    v_dossier := cadastre.dossier_for(p_dossier_id, 'add a document to');
    IF v_dossier.status IN ('rejected', 'closed') THEN
        RAISE EXCEPTION 'Dossier % is %: no document can be added to it', v_dossier.number,
            v_dossier.status
            USING ERRCODE = 'check_violation',
                  HINT = 'Open a new dossier for further documents.';
    END IF;
    INSERT INTO cadastre.source_document (dossier_id, kind, reference, issued_on, issuer,
                                          description)
    VALUES (p_dossier_id, p_kind, p_reference, p_issued_on, p_issuer, p_description)
    RETURNING id INTO v_id;
    PERFORM cadastre.record_audit(p_dossier_id, 'change');
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.add_source_document(bigint, text, text, date, text, text) IS
    'Attach a legal or survey document to a dossier.';

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

-- Parties -----------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.add_party(p_kind text, p_name text,
                                              p_members jsonb DEFAULT NULL,
                                              p_personal jsonb DEFAULT NULL,
                                              p_org_code text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id     bigint;
    v_member jsonb;
BEGIN
    -- The dossier setting is the client's to set too: a party stamped with a dossier is
    -- recorded under it only when the caller may work under it (and it is audited).
    IF cadastre.current_dossier() IS NOT NULL THEN
        PERFORM cadastre.begin_dossier_work(cadastre.current_dossier());
    END IF;
    INSERT INTO cadastre.party (kind, name, org_code, dossier_id, sys_period)
    VALUES (p_kind, p_name, p_org_code, cadastre.current_dossier(),
            tstzrange(cadastre.clock(), NULL))
    RETURNING id INTO v_id;
    IF p_personal IS NOT NULL THEN
        INSERT INTO cadastre.party_personal (party_id, id_number, birth_date, gender, address,
                                             dossier_id)
        VALUES (v_id, p_personal ->> 'id_number', (p_personal ->> 'birth_date')::date,
                p_personal ->> 'gender', p_personal ->> 'address', cadastre.current_dossier());
    END IF;
    FOR v_member IN SELECT * FROM jsonb_array_elements(coalesce(p_members, '[]')) LOOP
        IF NOT EXISTS (SELECT 1 FROM cadastre.party WHERE id = (v_member ->> 'party_id')::bigint)
        THEN
            RAISE EXCEPTION 'Party % (a member of %) does not exist', v_member ->> 'party_id',
                p_name
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Record each member first (cadastre.add_party), then the group.';
        END IF;
        INSERT INTO cadastre.party_member (group_id, member_id, role)
        VALUES (v_id, (v_member ->> 'party_id')::bigint, coalesce(v_member ->> 'role', 'member'));
    END LOOP;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.add_party(text, text, jsonb, jsonb, text) IS
    'Record a party; p_members [{"party_id", "role"}] for households and couples, p_personal '
    '{"id_number", "birth_date", "gender", "address"} for individuals.';

CREATE OR REPLACE FUNCTION cadastre.change_party(p_dossier_id bigint, p_party_id bigint,
                                                 p_name text DEFAULT NULL,
                                                 p_personal jsonb DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_party cadastre.party;
BEGIN
    PERFORM cadastre.begin_dossier_work(p_dossier_id);
    SELECT * INTO v_party FROM cadastre.party WHERE id = p_party_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Party % does not exist', p_party_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cadastre.require_party_right(p_party_id);
    IF p_name IS NOT NULL THEN
        UPDATE cadastre.party SET name = p_name, dossier_id = p_dossier_id WHERE id = p_party_id;
    END IF;
    IF p_personal IS NOT NULL THEN
        INSERT INTO cadastre.party_personal AS pp (party_id, id_number, birth_date, gender,
                                                   address, dossier_id)
        VALUES (p_party_id, p_personal ->> 'id_number', (p_personal ->> 'birth_date')::date,
                p_personal ->> 'gender', p_personal ->> 'address', p_dossier_id)
        ON CONFLICT (party_id) DO UPDATE
        SET id_number = coalesce(EXCLUDED.id_number, pp.id_number),
            birth_date = coalesce(EXCLUDED.birth_date, pp.birth_date),
            gender = coalesce(EXCLUDED.gender, pp.gender),
            address = coalesce(EXCLUDED.address, pp.address),
            dossier_id = EXCLUDED.dossier_id;
    END IF;
END;
$$;
COMMENT ON FUNCTION cadastre.change_party(bigint, bigint, text, jsonb) IS
    'Change a party''s name or personal data within an approved dossier: history kept, audited, '
    'refused for parties holding rights only outside the caller''s communes.';

CREATE OR REPLACE FUNCTION cadastre.personal_data(p_party_id bigint, p_purpose text DEFAULT NULL)
RETURNS TABLE (party_id bigint, id_number text, birth_date date, gender text, address text)
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT (pg_has_role(session_user, 'cadastre_officer', 'MEMBER') OR cadastre.is_admin()) THEN
        RAISE EXCEPTION 'Role % may not read personal data', session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Personal data (ID numbers, birth dates, addresses) is for land officers.';
    END IF;
    INSERT INTO cadastre.personal_data_access (party_id, db_role, app_user, accessed_at, purpose)
    SELECT p.id, session_user, nullif(current_setting('cadastre.app_user', true), ''),
           clock_timestamp(), p_purpose
    FROM cadastre.party AS p WHERE p.id = p_party_id;
    RETURN QUERY SELECT pp.party_id, pp.id_number, pp.birth_date, pp.gender, pp.address
                 FROM cadastre.party_personal AS pp WHERE pp.party_id = p_party_id;
END;
$$;
COMMENT ON FUNCTION cadastre.personal_data(bigint, text) IS
    'A party''s personal data for an officer; every read is logged (personal_data_access).';

-- Shared helpers ----------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.effective_date(p_dossier cadastre.dossier, p_date date)
RETURNS date
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(p_date, p_dossier.decided_on)
$$;
COMMENT ON FUNCTION cadastre.effective_date(cadastre.dossier, date) IS
    'The legal date a change takes effect: given, else the dossier''s decision date.';

CREATE OR REPLACE FUNCTION cadastre.lock_current_parcel(p_parcel_id bigint,
                                                        p_expected_version integer DEFAULT NULL)
RETURNS cadastre.parcel
LANGUAGE plpgsql
AS $$
DECLARE
    v_parcel cadastre.parcel;
BEGIN
    -- Say in words when the role may not edit the parcel's commune (row-level security would
    -- otherwise hide the row from FOR UPDATE and the parcel would look missing).
    SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = p_parcel_id;
    IF FOUND THEN
        PERFORM cadastre.require_commune_right(
            v_parcel.commune_code,
            cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                v_parcel.parcel_number));
    END IF;
    SELECT * INTO v_parcel FROM cadastre.parcel WHERE id = p_parcel_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Parcel id % does not exist', p_parcel_id
            USING ERRCODE = 'no_data_found';
    END IF;
    IF v_parcel.status <> 'current' THEN
        RAISE EXCEPTION 'Parcel % is retired and cannot change',
            cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                v_parcel.parcel_number)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_current',
                  DETAIL = cadastre.last_change_text(p_parcel_id),
                  HINT = 'Work on the parcels that replaced it (cadastre.parcel_genealogy).';
    END IF;
    IF p_expected_version IS NOT NULL AND p_expected_version <> v_parcel.version THEN
        RAISE EXCEPTION 'Parcel % was changed by someone else since you loaded it (you have '
                        'version %, the register has version %)',
            cadastre.parcel_ref(v_parcel.commune_code, v_parcel.sheet_number,
                                v_parcel.parcel_number), p_expected_version, v_parcel.version
            USING ERRCODE = 'serialization_failure',
                  DETAIL = cadastre.last_change_text(p_parcel_id),
                  HINT = 'Reload the parcel and redo your edit on the current version.';
    END IF;
    RETURN v_parcel;
END;
$$;
COMMENT ON FUNCTION cadastre.lock_current_parcel(bigint, integer) IS
    'Lock a current parcel for change; refuse a retired one or a stale expected version.';

CREATE OR REPLACE FUNCTION cadastre.parse_share(p_share text)
RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v_parts text[] := regexp_match(trim(coalesce(p_share, '')), '^([0-9]{1,9})\s*/\s*([0-9]{1,9})$');
BEGIN
    IF trim(coalesce(p_share, '')) = '1' THEN
        RETURN ARRAY[1, 1];
    END IF;
    IF v_parts IS NULL OR v_parts[1]::integer = 0 OR v_parts[2]::integer = 0
       OR v_parts[1]::integer > v_parts[2]::integer THEN
        RAISE EXCEPTION 'Share % is not a fraction like 1/3 between 0 and 1',
            quote_literal(coalesce(p_share, '(missing)'))
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN ARRAY[v_parts[1]::integer, v_parts[2]::integer];
END;
$$;
COMMENT ON FUNCTION cadastre.parse_share(text) IS 'Parse "1/3" (or "1") into {numerator, denominator}.';

CREATE OR REPLACE FUNCTION cadastre.add_shares(p_rrr_id bigint, p_holders jsonb)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_holder jsonb;
    v_share  integer[];
BEGIN
    IF p_holders IS NULL OR jsonb_typeof(p_holders) <> 'array'
       OR jsonb_array_length(p_holders) = 0 THEN
        RAISE EXCEPTION 'A right needs at least one holder ([{"party_id": …, "share": "1/1"}])'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_holder IN SELECT * FROM jsonb_array_elements(p_holders) LOOP
        v_share := cadastre.parse_share(coalesce(v_holder ->> 'share', '1'));
        IF NOT EXISTS (SELECT 1 FROM cadastre.party
                       WHERE id = (v_holder ->> 'party_id')::bigint) THEN
            RAISE EXCEPTION 'Party % does not exist: it cannot hold a right',
                coalesce(v_holder ->> 'party_id', '(none given)')
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Record the holder first (cadastre party add NAME) and give its id.';
        END IF;
        INSERT INTO cadastre.rrr_share (rrr_id, party_id, numerator, denominator)
        VALUES (p_rrr_id, (v_holder ->> 'party_id')::bigint, v_share[1], v_share[2]);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cadastre.add_shares(bigint, jsonb) IS 'Give a right its holders and shares.';

CREATE OR REPLACE FUNCTION cadastre.holders_json(p_rrr_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object('party_id', party_id,
                                                         'share', numerator || '/' || denominator)
                                      ORDER BY party_id), '[]'::jsonb)
            FROM cadastre.rrr_share WHERE rrr_id = p_rrr_id);
END;
$$;
COMMENT ON FUNCTION cadastre.holders_json(bigint) IS 'A right''s holders in the operations'' JSON form.';

CREATE OR REPLACE FUNCTION cadastre.add_rrr(p_parcel_id bigint, p_kind text, p_from date,
                                            p_holders jsonb DEFAULT NULL,
                                            p_creditor_id bigint DEFAULT NULL,
                                            p_amount numeric DEFAULT NULL,
                                            p_note text DEFAULT NULL,
                                            p_until date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id    bigint;
    v_class text := (SELECT class FROM cadastre.rrr_kind WHERE code = p_kind);
BEGIN
    IF v_class IS NULL THEN
        RAISE EXCEPTION 'Unknown right or restriction kind %', quote_literal(p_kind)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'One of: ' || (SELECT string_agg(code, ', ' ORDER BY code)
                                        FROM cadastre.rrr_kind);
    END IF;
    INSERT INTO cadastre.rrr (kind, parcel_id, valid, creditor_id, amount, note, dossier_id)
    VALUES (p_kind, p_parcel_id, daterange(p_from, p_until), p_creditor_id, p_amount, p_note,
            cadastre.current_dossier())
    RETURNING id INTO v_id;
    IF v_class = 'right' THEN
        PERFORM cadastre.add_shares(v_id, p_holders);
    END IF;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.add_rrr(bigint, text, date, jsonb, bigint, numeric, text, date) IS
    'Register a right (with holders) or a restriction (with creditor/claimant) on a parcel.';

CREATE OR REPLACE FUNCTION cadastre.end_rrr(p_rrr_id bigint, p_on date)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_rrr cadastre.rrr;
BEGIN
    SELECT * INTO v_rrr FROM cadastre.rrr WHERE id = p_rrr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Right or restriction % does not exist', p_rrr_id
            USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT upper_inf(v_rrr.valid) THEN
        RAISE EXCEPTION '% % on parcel % already ended on %', v_rrr.kind, v_rrr.id,
            cadastre.parcel_ref(v_rrr.parcel_id), upper(v_rrr.valid)
            USING ERRCODE = 'check_violation';
    END IF;
    IF p_on <= lower(v_rrr.valid) THEN
        RAISE EXCEPTION '% % on parcel % began on %; it cannot end on %', v_rrr.kind, v_rrr.id,
            cadastre.parcel_ref(v_rrr.parcel_id), lower(v_rrr.valid), p_on
            USING ERRCODE = 'check_violation',
                  HINT = 'A right ends at the earliest the day after it began: date the dossier '
                         'that ends it (a merge or transfer) a day later.';
    END IF;
    UPDATE cadastre.rrr
    SET valid = daterange(lower(valid), p_on), ended_by_dossier = cadastre.current_dossier()
    WHERE id = p_rrr_id;
END;
$$;
COMMENT ON FUNCTION cadastre.end_rrr(bigint, date) IS
    'End a right or restriction on a legal date (it stays in the register as history).';

CREATE OR REPLACE FUNCTION cadastre.open_rrrs(p_parcel_id bigint, p_class text DEFAULT NULL)
RETURNS SETOF cadastre.rrr
LANGUAGE sql STABLE
AS $$
    SELECT r.* FROM cadastre.rrr AS r JOIN cadastre.rrr_kind AS k ON k.code = r.kind
    WHERE r.parcel_id = p_parcel_id AND upper_inf(r.valid)
      AND (p_class IS NULL OR k.class = p_class)
    ORDER BY r.id
$$;
COMMENT ON FUNCTION cadastre.open_rrrs(bigint, text) IS
    'Rights/restrictions of a parcel that have not ended.';

CREATE OR REPLACE FUNCTION cadastre.land_use_right(p_parcel_id bigint)
RETURNS cadastre.rrr
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN (SELECT r FROM cadastre.open_rrrs(p_parcel_id) AS r
            WHERE r.kind = 'land_use_right' LIMIT 1);
END;
$$;
COMMENT ON FUNCTION cadastre.land_use_right(bigint) IS 'The open land-use right of a parcel.';

CREATE OR REPLACE FUNCTION cadastre.end_open_rrrs(p_parcel_id bigint, p_on date)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_rrr cadastre.rrr;
BEGIN
    FOR v_rrr IN SELECT * FROM cadastre.open_rrrs(p_parcel_id) LOOP
        PERFORM cadastre.end_rrr(v_rrr.id, p_on);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cadastre.end_open_rrrs(bigint, date) IS
    'End every open right and restriction of a parcel (retirement, acquisition).';

CREATE OR REPLACE FUNCTION cadastre.retire_parcel(p_parcel cadastre.parcel, p_on date)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM cadastre.end_open_rrrs(p_parcel.id, p_on);
    PERFORM cadastre.cancel_certificates_of(p_parcel.id, p_on);
    UPDATE cadastre.parcel SET status = 'retired' WHERE id = p_parcel.id;
END;
$$;
COMMENT ON FUNCTION cadastre.retire_parcel(cadastre.parcel, date) IS
    'Retire a parcel: its rights end, its certificates are cancelled, its last version stays.';

CREATE OR REPLACE FUNCTION cadastre.single_use(p_code text, p_area numeric, p_like jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_array(coalesce(p_like, '{}'::jsonb)
                             || jsonb_build_object('code', p_code, 'area', p_area))
$$;
COMMENT ON FUNCTION cadastre.single_use(text, numeric, jsonb) IS
    'Land uses of a parcel with one purpose, keeping form and term from a template entry.';

CREATE OR REPLACE FUNCTION cadastre.plausible_area(p_geom geometry)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$
    -- NULL for coordinates no survey produces (NaN, 1e300): the parcel trigger then refuses
    -- the geometry by name instead of the area overflowing its column first.
    SELECT CASE WHEN cadastre.within_crs_range(p_geom) AND ST_Area(p_geom) < 1e12
                THEN ST_Area(p_geom)::numeric END
$$;
COMMENT ON FUNCTION cadastre.plausible_area(geometry) IS
    'Measured area of a geometry, or NULL when its coordinates are absurd (NaN, huge).';

CREATE OR REPLACE FUNCTION cadastre.insert_parcel(p_commune text, p_sheet text, p_number integer,
                                                  p_geom geometry, p_legal_area numeric,
                                                  p_land_uses jsonb, p_address text,
                                                  p_old_identifiers jsonb DEFAULT '[]')
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO cadastre.parcel (commune_code, sheet_number, parcel_number, geom, legal_area,
                                 land_uses, address, old_identifiers, dossier_id)
    VALUES (p_commune, p_sheet, p_number, ST_Multi(cadastre.to_register_crs(p_geom)),
            round(coalesce(p_legal_area, cadastre.plausible_area(cadastre.to_register_crs(p_geom))),
                  1),
            p_land_uses, p_address, coalesce(p_old_identifiers, '[]'),
            cadastre.current_dossier())
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.insert_parcel(text, text, integer, geometry, numeric, jsonb, text,
                                           jsonb) IS
    'Insert a current parcel in the register CRS (legal area defaults to the measured area).';

-- First registration ------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.register_parcel(p_dossier_id bigint, p_commune text,
                                                    p_sheet text, p_number integer,
                                                    p_geom geometry, p_legal_area numeric,
                                                    p_land_uses jsonb, p_holders jsonb,
                                                    p_address text DEFAULT NULL,
                                                    p_valid_from date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_id      bigint;
BEGIN
    v_id := cadastre.insert_parcel(p_commune, p_sheet, p_number, p_geom, p_legal_area,
                                   p_land_uses, p_address);
    IF p_holders IS NOT NULL THEN
        PERFORM cadastre.add_rrr(v_id, 'land_use_right',
                                 cadastre.effective_date(v_dossier, p_valid_from), p_holders);
    END IF;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.register_parcel(bigint, text, text, integer, geometry, numeric,
                                             jsonb, jsonb, text, date) IS
    'First registration: a new parcel and, when holders are given, its land-use right.';

-- Boundary re-survey / correction -----------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.correct_boundary(p_dossier_id bigint, p_parcel_id bigint,
                                                     p_geom geometry,
                                                     p_legal_area numeric DEFAULT NULL,
                                                     p_expected_version integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_parcel  cadastre.parcel;
    v_geom    geometry;
    v_area    numeric;
    v_uses    jsonb;
BEGIN
    PERFORM cadastre.begin_dossier_work(p_dossier_id);
    v_parcel := cadastre.lock_current_parcel(p_parcel_id, p_expected_version);
    v_geom := ST_Multi(cadastre.to_register_crs(p_geom));
    v_area := round(coalesce(p_legal_area, ST_Area(v_geom)::numeric), 1);
    v_uses := cadastre.rescale_land_uses(v_parcel.land_uses, v_parcel.legal_area, v_area);
    UPDATE cadastre.parcel
    SET geom = v_geom, legal_area = v_area, land_uses = v_uses
    WHERE id = p_parcel_id
    RETURNING version INTO v_parcel.version;
    RETURN v_parcel.version;
END;
$$;
COMMENT ON FUNCTION cadastre.correct_boundary(bigint, bigint, geometry, numeric, integer) IS
    'Re-survey or correct a parcel''s boundary (and legal area); returns the new version. '
    'Several neighbours corrected in one transaction are checked together at commit.';

CREATE OR REPLACE FUNCTION cadastre.rescale_land_uses(p_land_uses jsonb, p_old_area numeric,
                                                      p_new_area numeric)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    -- Largest-remainder apportionment in tenths of a square metre: every purpose keeps its
    -- share, the parts sum exactly to the new area, and none drops to zero while the new area
    -- has room for all (areas are recorded to 0.1 m²).
    WITH item AS (
        SELECT e, n, (e ->> 'area')::numeric * p_new_area * 10 / p_old_area AS exact
        FROM jsonb_array_elements(p_land_uses) WITH ORDINALITY AS t(e, n)
    ),
    floored AS (
        SELECT e, n, exact, greatest(floor(exact), 1) AS tenths FROM item
    ),
    ranked AS (
        SELECT e, n, tenths,
               row_number() OVER (ORDER BY exact - floor(exact) DESC, n) AS rank,
               round(p_new_area * 10) - sum(tenths) OVER () AS leftover
        FROM floored
    ),
    settled AS (
        -- Leftover tenths go to the largest remainders; a shortfall (from the one-tenth floor
        -- of tiny parts) is taken from the largest part.
        SELECT e, n, tenths
                     + CASE WHEN leftover > 0 AND rank <= leftover THEN 1 ELSE 0 END
                     + CASE WHEN leftover < 0 AND n = (SELECT n FROM ranked
                                                       ORDER BY tenths DESC, n LIMIT 1)
                            THEN leftover ELSE 0 END AS tenths
        FROM ranked
    )
    SELECT CASE WHEN p_old_area = p_new_area THEN p_land_uses
                ELSE (SELECT jsonb_agg(e || jsonb_build_object('area', round(tenths / 10, 1))
                                       ORDER BY n)
                      FROM settled) END
$$;
COMMENT ON FUNCTION cadastre.rescale_land_uses(jsonb, numeric, numeric) IS
    'Land uses scaled to a new legal area in proportion (re-survey).';

-- Split -------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.split_parcel(p_dossier_id bigint, p_parent_id bigint,
                                                 p_geoms geometry[], p_numbers integer[],
                                                 p_land_uses jsonb[] DEFAULT NULL,
                                                 p_legal_areas numeric[] DEFAULT NULL,
                                                 p_expected_version integer DEFAULT NULL,
                                                 p_sheets text[] DEFAULT NULL)
RETURNS bigint[]
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier  cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_parent   cadastre.parcel;
    v_ref      text;
    v_on       date;
    v_geoms    geometry[];
    v_children bigint[] := '{}';
    v_child    bigint;
    v_area     numeric;
    v_uses     jsonb;
    v_mismatch float8;
    v_small    cadastre.issue;
    i          integer;
BEGIN
    v_parent := cadastre.lock_current_parcel(p_parent_id, p_expected_version);
    v_ref := cadastre.parcel_ref(v_parent.commune_code, v_parent.sheet_number,
                                 v_parent.parcel_number);
    v_on := cadastre.effective_date(v_dossier, NULL);
    IF coalesce(array_length(p_geoms, 1), 0) < 2
       OR array_length(p_geoms, 1) <> coalesce(array_length(p_numbers, 1), 0) THEN
        RAISE EXCEPTION 'Split of %: give at least two child geometries and one parcel number '
                        'for each', v_ref USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_array_length(v_parent.land_uses) > 1 AND p_land_uses IS NULL THEN
        RAISE EXCEPTION 'Split of %: the parent has several land uses; give each child''s',
            v_ref USING ERRCODE = 'invalid_parameter_value',
                        HINT = 'Give each new parcel its land uses, in order (cadastre parcel '
                               'split --uses CODE=AREA[,…] once per parcel; in QGIS, each '
                               'piece''s land_use).';
    END IF;
    SELECT array_agg(ST_Multi(cadastre.to_register_crs(g)) ORDER BY n) INTO v_geoms
    FROM unnest(p_geoms) WITH ORDINALITY AS t(g, n);

    -- The children must partition the parent: nothing lost, nothing added.
    v_mismatch := ST_Area(ST_SymDifference(ST_Union(v_geoms), v_parent.geom));
    IF v_mismatch > cadastre.tolerance('partition_area') THEN
        RAISE EXCEPTION 'Split of %: the children do not partition the parent (they differ by '
                        '% m²)', v_ref, round(v_mismatch::numeric, 3)
            USING ERRCODE = 'check_violation',
                  DETAIL = format('children cover %s m², parent %s m²',
                                  round(ST_Area(ST_Union(v_geoms))::numeric, 3),
                                  round(ST_Area(v_parent.geom)::numeric, 3)),
                  HINT = format('Snap the split line to the parent''s boundary (tolerance %s m²).',
                                cadastre.tolerance('partition_area'));
    END IF;

    PERFORM cadastre.retire_parcel(v_parent, v_on);
    FOR i IN 1 .. array_length(v_geoms, 1) LOOP
        v_area := round(coalesce(p_legal_areas[i], ST_Area(v_geoms[i])::numeric), 1);
        v_uses := coalesce(p_land_uses[i],
                           cadastre.single_use(v_parent.land_uses -> 0 ->> 'code', v_area,
                                               v_parent.land_uses -> 0));
        -- The split minimums bind every split, not only one checked first (QGIS's Check):
        -- a split from the CLI or psql meets them here.
        SELECT * INTO v_small
        FROM cadastre.split_minimum_issues(v_geoms[i], v_parent.commune_code,
                                           v_uses -> 0 ->> 'code', v_on,
                                           cadastre.parcel_ref(v_parent.commune_code,
                                               coalesce(p_sheets[i], v_parent.sheet_number),
                                               p_numbers[i]))
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'Split of %: %', v_ref, v_small.message_en
                USING ERRCODE = 'check_violation', CONSTRAINT = 'split_minimum',
                      DETAIL = v_small.message_vi,
                      HINT = 'Draw the split so every new parcel meets the minimum area, '
                             'frontage and depth in force for its land use and commune.';
        END IF;
        v_child := cadastre.insert_parcel(v_parent.commune_code,
                                          coalesce(p_sheets[i], v_parent.sheet_number), p_numbers[i],
                                          v_geoms[i], v_area, v_uses, v_parent.address);
        INSERT INTO cadastre.parcel_lineage (parent_id, child_id, kind, dossier_id)
        VALUES (v_parent.id, v_child, 'split', p_dossier_id);
        PERFORM cadastre.carry_ended_rrrs(v_parent.id, v_child, v_on);
        v_children := v_children || v_child;
    END LOOP;
    RETURN v_children;
END;
$$;
COMMENT ON FUNCTION cadastre.split_parcel(bigint, bigint, geometry[], integer[], jsonb[],
                                          numeric[], integer, text[]) IS
    'Split a parcel into children that partition it (within the partition_area tolerance); '
    'rights and restrictions are carried to every child; the parent is retired. Children keep '
    'the parent''s sheet unless p_sheets gives each one''s.';

CREATE OR REPLACE FUNCTION cadastre.carry_ended_rrrs(p_from_parcel bigint,
                                                            p_to_parcel bigint, p_on date)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_rrr cadastre.rrr;
BEGIN
    -- The rights that were open on the parent until p_on (ended by its retirement).
    FOR v_rrr IN SELECT * FROM cadastre.rrr
                 WHERE parcel_id = p_from_parcel AND upper(valid) = p_on
                   AND ended_by_dossier = cadastre.current_dossier()
                 ORDER BY id LOOP
        PERFORM cadastre.add_rrr(p_to_parcel, v_rrr.kind, p_on,
                                 cadastre.holders_json(v_rrr.id), v_rrr.creditor_id,
                                 v_rrr.amount, v_rrr.note);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cadastre.carry_ended_rrrs(bigint, bigint, date) IS
    'Copy onto a new parcel the rights and restrictions the current dossier ended on its parent.';

-- Merge -------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.holder_set(p_parcel_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN (
        SELECT coalesce(string_agg(s.party_id || ':'
                                   || s.numerator / gcd(s.numerator, s.denominator) || '/'
                                   || s.denominator / gcd(s.numerator, s.denominator), ','
                                   ORDER BY s.party_id), '')
        FROM cadastre.rrr_share AS s
        WHERE s.rrr_id = (cadastre.land_use_right(p_parcel_id)).id);
END;
$$;
COMMENT ON FUNCTION cadastre.holder_set(bigint) IS
    'The holders and shares of a parcel''s land-use right, as comparable text.';

CREATE OR REPLACE FUNCTION cadastre.merge_parcels(p_dossier_id bigint, p_parcel_ids bigint[],
                                                  p_number integer, p_sheet text DEFAULT NULL,
                                                  p_expected_versions integer[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier  cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_parcels  cadastre.parcel[] := '{}';
    v_parcel   cadastre.parcel;
    v_on       date := cadastre.effective_date(v_dossier, NULL);
    v_union    geometry;
    v_holders  text;
    v_uses     jsonb;
    v_area     numeric;
    v_merged   bigint;
    v_refs     text;
    v_rrr      cadastre.rrr;
    i          integer;
BEGIN
    IF coalesce(array_length(p_parcel_ids, 1), 0) < 2 THEN
        RAISE EXCEPTION 'A merge needs at least two parcels' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. array_length(p_parcel_ids, 1) LOOP
        v_parcels := v_parcels || cadastre.lock_current_parcel(p_parcel_ids[i],
                                                               p_expected_versions[i]);
    END LOOP;
    SELECT string_agg(cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number), ', ')
    INTO v_refs FROM unnest(v_parcels) AS p;
    IF (SELECT count(DISTINCT p.commune_code) FROM unnest(v_parcels) AS p) > 1 THEN
        RAISE EXCEPTION 'Merge of %: parcels of different communes cannot be merged', v_refs
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merge_same_commune';
    END IF;
    -- Surveyed corners stay where they are; snap only parcels that almost touch.
    v_union := ST_UnaryUnion(ST_Collect(ARRAY(SELECT p.geom FROM unnest(v_parcels) AS p)));
    IF ST_NumGeometries(v_union) > 1 THEN
        v_union := ST_UnaryUnion(ST_Collect(ARRAY(
            SELECT ST_Snap(p.geom, (SELECT ST_Collect(q.geom) FROM unnest(v_parcels) AS q),
                           cadastre.tolerance('merge_gap'))
            FROM unnest(v_parcels) AS p)));
    END IF;
    IF ST_NumGeometries(v_union) > 1 THEN
        RAISE EXCEPTION 'Merge of %: the parcels are not adjacent (their union has % parts)',
            v_refs, ST_NumGeometries(v_union)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merge_adjacent',
                  HINT = 'Only parcels that share a boundary can be merged.';
    END IF;
    SELECT min(cadastre.holder_set(p.id)) INTO v_holders FROM unnest(v_parcels) AS p;
    IF (SELECT count(DISTINCT cadastre.holder_set(p.id)) FROM unnest(v_parcels) AS p) > 1 THEN
        RAISE EXCEPTION 'Merge of %: the parcels have different holders or shares', v_refs
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merge_same_holders',
                  DETAIL = (SELECT string_agg(cadastre.parcel_ref(p.id) || ' → '
                                              || cadastre.holder_set(p.id), '; ')
                            FROM unnest(v_parcels) AS p),
                  HINT = 'Transfer the parcels to the same holders first.';
    END IF;
    SELECT sum(p.legal_area) INTO v_area FROM unnest(v_parcels) AS p;
    SELECT jsonb_agg(jsonb_build_object('code', u.code, 'area', u.area) || u.extra ORDER BY u.code)
    INTO v_uses
    FROM (SELECT e ->> 'code' AS code, sum((e ->> 'area')::numeric) AS area,
                 (jsonb_agg(e - 'code' - 'area'))[0] AS extra
          FROM unnest(v_parcels) AS p, jsonb_array_elements(p.land_uses) AS e
          GROUP BY e ->> 'code') AS u;

    FOREACH v_parcel IN ARRAY v_parcels LOOP
        PERFORM cadastre.retire_parcel(v_parcel, v_on);
    END LOOP;
    v_merged := cadastre.insert_parcel(v_parcels[1].commune_code,
                                       coalesce(p_sheet, v_parcels[1].sheet_number), p_number,
                                       v_union, v_area, v_uses, v_parcels[1].address);
    -- The merged parcel inherits the rights and restrictions of the first parent (the holder
    -- sets are equal) plus every restriction of the others.
    FOREACH v_parcel IN ARRAY v_parcels LOOP
        INSERT INTO cadastre.parcel_lineage (parent_id, child_id, kind, dossier_id)
        VALUES (v_parcel.id, v_merged, 'merge', p_dossier_id);
        FOR v_rrr IN SELECT * FROM cadastre.rrr
                     WHERE parcel_id = v_parcel.id AND upper(valid) = v_on
                       AND ended_by_dossier = p_dossier_id
                       AND (v_parcel.id = v_parcels[1].id
                            OR kind NOT IN (SELECT code FROM cadastre.rrr_kind WHERE exclusive))
                     ORDER BY id LOOP
            PERFORM cadastre.add_rrr(v_merged, v_rrr.kind, v_on, cadastre.holders_json(v_rrr.id),
                                     v_rrr.creditor_id, v_rrr.amount, v_rrr.note);
        END LOOP;
    END LOOP;
    RETURN v_merged;
END;
$$;
COMMENT ON FUNCTION cadastre.merge_parcels(bigint, bigint[], integer, text, integer[]) IS
    'Merge adjacent parcels of the same commune and holder set into one (their union); the '
    'parents are retired, rights and restrictions carried to the merged parcel.';

-- Transfers ---------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.transfer_right(p_dossier_id bigint, p_parcel_id bigint,
                                                   p_holders jsonb,
                                                   p_effective date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_parcel  cadastre.parcel;
    v_right   cadastre.rrr;
    v_on      date := cadastre.effective_date(v_dossier, p_effective);
    v_block   cadastre.rrr;
BEGIN
    IF v_dossier.kind NOT IN ('sale', 'gift', 'inheritance', 'capital_contribution',
                              'correction') THEN
        RAISE EXCEPTION 'Dossier % is a % dossier, not a transfer', v_dossier.number,
            v_dossier.kind USING ERRCODE = 'check_violation';
    END IF;
    v_parcel := cadastre.lock_current_parcel(p_parcel_id);
    SELECT * INTO v_block FROM cadastre.open_rrrs(p_parcel_id)
    WHERE kind IN ('seizure', 'dispute') LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'Parcel % is under % (since %): it cannot be transferred',
            cadastre.parcel_ref(p_parcel_id), v_block.kind, lower(v_block.valid)
            USING ERRCODE = 'check_violation',
                  HINT = 'The restriction must be released first.';
    END IF;
    v_right := cadastre.land_use_right(p_parcel_id);
    IF v_right.id IS NULL THEN
        RAISE EXCEPTION 'Parcel % has no land-use right to transfer', cadastre.parcel_ref(p_parcel_id)
            USING ERRCODE = 'check_violation',
                  HINT = 'Register the right first (first registration).';
    END IF;
    PERFORM cadastre.end_rrr(v_right.id, v_on);
    RETURN cadastre.add_rrr(p_parcel_id, 'land_use_right', v_on, p_holders);
END;
$$;
COMMENT ON FUNCTION cadastre.transfer_right(bigint, bigint, jsonb, date) IS
    'Transfer a parcel''s land-use right (sale, gift, inheritance…) to new holders with shares; '
    'refused while the parcel is seized or disputed.';

-- Restrictions (mortgage, seizure, dispute, planning) ----------------------------------------

CREATE OR REPLACE FUNCTION cadastre.register_restriction(p_dossier_id bigint, p_parcel_id bigint,
                                                         p_kind text,
                                                         p_party_id bigint DEFAULT NULL,
                                                         p_amount numeric DEFAULT NULL,
                                                         p_note text DEFAULT NULL,
                                                         p_from date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
BEGIN
    PERFORM cadastre.lock_current_parcel(p_parcel_id);
    IF (SELECT class FROM cadastre.rrr_kind WHERE code = p_kind) IS DISTINCT FROM 'restriction'
    THEN
        RAISE EXCEPTION '% is not a restriction kind', quote_literal(p_kind)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'One of: ' || (SELECT string_agg(code, ', ' ORDER BY code)
                                        FROM cadastre.rrr_kind WHERE class = 'restriction');
    END IF;
    IF p_kind = 'mortgage' AND (cadastre.land_use_right(p_parcel_id)).id IS NULL THEN
        RAISE EXCEPTION 'Parcel % has no land-use right to mortgage',
            cadastre.parcel_ref(p_parcel_id) USING ERRCODE = 'check_violation';
    END IF;
    IF p_kind = 'mortgage' AND p_party_id IS NULL THEN
        RAISE EXCEPTION 'A mortgage needs its creditor (p_party_id)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN cadastre.add_rrr(p_parcel_id, p_kind, cadastre.effective_date(v_dossier, p_from),
                            NULL, p_party_id, p_amount, p_note);
END;
$$;
COMMENT ON FUNCTION cadastre.register_restriction(bigint, bigint, text, bigint, numeric, text,
                                                  date) IS
    'Register a mortgage (with its creditor), seizure, dispute, planning reservation or corridor.';

CREATE OR REPLACE FUNCTION cadastre.release_restriction(p_dossier_id bigint, p_rrr_id bigint,
                                                        p_on date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
BEGIN
    IF (SELECT k.class FROM cadastre.rrr AS r JOIN cadastre.rrr_kind AS k ON k.code = r.kind
        WHERE r.id = p_rrr_id) IS DISTINCT FROM 'restriction' THEN
        RAISE EXCEPTION 'Record % is not a restriction; rights end by transfer or acquisition',
            p_rrr_id USING ERRCODE = 'check_violation';
    END IF;
    PERFORM cadastre.end_rrr(p_rrr_id, cadastre.effective_date(v_dossier, p_on));
END;
$$;
COMMENT ON FUNCTION cadastre.release_restriction(bigint, bigint, date) IS
    'End a restriction (mortgage release, end of a seizure or dispute).';

-- Land use, acquisition --------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.change_land_use(p_dossier_id bigint, p_parcel_id bigint,
                                                    p_land_uses jsonb,
                                                    p_expected_version integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_version integer;
BEGIN
    PERFORM cadastre.begin_dossier_work(p_dossier_id);
    PERFORM cadastre.lock_current_parcel(p_parcel_id, p_expected_version);
    UPDATE cadastre.parcel SET land_uses = p_land_uses WHERE id = p_parcel_id
    RETURNING version INTO v_version;
    RETURN v_version;
END;
$$;
COMMENT ON FUNCTION cadastre.change_land_use(bigint, bigint, jsonb, integer) IS
    'Change a parcel''s land-use purposes (areas must still sum to the legal area).';

CREATE OR REPLACE FUNCTION cadastre.acquire_parcel(p_dossier_id bigint, p_parcel_id bigint,
                                                   p_on date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
BEGIN
    IF v_dossier.kind <> 'acquisition' THEN
        RAISE EXCEPTION 'Dossier % is a % dossier, not an acquisition', v_dossier.number,
            v_dossier.kind USING ERRCODE = 'check_violation';
    END IF;
    PERFORM cadastre.retire_parcel(cadastre.lock_current_parcel(p_parcel_id),
                                   cadastre.effective_date(v_dossier, p_on));
END;
$$;
COMMENT ON FUNCTION cadastre.acquire_parcel(bigint, bigint, date) IS
    'State acquisition: the parcel is retired and its rights end.';

-- Certificates --------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.issue_certificate(p_dossier_id bigint, p_serial text,
                                                      p_book_number text, p_parcel_ids bigint[],
                                                      p_issued_on date DEFAULT NULL,
                                                      p_replaces text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_id      bigint;
    v_parcel  bigint;
    v_on      date := cadastre.effective_date(v_dossier, p_issued_on);
BEGIN
    IF coalesce(array_length(p_parcel_ids, 1), 0) = 0 THEN
        RAISE EXCEPTION 'Certificate %: it must cover at least one parcel', p_serial
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT count(DISTINCT cadastre.holder_set(p)) FROM unnest(p_parcel_ids) AS p) > 1 THEN
        RAISE EXCEPTION 'Certificate %: the parcels have different holders', p_serial
            USING ERRCODE = 'check_violation',
                  HINT = 'A certificate covers parcels of one holder set; issue one per set.';
    END IF;
    IF p_replaces IS NOT NULL THEN
        PERFORM cadastre.cancel_certificate(p_dossier_id, p_replaces, v_on);
    END IF;
    INSERT INTO cadastre.certificate (serial, book_number, issued_on, dossier_id)
    VALUES (p_serial, p_book_number, v_on, p_dossier_id)
    RETURNING id INTO v_id;
    FOREACH v_parcel IN ARRAY p_parcel_ids LOOP
        PERFORM cadastre.lock_current_parcel(v_parcel);
        IF (cadastre.land_use_right(v_parcel)).id IS NULL THEN
            RAISE EXCEPTION 'Certificate %: parcel % has no land-use right to certify', p_serial,
                cadastre.parcel_ref(v_parcel) USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO cadastre.certificate_parcel VALUES (v_id, v_parcel);
    END LOOP;
    INSERT INTO cadastre.certificate_holder (certificate_id, party_id)
    SELECT v_id, s.party_id FROM cadastre.rrr_share AS s
    WHERE s.rrr_id = (cadastre.land_use_right(p_parcel_ids[1])).id;
    IF p_replaces IS NOT NULL THEN
        UPDATE cadastre.certificate SET replaced_by = v_id WHERE serial = p_replaces;
    END IF;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION cadastre.issue_certificate(bigint, text, text, bigint[], date, text) IS
    'Issue a certificate (GCN) for parcels of one holder set; p_replaces reissues an old one.';

CREATE OR REPLACE FUNCTION cadastre.cancel_certificate(p_dossier_id bigint, p_serial text,
                                                       p_on date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_cert    cadastre.certificate;
BEGIN
    SELECT * INTO v_cert FROM cadastre.certificate WHERE serial = p_serial FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Certificate % does not exist', p_serial USING ERRCODE = 'no_data_found';
    END IF;
    IF v_cert.cancelled_on IS NOT NULL THEN
        RAISE EXCEPTION 'Certificate % was already cancelled on %', p_serial, v_cert.cancelled_on
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE cadastre.certificate
    SET cancelled_on = cadastre.effective_date(v_dossier, p_on)
    WHERE id = v_cert.id;
END;
$$;
COMMENT ON FUNCTION cadastre.cancel_certificate(bigint, text, date) IS 'Cancel a certificate.';

CREATE OR REPLACE FUNCTION cadastre.cancel_certificates_of(p_parcel_id bigint, p_on date)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE cadastre.certificate AS c SET cancelled_on = greatest(p_on, c.issued_on)
    FROM cadastre.certificate_parcel AS cp
    WHERE cp.certificate_id = c.id AND cp.parcel_id = p_parcel_id AND c.cancelled_on IS NULL;
END;
$$;
COMMENT ON FUNCTION cadastre.cancel_certificates_of(bigint, date) IS
    'Cancel the valid certificates covering a parcel that is retired.';

-- Commune reassignment (administrative mergers) -----------------------------------------------

CREATE OR REPLACE FUNCTION cadastre.reassign_commune(p_dossier_id bigint, p_old_code text,
                                                     p_new_code text, p_effective date,
                                                     p_sheet_prefix text DEFAULT '')
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_dossier cadastre.dossier := cadastre.begin_dossier_work(p_dossier_id);
    v_count   integer;
BEGIN
    IF v_dossier.kind <> 'commune_reassignment' THEN
        RAISE EXCEPTION 'Dossier % is a % dossier, not a commune reassignment', v_dossier.number,
            v_dossier.kind USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM cadastre.admin_unit WHERE code = p_new_code
                   AND level = 'commune' AND valid @> p_effective) THEN
        RAISE EXCEPTION 'Commune % does not exist or is not in force on %', p_new_code,
            p_effective USING ERRCODE = 'foreign_key_violation',
                              HINT = 'Add it first (cadastre.add_commune).';
    END IF;
    UPDATE cadastre.admin_unit
    SET valid = daterange(lower(valid), p_effective), replaced_by = p_new_code
    WHERE code = p_old_code AND level = 'commune';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Commune % does not exist', p_old_code
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    UPDATE cadastre.map_sheet
    SET valid = daterange(lower(valid), p_effective)
    WHERE commune_code = p_old_code AND upper_inf(valid);
    INSERT INTO cadastre.map_sheet (commune_code, number, scale, footprint, valid)
    SELECT p_new_code, p_sheet_prefix || number, scale, footprint, daterange(p_effective, NULL)
    FROM cadastre.map_sheet WHERE commune_code = p_old_code AND upper(valid) = p_effective;
    UPDATE cadastre.parcel
    SET old_identifiers = old_identifiers || jsonb_build_array(jsonb_build_object(
            'commune_code', commune_code, 'sheet_number', sheet_number,
            'parcel_number', parcel_number, 'until', p_effective)),
        commune_code = p_new_code,
        sheet_number = p_sheet_prefix || sheet_number
    WHERE commune_code = p_old_code AND status = 'current';
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION cadastre.reassign_commune(bigint, text, text, date, text) IS
    'Commune merger: retire the old unit, move its current parcels and sheets to the new code '
    '(sheet numbers optionally prefixed to stay unique), keeping old identifiers and history.';
