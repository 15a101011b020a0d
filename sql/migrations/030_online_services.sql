-- 030_online_services: citizens' online public services (level 3: file and track online).
-- The services an office offers are data (online.service), not code: an office adds one or
-- enters a figure the law sets with `cadastre service set`. No legal figure is invented here:
-- processing times and fees the project's domain notes do not give are left NULL, and the
-- due date of an application reads "not set" until the office enters them.
-- Applications hold citizens' personal data: the web role cannot read the tables; it calls
-- the citizen-side operations of sql/functions/087_applications.sql, and officers read
-- through logged operations (online.application_access), as cadastre.personal_data does.

CREATE SCHEMA online;
COMMENT ON SCHEMA online IS
    'Online public services: the services offered, the office''s holiday calendar, citizens'' '
    'applications with their documents and status history (sql/functions/087_applications.sql).';

CREATE TABLE online.service (
    code                text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    name_vi             text NOT NULL CHECK (name_vi <> ''),
    name_en             text NOT NULL CHECK (name_en <> ''),
    dossier_kinds       text[] NOT NULL DEFAULT '{}',
    required_documents  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(required_documents) = 'array'),
    fee_note_vi         text,
    fee_note_en         text,
    processing_days     integer CHECK (processing_days BETWEEN 1 AND 365),
    legal_basis         text,
    max_parcels         integer NOT NULL DEFAULT 1 CHECK (max_parcels BETWEEN 1 AND 50),
    active              boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE online.service IS
    'The public services citizens apply for online; an office adds or changes them as data.';
COMMENT ON COLUMN online.service.code IS 'Short code of the service (lower case, e.g. transfer).';
COMMENT ON COLUMN online.service.name_vi IS 'Name in Vietnamese, as citizens read it.';
COMMENT ON COLUMN online.service.name_en IS 'Name in English.';
COMMENT ON COLUMN online.service.dossier_kinds IS
    'Kinds of register dossier (cadastre.dossier_kind) an accepted application opens; the '
    'applicant chooses one when there are several (sale, gift, inheritance). Empty: the '
    'service opens no register dossier (the information extract).';
COMMENT ON COLUMN online.service.required_documents IS
    'Documents to attach: [{"vi": "…", "en": "…"}, …] in the order the form lists them.';
COMMENT ON COLUMN online.service.fee_note_vi IS
    'Fee or charge, as the office words it (Vietnamese); NULL: the office has not entered it.';
COMMENT ON COLUMN online.service.fee_note_en IS 'Fee or charge note in English.';
COMMENT ON COLUMN online.service.processing_days IS
    'Legal processing time in working days (weekends and online.holiday excluded); NULL until '
    'the office enters the figure the law or the province sets.';
COMMENT ON COLUMN online.service.legal_basis IS
    'The legal text the processing time and documents come from, as the office cites it.';
COMMENT ON COLUMN online.service.max_parcels IS 'At most this many parcels in one application.';
COMMENT ON COLUMN online.service.active IS 'False: no longer offered (past applications stay).';

INSERT INTO online.service (code, name_vi, name_en, dossier_kinds, required_documents,
                            max_parcels)
VALUES
    ('transfer', 'Đăng ký biến động do chuyển nhượng, tặng cho, thừa kế quyền sử dụng đất',
     'Registration of a change after a sale, gift or inheritance',
     '{sale,gift,inheritance}',
     '[{"vi": "Đơn đăng ký biến động đất đai", "en": "Application for registration of the change"},
       {"vi": "Hợp đồng, văn bản chuyển nhượng, tặng cho hoặc văn bản thừa kế",
        "en": "Contract or deed of sale or gift, or the inheritance document"},
       {"vi": "Giấy chứng nhận đã cấp (nộp bản gốc khi nhận kết quả)",
        "en": "The certificate issued (originals presented when collecting the result)"}]',
     5),
    ('certificate_reissue', 'Cấp lại Giấy chứng nhận do bị mất hoặc hư hỏng',
     'Re-issue of a certificate that was lost or damaged',
     '{certificate_reissue}',
     '[{"vi": "Đơn đề nghị cấp lại Giấy chứng nhận", "en": "Application for a re-issued certificate"},
       {"vi": "Giấy xác nhận việc mất hoặc Giấy chứng nhận bị hư hỏng",
        "en": "Confirmation of the loss, or the damaged certificate"}]',
     5),
    ('correction', 'Đính chính thông tin trong hồ sơ địa chính',
     'Correction of register information',
     '{correction}',
     '[{"vi": "Đơn đề nghị đính chính", "en": "Application for the correction"},
       {"vi": "Giấy tờ chứng minh thông tin đúng", "en": "Documents proving the correct information"}]',
     5),
    ('extract', 'Cung cấp thông tin, trích lục thửa đất, bản đồ địa chính',
     'Cadastral information extract (parcel and map extract)',
     '{}',
     '[{"vi": "Phiếu yêu cầu cung cấp thông tin, dữ liệu đất đai",
        "en": "Request form for land information"}]',
     1);

