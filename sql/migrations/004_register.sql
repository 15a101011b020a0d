-- 004_register: the land register itself, modelled after ISO 19152 LADM.
--   dossier            LA_AdministrativeSource + the registration transaction (hồ sơ)
--   parcel             LA_SpatialUnit (thửa đất) with its BAUnit attributes
--   party              LA_Party / LA_GroupParty; personal data apart in party_personal
--   rrr, rrr_share     LA_RRR (rights, restrictions, responsibilities) and LA_PartyMember shares
--   certificate        the land-use right certificate (GCN)
--   parcel_lineage     which parcels a split, merge or re-survey made from which
-- Versioned tables keep their system period (sys_period: when the register knew the row) and
-- an identical <table>_history that receives every closed version. Rights also carry a legal
-- validity (valid: when the right took effect and ended in law), so the register is bitemporal.
-- Functions and triggers that enforce the rules are in sql/functions/.

-- Settings of this register (one row): its province and CRS, chosen when it is created.
CREATE TABLE cadastre.register_setting (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    province_code  text NOT NULL REFERENCES cadastre.province_crs (province_code),
    srid           integer NOT NULL REFERENCES public.spatial_ref_sys (srid),
    created_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cadastre.register_setting IS
    'The register''s province and the CRS every parcel geometry is stored in (one row).';

CREATE TABLE cadastre.tolerance (
    name         text PRIMARY KEY,
    value        numeric NOT NULL CHECK (value >= 0),
    unit         text NOT NULL,
    description  text NOT NULL
);
COMMENT ON TABLE cadastre.tolerance IS
    'Tolerances used by the rules (settings, not constants in code).';
INSERT INTO cadastre.tolerance VALUES
    ('overlap_area', 0.01, 'm²', 'An overlap between two parcels smaller than this is ignored.'),
    ('overlap_width', 0.01, 'm',
     'An overlap thinner than this (area / half its perimeter) is ignored: a long shared edge '
     'digitised twice produces a sliver of large total area but no real width.'),
    ('partition_area', 0.05, 'm²',
     'Split children may differ from their parent (gaps or excess) by at most this area.'),
    ('merge_gap', 0.001, 'm', 'Parcels closer than this count as adjacent for a merge.'),
    ('land_use_area', 0.1, 'm²',
     'Land-use areas must sum to the legal area within this (areas are recorded to 0.1 m²).'),
    ('lock_cell', 500, 'm',
     'Grid cell size of the spatial locks that serialise concurrent edits of neighbours.');

-- Reference lists with Vietnamese and English names.
CREATE TABLE cadastre.dossier_kind (
    code     text PRIMARY KEY,
    name_vi  text NOT NULL,
    name_en  text NOT NULL
);
COMMENT ON TABLE cadastre.dossier_kind IS 'Kinds of registration (đăng ký biến động).';
INSERT INTO cadastre.dossier_kind VALUES
    ('first_registration', 'Đăng ký lần đầu', 'First registration'),
    ('sale', 'Chuyển nhượng', 'Transfer by sale'),
    ('gift', 'Tặng cho', 'Transfer by gift'),
    ('inheritance', 'Thừa kế', 'Transfer by inheritance'),
    ('capital_contribution', 'Góp vốn', 'Capital contribution'),
    ('mortgage', 'Đăng ký thế chấp', 'Mortgage registration'),
    ('mortgage_release', 'Xóa đăng ký thế chấp', 'Mortgage release'),
    ('restriction', 'Đăng ký hạn chế quyền', 'Restriction (seizure, dispute, planning)'),
    ('restriction_release', 'Xóa hạn chế quyền', 'End of a restriction'),
    ('split', 'Tách thửa', 'Parcel split'),
    ('merge', 'Hợp thửa', 'Parcel merge'),
    ('land_use_change', 'Chuyển mục đích sử dụng đất', 'Change of land-use purpose'),
    ('resurvey', 'Đo đạc lại, chỉnh lý ranh giới', 'Boundary re-survey or correction'),
    ('correction', 'Đính chính sai sót', 'Correction of an error'),
    ('acquisition', 'Thu hồi đất', 'State acquisition'),
    ('certificate_reissue', 'Cấp đổi, cấp lại Giấy chứng nhận', 'Certificate reissue'),
    ('commune_reassignment', 'Điều chỉnh địa giới hành chính', 'Commune reassignment');

CREATE TABLE cadastre.land_use_form (
    code     text PRIMARY KEY,
    name_vi  text NOT NULL,
    name_en  text NOT NULL
);
COMMENT ON TABLE cadastre.land_use_form IS 'Forms of land use (hình thức sử dụng đất).';
INSERT INTO cadastre.land_use_form VALUES
    ('allocated_levy', 'Nhà nước giao đất có thu tiền sử dụng đất', 'Allocated with levy'),
    ('allocated_no_levy', 'Nhà nước giao đất không thu tiền sử dụng đất', 'Allocated without levy'),
    ('leased_annual', 'Nhà nước cho thuê đất trả tiền hàng năm', 'Leased, annual payment'),
    ('leased_once', 'Nhà nước cho thuê đất trả tiền một lần', 'Leased, one-off payment'),
    ('recognised', 'Công nhận quyền sử dụng đất', 'Recognised right'),
    ('state_managed', 'Nhà nước quản lý', 'Managed by the State');

CREATE TABLE cadastre.rrr_kind (
    code       text PRIMARY KEY,
    class      text NOT NULL CHECK (class IN ('right', 'restriction', 'responsibility')),
    exclusive  boolean NOT NULL,
    name_vi    text NOT NULL,
    name_en    text NOT NULL
);
COMMENT ON TABLE cadastre.rrr_kind IS
    'Kinds of rights, restrictions and responsibilities. An exclusive kind has at most one '
    'valid instance per parcel at any legal date.';
INSERT INTO cadastre.rrr_kind VALUES
    ('land_use_right', 'right', true, 'Quyền sử dụng đất', 'Land-use right'),
    ('house_ownership', 'right', true, 'Quyền sở hữu nhà ở, tài sản gắn liền với đất',
     'Ownership of the house and assets on the land'),
    ('mortgage', 'restriction', false, 'Thế chấp', 'Mortgage'),
    ('seizure', 'restriction', false, 'Kê biên, phong tỏa', 'Seizure'),
    ('dispute', 'restriction', false, 'Tranh chấp', 'Dispute'),
    ('planning_reservation', 'restriction', false, 'Quy hoạch, kế hoạch thu hồi',
     'Planning reservation or planned acquisition'),
    ('corridor', 'restriction', false, 'Hành lang bảo vệ công trình', 'Protection corridor'),
    ('maintenance', 'responsibility', false, 'Trách nhiệm duy trì, bảo vệ',
     'Maintenance responsibility');

-- Registration transactions. The register changes only inside an approved dossier.
CREATE TABLE cadastre.dossier (
    id            bigserial PRIMARY KEY,
    number        text NOT NULL UNIQUE CHECK (number <> ''),
    kind          text NOT NULL REFERENCES cadastre.dossier_kind (code),
    received_on   date NOT NULL,
    decided_on    date,
    status        text NOT NULL DEFAULT 'received'
                  CHECK (status IN ('received', 'approved', 'rejected')),
    officer       text NOT NULL CHECK (officer <> ''),
    legal_basis   text,
    commune_code  text REFERENCES cadastre.admin_unit (code),
    note          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'received') = (decided_on IS NULL)),
    CHECK (decided_on IS NULL OR decided_on >= received_on)
);
COMMENT ON TABLE cadastre.dossier IS
    'Registration dossiers (hồ sơ đăng ký): every change to parcels, rights and certificates is '
    'made inside one approved dossier and stamped with it.';
