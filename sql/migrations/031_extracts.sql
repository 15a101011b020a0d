-- 031_extracts: the cadastral information extracts (trích lục thửa đất / bản đồ địa chính) the
-- register issued, so that anyone holding one can have it confirmed on the public verification
-- page by its code. Written only by cadastre.issue_extract (sql/functions/089_extract.sql,
-- SECURITY DEFINER); no application role writes these tables (099_roles revokes every table
-- privilege, the web role never had one).
--   extract           one row per extract issued: the code printed on it (and in its QR code),
--                     the content it certifies (public facts only) and that content's SHA-256
--   extract_setting   the base of the verification URL printed on every extract (one row)

CREATE TABLE cadastre.extract_setting (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    verify_url  text NOT NULL CHECK (verify_url ~ '^https?://[^\s"''<>]+/$')
);
COMMENT ON TABLE cadastre.extract_setting IS
    'Settings of the extracts (one row): where their verification page is published.';
COMMENT ON COLUMN cadastre.extract_setting.singleton IS 'Always true: the table has one row.';
COMMENT ON COLUMN cadastre.extract_setting.verify_url IS
    'Base of the public verification URL, ending with a slash: the code is appended '
    '(http://127.0.0.1:8000/xac-minh/ until the office sets its own with '
    'cadastre.set_extract_url).';
INSERT INTO cadastre.extract_setting (verify_url) VALUES ('http://127.0.0.1:8000/xac-minh/');

CREATE TABLE cadastre.extract (
    code            text PRIMARY KEY CHECK (code ~ '^[0-9A-F]{4}(-[0-9A-F]{4}){3}$'),
    parcel_id       bigint NOT NULL REFERENCES cadastre.parcel (id),
    parcel_version  integer NOT NULL,
    register_date   date NOT NULL,
    content         jsonb NOT NULL,
    content_sha256  text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    layout          text NOT NULL CHECK (layout ~ '^[0-9A-Za-z.-]{1,32}$'),
    verify_url      text NOT NULL,
    issued_at       timestamptz NOT NULL,
    issued_by       text NOT NULL,
    issued_for      text NOT NULL CHECK (issued_for <> '' AND length(issued_for) <= 200)
);
COMMENT ON TABLE cadastre.extract IS
    'Extracts issued (trích lục): what each certifies, so the public verification page can '
    'confirm a copy by its code and content hash. Written by cadastre.issue_extract only.';
COMMENT ON COLUMN cadastre.extract.code IS
    'Verification code printed on the extract and in its QR code: 64 random bits, in hex.';
COMMENT ON COLUMN cadastre.extract.parcel_id IS 'The parcel the extract is of.';
COMMENT ON COLUMN cadastre.extract.parcel_version IS 'The parcel''s version it reflects.';
COMMENT ON COLUMN cadastre.extract.register_date IS
    'The register date it reflects (Vietnam''s date when it was composed).';
COMMENT ON COLUMN cadastre.extract.content IS
    'What the extract certifies (cadastre.extract_content): public facts only, no holder.';
COMMENT ON COLUMN cadastre.extract.content_sha256 IS
    'SHA-256 (hex) of the content as PostgreSQL writes the jsonb (content::text, UTF-8): '
    'printed on the extract and confirmed by the verification page.';
COMMENT ON COLUMN cadastre.extract.layout IS
    'Version of the PDF layout that drew it (cadastre.extract.layout.LAYOUT_VERSION): the '
    'verification page redraws the same file to check an uploaded copy.';
COMMENT ON COLUMN cadastre.extract.verify_url IS
    'The verification URL printed on it (extract_setting.verify_url and the code).';
COMMENT ON COLUMN cadastre.extract.issued_at IS 'When it was issued (register clock).';
COMMENT ON COLUMN cadastre.extract.issued_by IS
    'Database role that issued it (session_user): an officer, or cadastre_web for the public.';
COMMENT ON COLUMN cadastre.extract.issued_for IS
    'Whom it was issued for: an applicant, an application receipt, or ''public'' (the web '
    'view''s free download). Never shown on the verification page.';
CREATE INDEX extract_parcel_idx ON cadastre.extract (parcel_id);
-- The web view's free download reuses the day's extract of the same content.
CREATE INDEX extract_content_idx ON cadastre.extract (content_sha256, layout, issued_by);
