-- 011_audit: who changed the register, as what role, from which application, for which dossier.
-- One row per transaction and dossier, written by cadastre.record_audit (called whenever a
-- transaction starts work for a dossier, opens or decides one). The row versions that
-- transaction wrote carry its txid (sys_txid), so the audit trail gives before/after from the
-- history tables without copying them.

CREATE TABLE cadastre.audit_transaction (
    id               bigserial PRIMARY KEY,
    txid             bigint NOT NULL,
    dossier_id       bigint NOT NULL REFERENCES cadastre.dossier (id),
    action           text NOT NULL CHECK (action IN ('open', 'decide', 'change')),
    register_time    timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    db_role          text NOT NULL DEFAULT session_user,
    app_user         text,
    application_name text,
    client_addr      inet,
    UNIQUE (txid, dossier_id, action)
);
COMMENT ON TABLE cadastre.audit_transaction IS
    'The audit trail: one row per transaction and dossier it worked on. Append-only.';
COMMENT ON COLUMN cadastre.audit_transaction.txid IS
    'The transaction (txid_current()); the row versions it wrote carry the same sys_txid.';
COMMENT ON COLUMN cadastre.audit_transaction.dossier_id IS 'The dossier the work was for.';
COMMENT ON COLUMN cadastre.audit_transaction.action IS
    'open (dossier received), decide (approved or rejected), change (register rows written).';
COMMENT ON COLUMN cadastre.audit_transaction.register_time IS
    'The register''s clock for the transaction (cadastre.clock(): system time of the versions).';
COMMENT ON COLUMN cadastre.audit_transaction.recorded_at IS 'Wall-clock time of the record.';
COMMENT ON COLUMN cadastre.audit_transaction.db_role IS 'The database role that logged in.';
COMMENT ON COLUMN cadastre.audit_transaction.app_user IS
    'The person the client application says is working (setting cadastre.app_user), e.g. the '
    'officer''s name from the QGIS plugin or the operating-system user of the CLI.';
COMMENT ON COLUMN cadastre.audit_transaction.application_name IS
    'The client''s application_name (cadastre-cli, the QGIS plugin, psql...).';
COMMENT ON COLUMN cadastre.audit_transaction.client_addr IS 'The client''s address (NULL: socket).';

CREATE INDEX audit_transaction_txid ON cadastre.audit_transaction (txid);
CREATE INDEX audit_transaction_recorded_at ON cadastre.audit_transaction (recorded_at);
CREATE INDEX audit_transaction_who ON cadastre.audit_transaction (db_role, app_user);

-- The trail finds the versions a transaction wrote by their txid.
CREATE INDEX parcel_sys_txid ON cadastre.parcel (sys_txid);
CREATE INDEX parcel_history_sys_txid ON cadastre.parcel_history (sys_txid);
CREATE INDEX rrr_sys_txid ON cadastre.rrr (sys_txid);
CREATE INDEX rrr_history_sys_txid ON cadastre.rrr_history (sys_txid);

REVOKE UPDATE, DELETE, TRUNCATE ON cadastre.audit_transaction FROM PUBLIC;
