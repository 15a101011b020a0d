-- 087_applications: citizens' online applications (tables: migrations/030_online_services.sql).
-- Citizen side (the web role may call these and nothing else here): submit an application,
-- track it with its receipt code and secret, add the documents the office asked for. Officer side: the queue of their communes,
-- one application's details (logged), accept (opens the register dossier with its parcels
-- through cadastre.open_dossier and cadastre.add_dossier_parcel), request documents, refuse,
-- mark a result ready. Office side (administrators): services' figures and holidays.
-- Every writing operation runs as its owner (SECURITY DEFINER, search_path pinned) and checks
-- session_user; every action is a row of online.application_event (who, when, from where).
-- Refusals a citizen or officer can meet carry a rule code (CONSTRAINT) the web words:
-- invalid_parameter_value for input, no_data_found for a wrong receipt or secret,
-- object_not_in_prerequisite_state for an action the application's status does not allow,
-- insufficient_privilege for another commune's application.
--
-- Functions, in the order they are defined:
--   online.today() → date
--   online.is_working_day(date) → boolean
--   online.add_working_days(date, integer) → date
--   online.working_days_between(date, date) → integer
--   online.check_citizen_id(text) → void
--   online.random_code(integer) → text
--   online.add_documents(bigint, jsonb) → integer
--   online.submit_application(text, text, text[], text, text, text, text, text, text, jsonb,
--       inet) → TABLE(receipt_code, secret)
--   online.application_history(bigint) → TABLE(status, at, reason)
--   online.history_json(bigint) → jsonb
--   online.application_status(bigint) → text
--   online.due_on(online.application) → date
--   online.overdue_days(online.application) → integer
--   online.application_by_secret(text, text) → online.application
--   online.track_application(text, text) → jsonb
--   online.supplement_application(text, text, jsonb, inet) → integer
--   online.application_for(text, text) → online.application
--   online.application_queue(text) → TABLE(receipt_code, service_code, commune_code, parcels,
--       applicant_name, received_on, due_on, overdue_days, status, dossier_id)
--   online.application_detail(text) → jsonb
--   online.application_document_file(text, integer) → text
--   online.record_event(online.application, text, text, text[]) → void
--   online.accept_application(text, text) → bigint
--   online.request_documents(text, text) → void
--   online.refuse_application(text, text) → void
--   online.mark_result_ready(text, text) → void
--   online.dossier_receipt(bigint) → text
--   online.set_service(text, integer, text, text, text, boolean) → online.service
--   online.add_holiday(date, text, text) → void
--   online.remove_holiday(date) → void