COMMENT ON COLUMN cadastre.dossier.number IS 'Dossier number as the office writes it.';
COMMENT ON COLUMN cadastre.dossier.received_on IS 'Date the office received the application.';
COMMENT ON COLUMN cadastre.dossier.decided_on IS 'Date of approval or rejection.';
COMMENT ON COLUMN cadastre.dossier.status IS 'received → approved or rejected.';
COMMENT ON COLUMN cadastre.dossier.officer IS 'Officer in charge (name or account).';
COMMENT ON COLUMN cadastre.dossier.legal_basis IS 'Decision, contract or judgment the change rests on.';

CREATE TABLE cadastre.source_document (
    id           bigserial PRIMARY KEY,
    dossier_id   bigint NOT NULL REFERENCES cadastre.dossier (id),
    kind         text NOT NULL CHECK (kind IN ('decision', 'contract', 'judgment', 'survey',
                                                'certificate', 'application', 'other')),
    reference    text NOT NULL,
    issued_on    date,
    issuer       text,
    description  text
);
COMMENT ON TABLE cadastre.source_document IS
    'Legal and survey documents behind a dossier (LA_AdministrativeSource).';
CREATE INDEX source_document_dossier_idx ON cadastre.source_document (dossier_id);

-- Parties. Personal data lives in party_personal so it can be protected on its own.
CREATE TABLE cadastre.party (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL
                CHECK (kind IN ('individual', 'household', 'couple', 'organisation', 'state')),
    name        text NOT NULL CHECK (name <> ''),
    org_code    text,
    dossier_id  bigint REFERENCES cadastre.dossier (id),
    sys_period  tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    sys_txid    bigint NOT NULL DEFAULT txid_current()
);
COMMENT ON TABLE cadastre.party IS
    'Parties (LA_Party): individuals, households, married couples, organisations, the State.';