CREATE TABLE online.holiday (
    day      date PRIMARY KEY,
    name_vi  text NOT NULL CHECK (name_vi <> ''),
    name_en  text
);
COMMENT ON TABLE online.holiday IS
    'Public holidays and compensatory days off the office keeps (not working days); entered '
    'by the office each year (`cadastre service holiday add`). Weekends are never working days.';
COMMENT ON COLUMN online.holiday.day IS 'The day off.';
COMMENT ON COLUMN online.holiday.name_vi IS 'What the day is, in Vietnamese (Tết, Quốc khánh…).';
COMMENT ON COLUMN online.holiday.name_en IS 'What the day is, in English.';

-- Province codes of the 12-digit citizen ID (CCCD): its first three digits are "0" and the
-- code of the province of birth registration, from the list of provincial units in force
-- before the 2025 merger (IDs issued stay valid).
CREATE TABLE online.citizen_id_province (
    code  text PRIMARY KEY CHECK (code ~ '^0[0-9]{2}$'),
    name  text NOT NULL
);
COMMENT ON TABLE online.citizen_id_province IS
    'The province codes a 12-digit citizen ID (CCCD) may start with (the 63 provincial units '
    'before 2025).';
COMMENT ON COLUMN online.citizen_id_province.code IS 'First three digits of the ID.';
COMMENT ON COLUMN online.citizen_id_province.name IS 'The province (Vietnamese).';
INSERT INTO online.citizen_id_province VALUES
    ('001', 'Hà Nội'), ('002', 'Hà Giang'), ('004', 'Cao Bằng'), ('006', 'Bắc Kạn'),
    ('008', 'Tuyên Quang'), ('010', 'Lào Cai'), ('011', 'Điện Biên'), ('012', 'Lai Châu'),
    ('014', 'Sơn La'), ('015', 'Yên Bái'), ('017', 'Hòa Bình'), ('019', 'Thái Nguyên'),
    ('020', 'Lạng Sơn'), ('022', 'Quảng Ninh'), ('024', 'Bắc Giang'), ('025', 'Phú Thọ'),
    ('026', 'Vĩnh Phúc'), ('027', 'Bắc Ninh'), ('030', 'Hải Dương'), ('031', 'Hải Phòng'),
    ('033', 'Hưng Yên'), ('034', 'Thái Bình'), ('035', 'Hà Nam'), ('036', 'Nam Định'),
    ('037', 'Ninh Bình'), ('038', 'Thanh Hóa'), ('040', 'Nghệ An'), ('042', 'Hà Tĩnh'),
    ('044', 'Quảng Bình'), ('045', 'Quảng Trị'), ('046', 'Thừa Thiên Huế'), ('048', 'Đà Nẵng'),
    ('049', 'Quảng Nam'), ('051', 'Quảng Ngãi'), ('052', 'Bình Định'), ('054', 'Phú Yên'),
    ('056', 'Khánh Hòa'), ('058', 'Ninh Thuận'), ('060', 'Bình Thuận'), ('062', 'Kon Tum'),
    ('064', 'Gia Lai'), ('066', 'Đắk Lắk'), ('067', 'Đắk Nông'), ('068', 'Lâm Đồng'),
    ('070', 'Bình Phước'), ('072', 'Tây Ninh'), ('074', 'Bình Dương'), ('075', 'Đồng Nai'),
    ('077', 'Bà Rịa - Vũng Tàu'), ('079', 'Hồ Chí Minh'), ('080', 'Long An'),
    ('082', 'Tiền Giang'), ('083', 'Bến Tre'), ('084', 'Trà Vinh'), ('086', 'Vĩnh Long'),
    ('087', 'Đồng Tháp'), ('089', 'An Giang'), ('091', 'Kiên Giang'), ('092', 'Cần Thơ'),
    ('093', 'Hậu Giang'), ('094', 'Sóc Trăng'), ('095', 'Bạc Liêu'), ('096', 'Cà Mau');