-- Working days -------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION online.today()
RETURNS date
LANGUAGE sql STABLE
AS $$
    SELECT (cadastre.clock() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;
COMMENT ON FUNCTION online.today() IS
    'Today in Vietnam (the register''s clock): the day applications are received and counted.';

CREATE OR REPLACE FUNCTION online.is_working_day(p_day date)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT extract(isodow FROM p_day) < 6
           AND NOT EXISTS (SELECT 1 FROM online.holiday AS h WHERE h.day = p_day)
$$;
COMMENT ON FUNCTION online.is_working_day(date) IS
    'True from Monday to Friday unless the office''s calendar (online.holiday) marks a day off.';

CREATE OR REPLACE FUNCTION online.add_working_days(p_from date, p_days integer)
RETURNS date
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_day  date := p_from;
    v_left integer := p_days;
BEGIN
    -- The day of receipt does not count: the first working day after it is day 1.
    IF p_from IS NULL OR p_days IS NULL THEN
        RETURN NULL;
    END IF;
    WHILE v_left > 0 LOOP
        v_day := v_day + 1;
        IF online.is_working_day(v_day) THEN
            v_left := v_left - 1;
        END IF;
    END LOOP;
    RETURN v_day;
END;
$$;
COMMENT ON FUNCTION online.add_working_days(date, integer) IS
    'The legal due date: the p_days-th working day after p_from (NULL when either is unknown).';

CREATE OR REPLACE FUNCTION online.working_days_between(p_after date, p_until date)
RETURNS integer
LANGUAGE sql STABLE
AS $$
    SELECT count(*)::integer FROM generate_series(p_after + 1, p_until, interval '1 day') AS d
    WHERE online.is_working_day(d::date)
$$;
COMMENT ON FUNCTION online.working_days_between(date, date) IS
    'Working days after p_after up to and including p_until (0 when p_until is not later).';

-- Submitting ---------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION online.check_citizen_id(p_id text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_century integer;
    v_year    integer;
BEGIN
    -- The 12-digit citizen ID (CCCD): 3 digits of the province of birth registration, 1 of
    -- century and sex (0/1: born 1900–1999, male/female; 2/3: 2000–2099), 2 of the year of
    -- birth, 6 random. Structure is checked, not the registry.
    IF p_id IS NULL OR p_id !~ '^[0-9]{12}$' THEN
        RAISE EXCEPTION 'A citizen ID has 12 digits, not %', quote_nullable(p_id)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'citizen_id_format',
                  HINT = 'Type the 12 digits of the citizen identity card (CCCD).';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM online.citizen_id_province WHERE code = left(p_id, 3)) THEN
        RAISE EXCEPTION 'Citizen ID % does not start with a province code', p_id
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'citizen_id_province',
                  HINT = 'Its first three digits are a province code (001 Hà Nội … 096 Cà Mau).';
    END IF;
    v_century := CASE substr(p_id, 4, 1) WHEN '0' THEN 1900 WHEN '1' THEN 1900
                                           WHEN '2' THEN 2000 WHEN '3' THEN 2000 END;
    v_year := v_century + substr(p_id, 5, 2)::integer;
    IF v_century IS NULL OR v_year > extract(year FROM online.today()) THEN
        RAISE EXCEPTION 'Citizen ID % names a birth year that has not come (century digit %)',
            p_id, substr(p_id, 4, 1)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'citizen_id_birth',
                  HINT = 'Its 4th digit gives century and sex (0–3), the 5th and 6th the year '
                         'of birth.';
    END IF;
END;
$$;
COMMENT ON FUNCTION online.check_citizen_id(text) IS
    'Refuse, by rule code, a citizen ID whose structure is wrong (length, province code, '
    'century and year of birth).';

CREATE OR REPLACE FUNCTION online.random_code(p_length integer)
RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- 32 symbols without 0/O, 1/I: read over the phone without confusion; 5 random bits each.
    c_alphabet constant text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
    v_bytes bytea := uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
    v_code  text := '';
BEGIN
    FOR i IN 0 .. p_length - 1 LOOP
        v_code := v_code || substr(c_alphabet, (get_byte(v_bytes, i) % 32) + 1, 1);
    END LOOP;
    RETURN v_code;
END;
$$;
COMMENT ON FUNCTION online.random_code(integer) IS
    'A random code of up to 32 symbols from a strong source (gen_random_uuid), 5 bits each.';

CREATE OR REPLACE FUNCTION online.add_documents(p_application_id bigint, p_documents jsonb)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_position integer;
    v_document jsonb;
    v_count    integer := 0;
BEGIN
    -- After the application's documents so far; a malformed row (type, hash, path) is the
    -- web view's input, refused by rule code.
    SELECT coalesce(max(d.position), 0) INTO v_position
    FROM online.application_document AS d WHERE d.application_id = p_application_id;
    FOR v_document IN SELECT * FROM jsonb_array_elements(coalesce(p_documents, '[]')) LOOP
        v_position := v_position + 1;
        v_count := v_count + 1;
        INSERT INTO online.application_document (application_id, position, media_type,
                                                 size_bytes, sha256, stored_as)
        VALUES (p_application_id, v_position, v_document ->> 'media_type',
                (v_document ->> 'size_bytes')::bigint,
                decode(v_document ->> 'sha256', 'hex'), v_document ->> 'stored_as');
    END LOOP;
    RETURN v_count;
EXCEPTION WHEN check_violation OR not_null_violation OR unique_violation THEN
    RAISE EXCEPTION 'A document of the application is malformed: %', SQLERRM
        USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_document';
END;
$$;
COMMENT ON FUNCTION online.add_documents(bigint, jsonb) IS
    'Record documents stored for an application ([{"media_type", "size_bytes", "sha256" (hex), '
    '"stored_as"}]) after those it has; returns how many.';

CREATE OR REPLACE FUNCTION online.submit_application(
    p_service text, p_dossier_kind text, p_parcels text[], p_name text, p_id_number text,
    p_phone text, p_email text, p_relation text, p_note text, p_documents jsonb,
    p_client_addr inet DEFAULT NULL)
RETURNS TABLE (receipt_code text, secret text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_service  online.service;
    v_parcels  bigint[];
    v_communes text[];
    v_missing  text;
    v_id       bigint;
    v_receipt  text;
    v_secret   text := online.random_code(20);
    v_phone    text := regexp_replace(coalesce(p_phone, ''), '[\s.()-]', '', 'g');
    v_name     text := btrim(regexp_replace(coalesce(p_name, ''), '\s+', ' ', 'g'));
BEGIN
    SELECT * INTO v_service FROM online.service AS s WHERE s.code = p_service AND s.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No service %', quote_nullable(p_service)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_service',
                  HINT = 'Choose one of the services offered (online.service).';
    END IF;
    IF cardinality(v_service.dossier_kinds) > 0
       AND (p_dossier_kind IS NULL OR NOT p_dossier_kind = ANY (v_service.dossier_kinds)) THEN
        RAISE EXCEPTION 'Service % is for: %, not %', p_service,
            array_to_string(v_service.dossier_kinds, ', '), quote_nullable(p_dossier_kind)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_kind',
                  HINT = 'Say what the change follows (sale, gift, inheritance…).';
    END IF;
    IF coalesce(cardinality(p_parcels), 0) NOT BETWEEN 1 AND v_service.max_parcels THEN
        RAISE EXCEPTION 'An application for % names 1 to % parcels, not %', p_service,
            v_service.max_parcels, coalesce(cardinality(p_parcels), 0)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_parcels',
                  HINT = 'Give each parcel as commune/sheet/number, e.g. 91001/12/45.';
    END IF;
    SELECT string_agg(r.ref, ', ') INTO v_missing
    FROM unnest(p_parcels) AS r (ref)
    WHERE NOT EXISTS (SELECT 1 FROM cadastre.parcel AS p
                      WHERE p.status = 'current'
                        AND cadastre.parcel_ref(p.commune_code, p.sheet_number,
                                                p.parcel_number) = btrim(r.ref));
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'No current parcel %', v_missing
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_parcel',
                  DETAIL = v_missing,
                  HINT = 'Give each parcel as commune/sheet/number, e.g. 91001/12/45.';
    END IF;
    SELECT array_agg(DISTINCT p.id), array_agg(DISTINCT p.commune_code)
    INTO v_parcels, v_communes
    FROM cadastre.parcel AS p
    WHERE p.status = 'current'
      AND cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number)
          IN (SELECT btrim(r) FROM unnest(p_parcels) AS r);
    IF cardinality(v_communes) > 1 THEN
        RAISE EXCEPTION 'The parcels lie in % communes: %', cardinality(v_communes),
            array_to_string(v_communes, ', ')
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_communes',
                  HINT = 'File one application per commune: its office handles it.';
    END IF;
    IF length(v_name) NOT BETWEEN 2 AND 120 OR v_name !~ '[[:alpha:]]'
       OR v_name ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'Applicant name % is not a name', quote_nullable(p_name)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'applicant_name',
                  HINT = 'Type the full name as on the citizen ID, 2 to 120 characters.';
    END IF;
    PERFORM online.check_citizen_id(p_id_number);
    IF v_phone !~ '^(0|\+84)[0-9]{9}$' THEN
        RAISE EXCEPTION 'Phone number % is not a Vietnamese number', quote_nullable(p_phone)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'applicant_phone',
                  HINT = '10 digits starting with 0, or +84 and 9 digits.';
    END IF;
    IF nullif(btrim(p_email), '') IS NOT NULL
       AND (length(p_email) > 254 OR btrim(p_email) !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$') THEN
        RAISE EXCEPTION 'E-mail address % is not an address', quote_nullable(p_email)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'applicant_email',
                  HINT = 'Like name@example.vn, or leave it empty.';
    END IF;
    IF p_relation IS NULL OR p_relation NOT IN ('holder', 'buyer', 'heir', 'donee',
                                                'representative', 'other') THEN
        RAISE EXCEPTION 'Relation to the parcel % is not one of the choices',
            quote_nullable(p_relation)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'applicant_relation',
                  HINT = 'holder, buyer, heir, donee, representative or other.';
    END IF;
    IF length(p_note) > 2000 THEN
        RAISE EXCEPTION 'The note has % characters (at most 2000)', length(p_note)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_note';
    END IF;
    IF jsonb_array_length(v_service.required_documents) > 0
       AND jsonb_array_length(coalesce(p_documents, '[]')) = 0 THEN
        RAISE EXCEPTION 'Service % needs its documents attached', p_service
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_documents',
                  HINT = 'Attach the documents the service lists (PDF, JPEG or PNG).';
    END IF;

    LOOP  -- 32^6 codes per commune and day: a repeat is rare, never reused
        v_receipt := v_communes[1] || '-' || to_char(online.today(), 'YYMMDD') || '-'
                     || online.random_code(6);
        EXIT WHEN NOT EXISTS (SELECT 1 FROM online.application AS a
                              WHERE a.receipt_code = v_receipt);
    END LOOP;
    INSERT INTO online.application (receipt_code, secret_hash, service_code, dossier_kind,
                                    commune_code, received_on, processing_days,
                                    applicant_name, id_number, phone, email, relation, note,
                                    client_addr)
    VALUES (v_receipt, sha256(convert_to(v_secret, 'UTF8')), p_service,
            CASE WHEN cardinality(v_service.dossier_kinds) > 0 THEN p_dossier_kind END,
            v_communes[1], online.today(),
            v_service.processing_days, v_name, p_id_number, v_phone,
            nullif(btrim(p_email), ''), p_relation, nullif(btrim(p_note), ''), p_client_addr)
    RETURNING id INTO v_id;
    INSERT INTO online.application_parcel (application_id, parcel_id)
    SELECT v_id, unnest(v_parcels);
    PERFORM online.add_documents(v_id, p_documents);
    INSERT INTO online.application_event (application_id, status, client_addr)
    VALUES (v_id, 'received', p_client_addr);
    RETURN QUERY SELECT v_receipt,
        substr(v_secret, 1, 5) || '-' || substr(v_secret, 6, 5) || '-'
        || substr(v_secret, 11, 5) || '-' || substr(v_secret, 16, 5);
END;
$$;
COMMENT ON FUNCTION online.submit_application(text, text, text[], text, text, text, text, text,
                                              text, jsonb, inet) IS
    'File an application (the web view, for a citizen): checks the service, parcels (current, '
    'one commune), identity (citizen ID structure), phone, e-mail, relation and documents '
    '([{"media_type", "size_bytes", "sha256" (hex), "stored_as"}]); returns the receipt code '
    'and the tracking secret, of which only a hash is kept.';

-- Status and due date -------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION online.application_history(p_application_id bigint)
RETURNS TABLE (status text, at timestamptz, reason text)
LANGUAGE sql STABLE
AS $$
    -- The application's own events, then what the register did with its dossier: the
    -- decision (approved, or refused with the approver's note) and the closing (the result
    -- is ready), timed by the register's audit trail.
    SELECT h.status, h.at, h.reason FROM (
        SELECT e.status, e.recorded_at AS at, e.reason, e.id AS seq
        FROM online.application_event AS e WHERE e.application_id = p_application_id
        UNION ALL
        SELECT CASE WHEN d.status = 'rejected' THEN 'refused' ELSE 'approved' END,
               coalesce((SELECT min(t.recorded_at) FROM cadastre.audit_transaction AS t
                         WHERE t.dossier_id = d.id AND t.action = 'decide'),
                        d.decided_on::timestamptz),
               CASE WHEN d.status = 'rejected' THEN d.note END, NULL
        FROM online.application AS a JOIN cadastre.dossier AS d ON d.id = a.dossier_id
        WHERE a.id = p_application_id AND d.decided_on IS NOT NULL
        UNION ALL
        SELECT 'result_ready',
               coalesce((SELECT min(t.recorded_at) FROM cadastre.audit_transaction AS t
                         WHERE t.dossier_id = d.id AND t.action = 'close'),
                        d.closed_on::timestamptz),
               NULL, NULL
        FROM online.application AS a JOIN cadastre.dossier AS d ON d.id = a.dossier_id
        WHERE a.id = p_application_id AND d.status = 'closed'
    ) AS h
    ORDER BY h.at, h.seq NULLS LAST
$$;
COMMENT ON FUNCTION online.application_history(bigint) IS
    'Status history of an application, oldest first: its events and its register dossier''s '
    'decision and closing.';

CREATE OR REPLACE FUNCTION online.history_json(p_application_id bigint)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_agg(jsonb_build_object(
               'status', h.status, 'reason', h.reason,
               'at', to_char(h.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI')))
    FROM online.application_history(p_application_id) AS h
$$;
COMMENT ON FUNCTION online.history_json(bigint) IS
    'An application''s status history as JSON, times in Vietnam''s (what people read).';

CREATE OR REPLACE FUNCTION online.application_status(p_application_id bigint)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT h.status FROM online.application_history(p_application_id) AS h
    ORDER BY h.at DESC LIMIT 1
$$;
COMMENT ON FUNCTION online.application_status(bigint) IS 'The latest status of an application.';

CREATE OR REPLACE FUNCTION online.due_on(p_application online.application)
RETURNS date
LANGUAGE sql STABLE
AS $$
    SELECT online.add_working_days(p_application.received_on,
        coalesce(p_application.processing_days,
                 (SELECT s.processing_days FROM online.service AS s
                  WHERE s.code = p_application.service_code)))
$$;
COMMENT ON FUNCTION online.due_on(online.application) IS
    'The legal due date of an application (NULL: the office has not entered the service''s '
    'processing time).';

CREATE OR REPLACE FUNCTION online.overdue_days(p_application online.application)
RETURNS integer
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN online.application_status(p_application.id) IN ('refused', 'result_ready')
                     OR online.due_on(p_application) IS NULL THEN 0
                ELSE online.working_days_between(online.due_on(p_application), online.today())
           END
$$;
COMMENT ON FUNCTION online.overdue_days(online.application) IS
    'Working days past the due date of an application still open (0 when on time, finished '
    'or without a due date).';

-- Tracking (citizens) -------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION online.application_by_secret(p_receipt text, p_secret text)
RETURNS online.application
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_app online.application;
BEGIN
    SELECT * INTO v_app FROM online.application AS a
    WHERE a.receipt_code = upper(btrim(p_receipt))
      AND a.secret_hash = sha256(convert_to(upper(regexp_replace(coalesce(p_secret, ''),
                                                                 '[^A-Za-z0-9]', '', 'g')),
                                            'UTF8'));
    IF NOT FOUND THEN
        -- One answer for an unknown code and a wrong secret: the code alone tells nothing.
        RAISE EXCEPTION 'No application matches this receipt code and secret'
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'application_secret',
                  HINT = 'Type both as printed on the receipt.';
    END IF;
    RETURN v_app;
END;
$$;
COMMENT ON FUNCTION online.application_by_secret(text, text) IS
    'The application of a receipt code and its secret (dashes and case ignored), or one '
    'refusal for an unknown code and a wrong secret alike.';

CREATE OR REPLACE FUNCTION online.track_application(p_receipt text, p_secret text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_app online.application := online.application_by_secret(p_receipt, p_secret);
BEGIN
    -- Only what the applicant typed and the office's answers; the ID and phone masked.
    RETURN jsonb_build_object(
        'receipt_code', v_app.receipt_code,
        'service_code', v_app.service_code,
        'service_vi', (SELECT s.name_vi FROM online.service AS s WHERE s.code = v_app.service_code),
        'service_en', (SELECT s.name_en FROM online.service AS s WHERE s.code = v_app.service_code),
        'dossier_kind', v_app.dossier_kind,
        'applicant_name', v_app.applicant_name,
        'id_number', repeat('•', 8) || right(v_app.id_number, 4),
        'phone', repeat('•', length(v_app.phone) - 3) || right(v_app.phone, 3),
        'received_on', v_app.received_on,
        'due_on', online.due_on(v_app),
        'overdue_days', online.overdue_days(v_app),
        'status', online.application_status(v_app.id),
        'parcels', (SELECT jsonb_agg(cadastre.parcel_ref(ap.parcel_id) ORDER BY ap.parcel_id)
                    FROM online.application_parcel AS ap WHERE ap.application_id = v_app.id),
        'documents', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                 'position', d.position, 'media_type', d.media_type,
                                 'size_bytes', d.size_bytes) ORDER BY d.position), '[]')
                      FROM online.application_document AS d WHERE d.application_id = v_app.id),
        'history', online.history_json(v_app.id));
END;
$$;
COMMENT ON FUNCTION online.track_application(text, text) IS
    'What the applicant may see of their application, given its receipt code and secret: '
    'service, parcels, status history with reasons, due date and overdue working days.';

CREATE OR REPLACE FUNCTION online.supplement_application(p_receipt text, p_secret text,
                                                        p_documents jsonb,
                                                        p_client_addr inet DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_app   online.application := online.application_by_secret(p_receipt, p_secret);
    v_added integer;
BEGIN
    -- The applicant answers a request for documents: the application is received again,
    -- for the officer to accept or refuse.
    IF online.application_status(v_app.id) <> 'documents_requested' THEN
        RAISE EXCEPTION 'Application % is %: documents are added when the office asks for them',
            v_app.receipt_code, online.application_status(v_app.id)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  CONSTRAINT = 'application_state';
    END IF;
    IF jsonb_array_length(coalesce(p_documents, '[]')) = 0 THEN
        RAISE EXCEPTION 'Attach the documents the office asked for'
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_documents';
    END IF;
    PERFORM 1 FROM online.application AS a WHERE a.id = v_app.id FOR UPDATE;
    v_added := online.add_documents(v_app.id, p_documents);
    INSERT INTO online.application_event (application_id, status, client_addr)
    VALUES (v_app.id, 'received', p_client_addr);
    RETURN v_added;
END;
$$;
COMMENT ON FUNCTION online.supplement_application(text, text, jsonb, inet) IS
    'The applicant (the web view, given the receipt code and secret) adds the documents the '
    'office asked for; the application is received again. Returns how many were added.';

-- The officers' queue ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION online.application_for(p_receipt text, p_action text)
RETURNS online.application
LANGUAGE plpgsql
AS $$
DECLARE
    v_app online.application;
BEGIN
    IF NOT (pg_has_role(session_user, 'cadastre_officer', 'MEMBER') OR cadastre.is_admin()) THEN
        RAISE EXCEPTION 'Role % may not % online applications', session_user, p_action
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'application_officer',
                  HINT = 'Land officers of the application''s commune handle it.';
    END IF;
    SELECT * INTO v_app FROM online.application AS a
    WHERE a.receipt_code = upper(btrim(p_receipt)) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No application %', quote_nullable(p_receipt)
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'application_receipt',
                  DETAIL = p_receipt,
                  HINT = 'Take the receipt code from the queue.';
    END IF;
    IF NOT cadastre.may_edit_commune(v_app.commune_code) THEN
        RAISE EXCEPTION 'Role % may not % application % of commune %', session_user, p_action,
            v_app.receipt_code, v_app.commune_code
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'application_commune',
                  HINT = 'Only officers of the application''s commune handle it.';
    END IF;
    RETURN v_app;
END;
$$;
COMMENT ON FUNCTION online.application_for(text, text) IS
    'An application an officer acts on: locked, and refused in words if missing or of a '
    'commune the caller does not handle.';

CREATE OR REPLACE FUNCTION online.application_queue(p_commune text DEFAULT NULL)
RETURNS TABLE (receipt_code text, service_code text, commune_code text, parcels text[],
               applicant_name text, received_on date, due_on date, overdue_days integer,
               status text, dossier_id bigint)
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT (pg_has_role(session_user, 'cadastre_officer', 'MEMBER') OR cadastre.is_admin()) THEN
        RAISE EXCEPTION 'Role % may not read online applications', session_user
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'application_officer',
                  HINT = 'Land officers of the application''s commune handle it.';
    END IF;
    RETURN QUERY
    WITH mine AS (
        SELECT a.* FROM online.application AS a
        WHERE cadastre.may_edit_commune(a.commune_code)
          AND (p_commune IS NULL OR a.commune_code = p_commune)
    ), logged AS (
        INSERT INTO online.application_access (application_id, app_user, purpose)
        SELECT m.id, nullif(current_setting('cadastre.app_user', true), ''), 'queue' FROM mine AS m
    )
    SELECT m.receipt_code, m.service_code, m.commune_code,
           (SELECT array_agg(cadastre.parcel_ref(ap.parcel_id) ORDER BY ap.parcel_id)
            FROM online.application_parcel AS ap WHERE ap.application_id = m.id),
           m.applicant_name, m.received_on, online.due_on(a), online.overdue_days(a),
           online.application_status(m.id), m.dossier_id
    FROM mine AS m JOIN online.application AS a ON a.id = m.id
    ORDER BY online.application_status(m.id) IN ('refused', 'result_ready'),
             online.overdue_days(a) DESC, online.due_on(a) NULLS LAST, m.received_on, m.id;
END;
$$;
COMMENT ON FUNCTION online.application_queue(text) IS
    'The online applications of the caller''s communes (or one of them): open ones first, '
    'overdue first, then by due date; each read is logged (online.application_access).';

CREATE OR REPLACE FUNCTION online.application_detail(p_receipt text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_app online.application;
BEGIN
    v_app := online.application_for(p_receipt, 'read');
    INSERT INTO online.application_access (application_id, app_user, purpose)
    VALUES (v_app.id, nullif(current_setting('cadastre.app_user', true), ''), 'detail');
    RETURN to_jsonb(v_app) - 'secret_hash' || jsonb_build_object(
        'due_on', online.due_on(v_app),
        'overdue_days', online.overdue_days(v_app),
        'status', online.application_status(v_app.id),
        'service_vi', (SELECT s.name_vi FROM online.service AS s WHERE s.code = v_app.service_code),
        'service_en', (SELECT s.name_en FROM online.service AS s WHERE s.code = v_app.service_code),
        'parcels', (SELECT jsonb_agg(cadastre.parcel_ref(ap.parcel_id) ORDER BY ap.parcel_id)
                    FROM online.application_parcel AS ap WHERE ap.application_id = v_app.id),
        'documents', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                 'position', d.position, 'media_type', d.media_type,
                                 'size_bytes', d.size_bytes,
                                 'sha256', encode(d.sha256, 'hex')) ORDER BY d.position), '[]')
                      FROM online.application_document AS d WHERE d.application_id = v_app.id),
        'history', online.history_json(v_app.id));