COMMENT ON COLUMN cadastre.party.org_code IS 'Enterprise or budget-unit code of an organisation.';
COMMENT ON COLUMN cadastre.party.sys_period IS 'When the register held this version.';

CREATE TABLE cadastre.party_member (
    group_id   bigint NOT NULL REFERENCES cadastre.party (id),
    member_id  bigint NOT NULL REFERENCES cadastre.party (id),
    role       text NOT NULL CHECK (role IN ('head', 'member', 'spouse')),
    PRIMARY KEY (group_id, member_id),
    CHECK (group_id <> member_id)
);
COMMENT ON TABLE cadastre.party_member IS 'Members of a household or married couple.';

CREATE TABLE cadastre.party_personal (
    party_id    bigint PRIMARY KEY REFERENCES cadastre.party (id),
    id_number   text CHECK (id_number ~ '^([0-9]{12}|[0-9]{9})$'),
    birth_date  date,
    gender      text CHECK (gender IN ('male', 'female')),
    address     text
);
COMMENT ON TABLE cadastre.party_personal IS
    'Personal data of individuals (Decree 13/2023): never shown to the public.';
COMMENT ON COLUMN cadastre.party_personal.id_number IS 'CCCD (12 digits) or old CMND (9 digits).';

-- Parcels: the live table holds the current version of every parcel ever registered
-- (status current or retired); closed versions move to parcel_history.
CREATE TABLE cadastre.parcel (
    id               bigserial PRIMARY KEY,
    commune_code     text NOT NULL REFERENCES cadastre.admin_unit (code),
    sheet_number     text NOT NULL CHECK (sheet_number ~ '^[0-9A-Za-z.-]{1,16}$'),
    parcel_number    integer NOT NULL CHECK (parcel_number > 0),
    geom             geometry NOT NULL
                     CONSTRAINT enforce_geotype_geom CHECK (GeometryType(geom) = 'MULTIPOLYGON'),
    legal_area       numeric(14, 1) NOT NULL CHECK (legal_area > 0),
    land_uses        jsonb NOT NULL,
    address          text,
    old_identifiers  jsonb NOT NULL DEFAULT '[]'::jsonb,
    status           text NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'retired')),
    version          integer NOT NULL DEFAULT 1,
    dossier_id       bigint NOT NULL REFERENCES cadastre.dossier (id),
    sys_period       tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    sys_txid         bigint NOT NULL DEFAULT txid_current()
);
COMMENT ON TABLE cadastre.parcel IS
    'Parcels (thửa đất, LA_SpatialUnit): the latest version of every parcel ever registered. '
    'Retired parcels stay; earlier versions are in parcel_history.';
COMMENT ON COLUMN cadastre.parcel.commune_code IS 'Commune part of the identity.';
COMMENT ON COLUMN cadastre.parcel.sheet_number IS 'Map sheet part of the identity (số tờ).';
COMMENT ON COLUMN cadastre.parcel.parcel_number IS 'Parcel number on the sheet (số thửa).';
COMMENT ON COLUMN cadastre.parcel.geom IS 'Boundary in the register''s VN-2000 TM-3 CRS.';
COMMENT ON COLUMN cadastre.parcel.legal_area IS 'Registered (legal) area in m².';
COMMENT ON COLUMN cadastre.parcel.land_uses IS
    'Land-use purposes: [{"code": "ODT", "area": 60.0, "form": "recognised", "term_end": null}]; '
    'areas sum to legal_area; term_end null means long-term (lâu dài).';
COMMENT ON COLUMN cadastre.parcel.old_identifiers IS
    'Earlier identities: [{"commune_code", "sheet_number", "parcel_number", "until"}].';