CREATE TABLE online.application (
    id               bigserial PRIMARY KEY,
    receipt_code     text NOT NULL UNIQUE,
    secret_hash      bytea NOT NULL,
    service_code     text NOT NULL REFERENCES online.service (code),
    dossier_kind     text REFERENCES cadastre.dossier_kind (code),
    commune_code     text NOT NULL REFERENCES cadastre.admin_unit (code),
    received_on      date NOT NULL,
    processing_days  integer,
    applicant_name   text NOT NULL CHECK (length(applicant_name) BETWEEN 2 AND 120),
    id_number        text NOT NULL CHECK (id_number ~ '^[0-9]{12}$'),
    phone            text NOT NULL CHECK (phone ~ '^\+?[0-9]{9,12}$'),
    email            text CHECK (length(email) <= 254),
    relation         text NOT NULL CHECK (relation IN ('holder', 'buyer', 'heir', 'donee',
                                                       'representative', 'other')),
    note             text CHECK (length(note) <= 2000),
    dossier_id       bigint UNIQUE REFERENCES cadastre.dossier (id),
    submitted_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    client_addr      inet
);
COMMENT ON TABLE online.application IS
    'Applications citizens filed online (personal data: read only through the logged '
    'operations of 087_applications.sql).';
COMMENT ON COLUMN online.application.id IS 'Internal id (never shown to the applicant).';
COMMENT ON COLUMN online.application.receipt_code IS
    'The receipt code the citizen gets (giấy tiếp nhận): commune, date and a random part.';
COMMENT ON COLUMN online.application.secret_hash IS
    'SHA-256 of the tracking secret given once to the citizen (the secret itself is not kept).';
COMMENT ON COLUMN online.application.service_code IS 'The service applied for.';
COMMENT ON COLUMN online.application.dossier_kind IS
    'The kind of register dossier the application asks for (sale, gift, inheritance…).';
COMMENT ON COLUMN online.application.commune_code IS
    'Commune of the parcels: its officers handle the application.';
COMMENT ON COLUMN online.application.received_on IS
    'Day of receipt (Vietnam time), from which the processing time runs.';
COMMENT ON COLUMN online.application.processing_days IS
    'The service''s processing time when filed (NULL: the office had not entered it; the '
    'service''s current figure is then used).';
COMMENT ON COLUMN online.application.applicant_name IS 'Applicant''s full name as declared.';
COMMENT ON COLUMN online.application.id_number IS 'Applicant''s 12-digit citizen ID (CCCD).';
COMMENT ON COLUMN online.application.phone IS 'Applicant''s phone number.';
COMMENT ON COLUMN online.application.email IS 'Applicant''s e-mail address (optional).';
COMMENT ON COLUMN online.application.relation IS
    'The applicant''s relation to the parcel: holder, buyer, heir, donee, representative, other.';
COMMENT ON COLUMN online.application.note IS 'What the applicant wrote to the office.';
COMMENT ON COLUMN online.application.dossier_id IS
    'The register dossier opened when an officer accepted the application.';
COMMENT ON COLUMN online.application.submitted_at IS 'When the application was filed.';
COMMENT ON COLUMN online.application.client_addr IS
    'The address the web view reports the application came from.';