END;
$$;
COMMENT ON FUNCTION online.application_detail(text) IS
    'One application with the applicant''s personal data, its documents and history, for an '
    'officer of its commune; the read is logged (online.application_access).';

CREATE OR REPLACE FUNCTION online.application_document_file(p_receipt text, p_position integer)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_app    online.application;
    v_stored text;
BEGIN
    v_app := online.application_for(p_receipt, 'read');
    SELECT d.stored_as INTO v_stored FROM online.application_document AS d
    WHERE d.application_id = v_app.id AND d.position = p_position;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Application % has no document %', v_app.receipt_code, p_position
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'application_document';
    END IF;
    INSERT INTO online.application_access (application_id, app_user, purpose)
    VALUES (v_app.id, nullif(current_setting('cadastre.app_user', true), ''),
            'document ' || p_position);
    RETURN v_stored;
END;
$$;
COMMENT ON FUNCTION online.application_document_file(text, integer) IS
    'Where a document of an application is stored (under the upload folder), for an officer '
    'of its commune; logged.';

CREATE OR REPLACE FUNCTION online.record_event(p_application online.application, p_status text,
                                               p_reason text, p_allowed text[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_status text := online.application_status(p_application.id);
BEGIN
    -- One officer action: allowed from the given statuses only; a request for documents and
    -- a refusal say why (the applicant reads it); who, when and from where are recorded.
    IF NOT v_status = ANY (p_allowed) THEN
        RAISE EXCEPTION 'Application % is %: it cannot become %', p_application.receipt_code,
            v_status, p_status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  CONSTRAINT = 'application_state',
                  HINT = 'Documents are asked for, and an application refused, before it is '
                         'accepted; an accepted one is decided through its register dossier.';
    END IF;
    IF p_status IN ('documents_requested', 'refused') AND nullif(btrim(p_reason), '') IS NULL THEN
        RAISE EXCEPTION 'Application %: say why (the documents needed, the reason of refusal)',
            p_application.receipt_code
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_reason',
                  HINT = 'The applicant reads it on the tracking page.';
    END IF;
    INSERT INTO online.application_event (application_id, status, reason, app_user,
                                          client_addr)
    VALUES (p_application.id, p_status, nullif(btrim(p_reason), ''),
            nullif(current_setting('cadastre.app_user', true), ''), inet_client_addr());
END;
$$;
COMMENT ON FUNCTION online.record_event(online.application, text, text, text[]) IS
    'Record an officer''s action on an application (refused unless its status allows it; a '
    'request for documents or a refusal needs its reason).';

CREATE OR REPLACE FUNCTION online.accept_application(p_receipt text,
                                                    p_dossier_number text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_app     online.application;
    v_dossier bigint;
    v_parcel  bigint;
BEGIN
    v_app := online.application_for(p_receipt, 'accept');
    PERFORM online.record_event(v_app, 'accepted', NULL, '{received,documents_requested}');
    -- Services that change the register open its dossier, with the parcels named, through
    -- the register's own operations (commune right, audit 'open'): the public page then shows
    -- the dossier in progress.
    IF v_app.dossier_kind IS NOT NULL THEN
        v_dossier := cadastre.open_dossier(
            p_number => coalesce(nullif(btrim(p_dossier_number), ''), v_app.receipt_code),
            p_kind => v_app.dossier_kind, p_received_on => v_app.received_on,
            p_officer => session_user::text, p_commune_code => v_app.commune_code);
        FOR v_parcel IN SELECT ap.parcel_id FROM online.application_parcel AS ap
                        WHERE ap.application_id = v_app.id ORDER BY ap.parcel_id LOOP
            PERFORM cadastre.add_dossier_parcel(v_dossier, v_parcel);
        END LOOP;
        UPDATE online.application SET dossier_id = v_dossier WHERE id = v_app.id;
    END IF;
    RETURN v_dossier;
END;
$$;
COMMENT ON FUNCTION online.accept_application(text, text) IS
    'Accept an application (an officer of its commune): services that change the register open '
    'their dossier (number: the receipt code unless given) with its parcels; returns the '
    'dossier id (NULL for the information extract).';

CREATE OR REPLACE FUNCTION online.request_documents(p_receipt text, p_reason text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM online.record_event(online.application_for(p_receipt, 'ask documents for'),
                                'documents_requested', p_reason,
                                '{received,documents_requested}');
END;
$$;
COMMENT ON FUNCTION online.request_documents(text, text) IS
    'Ask the applicant for more documents (an officer of its commune), saying which.';

CREATE OR REPLACE FUNCTION online.refuse_application(p_receipt text, p_reason text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM online.record_event(online.application_for(p_receipt, 'refuse'), 'refused',
                                p_reason, '{received,documents_requested}');
END;
$$;
COMMENT ON FUNCTION online.refuse_application(text, text) IS
    'Refuse an application before acceptance (an officer of its commune), with the reason '
    'the applicant reads.';

CREATE OR REPLACE FUNCTION online.mark_result_ready(p_receipt text, p_note text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_app online.application;
BEGIN
    v_app := online.application_for(p_receipt, 'finish');
    IF v_app.dossier_id IS NOT NULL THEN
        RAISE EXCEPTION 'Application % has register dossier %: its result is ready when the '
            'register closes the dossier', v_app.receipt_code, v_app.dossier_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  CONSTRAINT = 'application_state',
                  HINT = 'cadastre dossier close ID, after the change is registered.';
    END IF;
    PERFORM online.record_event(v_app, 'result_ready', p_note, '{accepted}');
END;
$$;
COMMENT ON FUNCTION online.mark_result_ready(text, text) IS
    'The result of an accepted application without a register dossier (the information '
    'extract) is ready (an officer of its commune).';

CREATE OR REPLACE FUNCTION online.dossier_receipt(p_dossier_id bigint)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT a.receipt_code FROM online.application AS a WHERE a.dossier_id = p_dossier_id
$$;
COMMENT ON FUNCTION online.dossier_receipt(bigint) IS
    'The receipt code of the online application a register dossier was opened for (NULL: '
    'received at the desk); the plugin marks such dossiers.';

-- The office: services and holidays -----------------------------------------------------------

CREATE OR REPLACE FUNCTION online.set_service(p_code text, p_processing_days integer DEFAULT NULL,
                                              p_fee_note_vi text DEFAULT NULL,
                                              p_fee_note_en text DEFAULT NULL,
                                              p_legal_basis text DEFAULT NULL,
                                              p_active boolean DEFAULT NULL)
RETURNS online.service
LANGUAGE plpgsql
AS $$
DECLARE
    v_service online.service;
BEGIN
    IF NOT cadastre.is_admin() THEN
        RAISE EXCEPTION 'Role % may not change the services offered', session_user
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'service_admin',
                  HINT = 'An administrator of the register enters the office''s figures.';
    END IF;
    UPDATE online.service AS s
    SET processing_days = coalesce(p_processing_days, s.processing_days),
        fee_note_vi = coalesce(p_fee_note_vi, s.fee_note_vi),
        fee_note_en = coalesce(p_fee_note_en, s.fee_note_en),
        legal_basis = coalesce(p_legal_basis, s.legal_basis),
        active = coalesce(p_active, s.active)
    WHERE s.code = p_code
    RETURNING * INTO v_service;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No service %', quote_nullable(p_code)
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'application_service',
                  HINT = 'cadastre service list shows the codes.';
    END IF;
    RETURN v_service;
END;
$$;
COMMENT ON FUNCTION online.set_service(text, integer, text, text, text, boolean) IS
    'Enter a service''s processing time, fee note, legal basis or withdraw it (administrators; '
    'NULL arguments keep the value).';

CREATE OR REPLACE FUNCTION online.add_holiday(p_day date, p_name_vi text, p_name_en text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT cadastre.is_admin() THEN
        RAISE EXCEPTION 'Role % may not change the holiday calendar', session_user
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'service_admin',
                  HINT = 'An administrator of the register keeps the calendar.';
    END IF;
    INSERT INTO online.holiday (day, name_vi, name_en) VALUES (p_day, p_name_vi, p_name_en)
    ON CONFLICT (day) DO UPDATE SET name_vi = EXCLUDED.name_vi, name_en = EXCLUDED.name_en;
END;
$$;
COMMENT ON FUNCTION online.add_holiday(date, text, text) IS
    'Mark a day off in the office''s calendar (administrators); again on the same day renames it.';

CREATE OR REPLACE FUNCTION online.remove_holiday(p_day date)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT cadastre.is_admin() THEN
        RAISE EXCEPTION 'Role % may not change the holiday calendar', session_user
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'service_admin';
    END IF;
    DELETE FROM online.holiday WHERE day = p_day;
END;
$$;
COMMENT ON FUNCTION online.remove_holiday(date) IS
    'Make a day a working day again (administrators).';

-- Grants ----------------------------------------------------------------------------------------
-- The tables of applications are read and written only by the operations above (SECURITY
-- DEFINER, search_path pinned). The web role calls the citizen side only; officers and
-- administrators the rest, where each operation checks the caller (the office's figures:
-- administrators, refused to an officer in words). Services, the calendar and the
-- working-day arithmetic are public.
GRANT USAGE ON SCHEMA online
    TO cadastre_web, cadastre_officer, cadastre_analyst, cadastre_admin;
GRANT SELECT ON online.service, online.holiday, online.citizen_id_province
    TO cadastre_web, cadastre_officer, cadastre_analyst, cadastre_admin;
-- Object audit (pgAudit, pgaudit.role = cadastre_auditor), as for personal_data_access: any
-- UPDATE or DELETE of the record of actions and reads is written to the server's log (the
-- triggers of 100_triggers.sql refuse them anyway).
GRANT UPDATE, DELETE ON online.application_event, online.application_access TO cadastre_auditor;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA online FROM PUBLIC;
GRANT EXECUTE ON FUNCTION online.today(), online.is_working_day(date),
    online.add_working_days(date, integer), online.working_days_between(date, date)
    TO PUBLIC;
DO $$
DECLARE
    v_function regprocedure;
    v_grantees text;
BEGIN
    FOR v_function, v_grantees IN
        SELECT p.oid::regprocedure,
               CASE WHEN p.proname IN ('submit_application', 'track_application',
                                       'supplement_application')
                        THEN 'cadastre_web'
                    ELSE 'cadastre_officer, cadastre_admin' END
        FROM pg_proc AS p
        WHERE p.pronamespace = 'online'::regnamespace
          AND p.proname IN ('submit_application', 'track_application', 'application_queue',
                            'supplement_application',
                            'dossier_receipt',
                            'application_detail', 'application_document_file',
                            'accept_application', 'request_documents', 'refuse_application',
                            'mark_result_ready', 'set_service', 'add_holiday', 'remove_holiday')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER '
                       'SET search_path = public, pg_temp', v_function);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', v_function, v_grantees);
    END LOOP;
END;
$$;