COMMENT ON COLUMN cadastre.parcel.status IS 'current, or retired by a split, merge or acquisition.';
COMMENT ON COLUMN cadastre.parcel.version IS 'Increases with every change; edits name the version they saw.';
COMMENT ON COLUMN cadastre.parcel.dossier_id IS 'The dossier that made this version.';
COMMENT ON COLUMN cadastre.parcel.sys_period IS 'When the register held this version.';
COMMENT ON COLUMN cadastre.parcel.sys_txid IS
    'Transaction that wrote this version (tells a second change in the same transaction apart '
    'from a new version at the same clock instant).';

CREATE UNIQUE INDEX parcel_current_identity_idx
    ON cadastre.parcel (commune_code, sheet_number, parcel_number) WHERE status = 'current';
CREATE INDEX parcel_current_geom_idx ON cadastre.parcel USING gist (geom)
    WHERE status = 'current';
CREATE INDEX parcel_identity_idx ON cadastre.parcel (commune_code, sheet_number, parcel_number);
CREATE INDEX parcel_dossier_idx ON cadastre.parcel (dossier_id);

CREATE TABLE cadastre.parcel_lineage (
    parent_id   bigint NOT NULL REFERENCES cadastre.parcel (id),
    child_id    bigint NOT NULL REFERENCES cadastre.parcel (id),
    kind        text NOT NULL CHECK (kind IN ('split', 'merge', 'resurvey')),
    dossier_id  bigint NOT NULL REFERENCES cadastre.dossier (id),
    PRIMARY KEY (parent_id, child_id),
    CHECK (parent_id <> child_id)
);
COMMENT ON TABLE cadastre.parcel_lineage IS
    'Genealogy: each row says a parcel was made (in part) from another by a dossier.';
CREATE INDEX parcel_lineage_child_idx ON cadastre.parcel_lineage (child_id);

-- Rights, restrictions and responsibilities.
CREATE TABLE cadastre.rrr (
    id                 bigserial PRIMARY KEY,
    kind               text NOT NULL REFERENCES cadastre.rrr_kind (code),
    exclusive          boolean NOT NULL DEFAULT false,
    parcel_id          bigint NOT NULL REFERENCES cadastre.parcel (id),
    valid              daterange NOT NULL CHECK (NOT isempty(valid) AND lower(valid) IS NOT NULL),
    creditor_id        bigint REFERENCES cadastre.party (id),
    amount             numeric(18, 0) CHECK (amount > 0),
    note               text,
    dossier_id         bigint NOT NULL REFERENCES cadastre.dossier (id),
    ended_by_dossier   bigint REFERENCES cadastre.dossier (id),
    sys_period         tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    sys_txid           bigint NOT NULL DEFAULT txid_current(),
    EXCLUDE USING gist (parcel_id WITH =, kind WITH =, valid WITH &&) WHERE (exclusive)
);
COMMENT ON TABLE cadastre.rrr IS
    'Rights, restrictions and responsibilities on a parcel (LA_RRR), bitemporal: valid is the '
    'legal period, sys_period when the register recorded it.';
COMMENT ON COLUMN cadastre.rrr.exclusive IS 'Copied from rrr_kind: at most one valid at a time.';
COMMENT ON COLUMN cadastre.rrr.valid IS 'Legal validity: from the date it took effect to its end.';
COMMENT ON COLUMN cadastre.rrr.creditor_id IS 'Creditor of a mortgage; claimant of a restriction.';
COMMENT ON COLUMN cadastre.rrr.amount IS 'Secured amount of a mortgage, VND.';
COMMENT ON COLUMN cadastre.rrr.dossier_id IS 'The dossier that made this version.';
COMMENT ON COLUMN cadastre.rrr.ended_by_dossier IS 'The dossier that ended it (transfer, release…).';
CREATE INDEX rrr_parcel_idx ON cadastre.rrr (parcel_id);

CREATE TABLE cadastre.rrr_share (
    rrr_id       bigint NOT NULL REFERENCES cadastre.rrr (id),
    party_id     bigint NOT NULL REFERENCES cadastre.party (id),
    numerator    integer NOT NULL CHECK (numerator > 0),
    denominator  integer NOT NULL CHECK (denominator > 0 AND numerator <= denominator),
    sys_period   tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    sys_txid     bigint NOT NULL DEFAULT txid_current(),
    PRIMARY KEY (rrr_id, party_id)
);
COMMENT ON TABLE cadastre.rrr_share IS
    'Holders of a right and their shares (exact fractions summing to 1 per right).';
