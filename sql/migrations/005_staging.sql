-- 005_staging: bulk registration and import through a staging table.
-- Files and generated fabrics are loaded into staged_parcel (COPY-fast), checked there set by
-- set by the same rule functions, and only the accepted rows enter the register, in one
-- transaction. Every staged row keeps its outcome (imported, unchanged, quarantined) and the
-- reason, so every input feature is accounted for.

CREATE TABLE cadastre.import_batch (
    id           bigserial PRIMARY KEY,
    source       text NOT NULL,
    layer        text,
    source_crs   text,
    dossier_id   bigint REFERENCES cadastre.dossier (id),
    options      jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz,
    summary      jsonb
);
COMMENT ON TABLE cadastre.import_batch IS
    'One import or bulk registration run: its source file, layer, CRS, dossier and summary.';

CREATE TABLE cadastre.staged_parcel (
    batch_id         bigint NOT NULL REFERENCES cadastre.import_batch (id),
    feature_ref      text NOT NULL,
    commune_code     text,
    sheet_number     text,
    parcel_number    integer,
    geom             geometry,
    legal_area       numeric(14, 1),
    land_uses        jsonb,
    address          text,
    holders          jsonb,
    holder_name      text,
    old_identifiers  jsonb,
    dossier_id       bigint REFERENCES cadastre.dossier (id),
    outcome          text CHECK (outcome IN ('imported', 'unchanged', 'repaired',
                                             'quarantined')),
    reason           text,
    detail           text,
    location         geometry,
    parcel_id        bigint REFERENCES cadastre.parcel (id),
    PRIMARY KEY (batch_id, feature_ref)
);
COMMENT ON TABLE cadastre.staged_parcel IS
    'Parcels staged for bulk registration or import, with the outcome of each feature: '
    'imported, unchanged (already in the register), repaired (imported after a fix) or '
    'quarantined with the reason and the location of the problem.';
COMMENT ON COLUMN cadastre.staged_parcel.feature_ref IS 'Feature id in the source (FID or id field).';
COMMENT ON COLUMN cadastre.staged_parcel.geom IS 'Geometry as read, in its source CRS.';
COMMENT ON COLUMN cadastre.staged_parcel.dossier_id IS
    'The row''s own (approved) registration dossier when it has one (loading a register''s '
    'history); else the batch''s dossier. The row is known from that dossier''s decision date.';
COMMENT ON COLUMN cadastre.staged_parcel.outcome IS 'imported, unchanged, repaired, quarantined.';
COMMENT ON COLUMN cadastre.staged_parcel.reason IS 'Rule that quarantined (or repaired) it.';
COMMENT ON COLUMN cadastre.staged_parcel.detail IS 'Human-readable explanation.';
COMMENT ON COLUMN cadastre.staged_parcel.location IS 'Where the problem is (register CRS).';
COMMENT ON COLUMN cadastre.staged_parcel.parcel_id IS 'The register parcel it became or matched.';

-- Transactions in which a bulk registration has already checked its rows set by set: the
-- per-row triggers skip those rows. Only the bulk function writes here.
CREATE TABLE cadastre.bulk_session (
    txid        bigint PRIMARY KEY,
    batch_id    bigint NOT NULL REFERENCES cadastre.import_batch (id)
);
COMMENT ON TABLE cadastre.bulk_session IS
    'Transactions running cadastre.register_staged: its rows were validated set-based, so the '
    'row triggers do not check them again. Emptied before the function returns.';

-- Legacy and imported land-use codes are kept, not dropped: their group may be unknown.
ALTER TABLE cadastre.land_use_code ALTER COLUMN group_code DROP NOT NULL;
ALTER TABLE cadastre.land_use_code ADD CONSTRAINT land_use_code_group_known
    CHECK (group_code IS NOT NULL OR source <> 'TT27/2018');

INSERT INTO cadastre.land_use_code (code, name, group_code, is_group, source, valid)
VALUES ('KXD', 'Chưa xác định mục đích sử dụng (nguồn dữ liệu không ghi)', NULL, false,
        'system', daterange('1900-01-01', NULL));
COMMENT ON COLUMN cadastre.land_use_code.code IS
    'Code as written on maps (ODT, CLN…); KXD marks imported parcels whose source gave none.';