CREATE TABLE online.application_parcel (
    application_id  bigint NOT NULL REFERENCES online.application (id),
    parcel_id       bigint NOT NULL REFERENCES cadastre.parcel (id),
    PRIMARY KEY (application_id, parcel_id)
);
COMMENT ON TABLE online.application_parcel IS 'The parcels an application concerns.';
COMMENT ON COLUMN online.application_parcel.application_id IS 'The application.';
COMMENT ON COLUMN online.application_parcel.parcel_id IS 'A parcel (current when filed).';

CREATE TABLE online.application_document (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES online.application (id),
    position        integer NOT NULL CHECK (position >= 1),
    media_type      text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg',
                                                        'image/png')),
    size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
    sha256          bytea NOT NULL CHECK (length(sha256) = 32),
    stored_as       text NOT NULL UNIQUE CHECK (stored_as ~ '^[0-9]{4}/[0-9a-f]{32}\.(pdf|jpg|png)$'),
    uploaded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (application_id, position)
);
COMMENT ON TABLE online.application_document IS
    'Documents attached to an application: stored by the web view under CADASTRE_HOME (never '
    'in its static tree, never served to the public), checked by content.';
COMMENT ON COLUMN online.application_document.id IS 'Internal id.';
COMMENT ON COLUMN online.application_document.application_id IS 'The application.';
COMMENT ON COLUMN online.application_document.position IS 'Order in which it was attached.';
COMMENT ON COLUMN online.application_document.media_type IS
    'Type found from the file''s content (magic bytes), not from its name.';
COMMENT ON COLUMN online.application_document.size_bytes IS 'Size in bytes.';
COMMENT ON COLUMN online.application_document.sha256 IS 'SHA-256 of the content as received.';
COMMENT ON COLUMN online.application_document.stored_as IS
    'Path under the upload folder (year/random name; the citizen''s file name is not kept).';
COMMENT ON COLUMN online.application_document.uploaded_at IS 'When it was received.';

CREATE TABLE online.application_event (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES online.application (id),
    status          text NOT NULL CHECK (status IN ('received', 'accepted', 'documents_requested',
                                                    'refused', 'result_ready')),
    reason          text CHECK (length(reason) <= 2000),
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    db_role         text NOT NULL DEFAULT session_user,
    app_user        text,
    client_addr     inet
);
COMMENT ON TABLE online.application_event IS
    'Status history of an application and the audit of every action on it (append-only: no '
    'role may update or delete; register dossiers it opens are in cadastre.audit_transaction).';
COMMENT ON COLUMN online.application_event.id IS 'Order of the events.';
COMMENT ON COLUMN online.application_event.application_id IS 'The application.';
COMMENT ON COLUMN online.application_event.status IS
    'received, accepted, documents_requested, refused, result_ready (the dossier''s decision '
    'and closing are read from cadastre.dossier).';
COMMENT ON COLUMN online.application_event.reason IS
    'Shown to the applicant: the documents asked for, the reason of a refusal.';
COMMENT ON COLUMN online.application_event.recorded_at IS 'When it happened.';
COMMENT ON COLUMN online.application_event.db_role IS 'The database role that acted.';
COMMENT ON COLUMN online.application_event.app_user IS
    'The person the client says is working (setting cadastre.app_user).';
COMMENT ON COLUMN online.application_event.client_addr IS 'The client''s address.';
CREATE INDEX application_event_application ON online.application_event (application_id, id);

CREATE TABLE online.application_access (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES online.application (id),
    db_role         text NOT NULL DEFAULT session_user,
    app_user        text,
    accessed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    purpose         text NOT NULL
);
COMMENT ON TABLE online.application_access IS
    'Every read of an application''s personal data by an officer (like '
    'cadastre.personal_data_access).';
COMMENT ON COLUMN online.application_access.id IS 'Internal id.';
COMMENT ON COLUMN online.application_access.application_id IS 'The application read.';
COMMENT ON COLUMN online.application_access.db_role IS 'The database role that read it.';
COMMENT ON COLUMN online.application_access.app_user IS 'The person the client names.';
COMMENT ON COLUMN online.application_access.accessed_at IS 'When.';
COMMENT ON COLUMN online.application_access.purpose IS
    'What for: queue (the list), detail (one application), document (a file opened).';

REVOKE ALL ON ALL TABLES IN SCHEMA online FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA online FROM PUBLIC;