CREATE INDEX rrr_share_party_idx ON cadastre.rrr_share (party_id);

-- Certificates (Giấy chứng nhận quyền sử dụng đất).
CREATE TABLE cadastre.certificate (
    id            bigserial PRIMARY KEY,
    serial        text NOT NULL UNIQUE CHECK (serial ~ '^[A-Z]{2}[0-9]{6}$'),
    book_number   text NOT NULL,
    issued_on     date NOT NULL,
    cancelled_on  date CHECK (cancelled_on IS NULL OR cancelled_on >= issued_on),
    replaced_by   bigint REFERENCES cadastre.certificate (id),
    dossier_id    bigint NOT NULL REFERENCES cadastre.dossier (id),
    sys_period    tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    sys_txid      bigint NOT NULL DEFAULT txid_current()
);
COMMENT ON TABLE cadastre.certificate IS
    'Land-use right certificates (GCN, the red/pink book): serial, book entry, issue, cancellation.';
COMMENT ON COLUMN cadastre.certificate.serial IS 'Serial: two capital letters and six digits.';
COMMENT ON COLUMN cadastre.certificate.book_number IS 'Entry number in the certificate book.';

CREATE TABLE cadastre.certificate_parcel (
    certificate_id  bigint NOT NULL REFERENCES cadastre.certificate (id),
    parcel_id       bigint NOT NULL REFERENCES cadastre.parcel (id),
    PRIMARY KEY (certificate_id, parcel_id)
);
COMMENT ON TABLE cadastre.certificate_parcel IS 'Parcels a certificate covers.';
CREATE INDEX certificate_parcel_parcel_idx ON cadastre.certificate_parcel (parcel_id);

CREATE TABLE cadastre.certificate_holder (
    certificate_id  bigint NOT NULL REFERENCES cadastre.certificate (id),
    party_id        bigint NOT NULL REFERENCES cadastre.party (id),
    PRIMARY KEY (certificate_id, party_id)
);
COMMENT ON TABLE cadastre.certificate_holder IS 'Holders named on a certificate.';

-- History tables: same columns, closed versions only, never changed.
CREATE TABLE cadastre.parcel_history (LIKE cadastre.parcel);
CREATE TABLE cadastre.party_history (LIKE cadastre.party);
CREATE TABLE cadastre.rrr_history (LIKE cadastre.rrr);
CREATE TABLE cadastre.rrr_share_history (LIKE cadastre.rrr_share);
CREATE TABLE cadastre.certificate_history (LIKE cadastre.certificate);
COMMENT ON TABLE cadastre.parcel_history IS 'Closed versions of parcels (immutable).';
COMMENT ON TABLE cadastre.party_history IS 'Closed versions of parties (immutable).';
COMMENT ON TABLE cadastre.rrr_history IS 'Closed versions of rights and restrictions (immutable).';
COMMENT ON TABLE cadastre.rrr_share_history IS 'Closed versions of shares (immutable).';
COMMENT ON TABLE cadastre.certificate_history IS 'Closed versions of certificates (immutable).';
-- A parcel has few versions: a btree on id finds them; sys_period is filtered after.
CREATE INDEX parcel_history_id_idx ON cadastre.parcel_history (id);
CREATE INDEX parcel_history_identity_idx
    ON cadastre.parcel_history (commune_code, sheet_number, parcel_number);
CREATE INDEX party_history_id_idx ON cadastre.party_history (id);
CREATE INDEX rrr_history_parcel_idx ON cadastre.rrr_history (parcel_id);
CREATE INDEX rrr_share_history_rrr_idx ON cadastre.rrr_share_history (rrr_id);
CREATE INDEX certificate_history_id_idx ON cadastre.certificate_history (id);

-- What every rule function returns: one problem found, where, in two languages.
CREATE TYPE cadastre.issue AS (
    rule        text,
    severity    text,
    parcel_ref  text,
    other_ref   text,
    message_vi  text,
    message_en  text,
    location    geometry
);
COMMENT ON TYPE cadastre.issue IS
    'A problem found by a rule: rule code, severity (error blocks, warning needs '
    'acknowledgement), the parcel(s) concerned, Vietnamese and English messages, and a point or '
    'polygon to zoom to.';
