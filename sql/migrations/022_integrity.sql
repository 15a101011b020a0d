-- 022_integrity: the register defends itself against its own users.
-- Dossiers record who opened, decided and closed them (four eyes on every decision); personal
-- data keeps history and every officer's read of it is logged; the register's clock is
-- honoured only when the owner set it; the audit trail is sealed in a hash chain.

-- Dossier lifecycle -----------------------------------------------------------------------------
ALTER TABLE cadastre.dossier DROP CONSTRAINT IF EXISTS dossier_status_check;
ALTER TABLE cadastre.dossier ADD CONSTRAINT dossier_status_check
    CHECK (status IN ('received', 'approved', 'rejected', 'closed'));
ALTER TABLE cadastre.dossier
    ADD COLUMN opened_by    text,
    ADD COLUMN decided_by   text,
    ADD COLUMN self_decided boolean NOT NULL DEFAULT false,
    ADD COLUMN closed_on    date,
    ADD COLUMN closed_by    text;
ALTER TABLE cadastre.dossier ADD CONSTRAINT dossier_closed_has_date
    CHECK ((status = 'closed') = (closed_on IS NOT NULL));
ALTER TABLE cadastre.dossier ADD CONSTRAINT dossier_closed_after_decision
    CHECK (closed_on IS NULL OR closed_on >= decided_on);
COMMENT ON COLUMN cadastre.dossier.status IS
    'received → approved or rejected; approved → closed when its work is done.';
COMMENT ON COLUMN cadastre.dossier.opened_by IS
    'The database role that opened the dossier (session_user); NULL for dossiers loaded from '
    'files or recorded before 022.';
COMMENT ON COLUMN cadastre.dossier.decided_by IS 'The database role that approved or rejected it.';
COMMENT ON COLUMN cadastre.dossier.self_decided IS
    'True when the role that opened the dossier also decided it (a single-officer office, an '
    'administrator''s legacy import, the register''s owner): four eyes were not applied.';
COMMENT ON COLUMN cadastre.dossier.closed_on IS 'Date the dossier was closed (no more work under it).';
COMMENT ON COLUMN cadastre.dossier.closed_by IS 'The database role that closed it.';

ALTER TABLE cadastre.register_setting
    ADD COLUMN single_officer_office boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN cadastre.register_setting.single_officer_office IS
    'Allow the officer who opened a dossier to decide it (offices with one officer). Off by '
    'default; every such decision is marked dossier.self_decided.';

-- Audit actions --------------------------------------------------------------------------------
ALTER TABLE cadastre.audit_transaction DROP CONSTRAINT IF EXISTS audit_transaction_action_check;
ALTER TABLE cadastre.audit_transaction ADD CONSTRAINT audit_transaction_action_check
    CHECK (action IN ('open', 'decide', 'change', 'close'));
COMMENT ON COLUMN cadastre.audit_transaction.action IS
    'open (dossier received), decide (approved or rejected), change (register rows written), '
    'close (no more work under the dossier).';

-- The seal: one link of the hash chain per audit row, written at commit.
CREATE TABLE cadastre.audit_seal (
    seq        bigint PRIMARY KEY CHECK (seq > 0),
    -- No foreign key and no other index: a deleted row shows in verify_audit, and every
    -- transaction that writes an audit row pays for this insert.
    audit_id   bigint NOT NULL,
    prev_hash  bytea NOT NULL,
    row_hash   bytea NOT NULL
);
COMMENT ON TABLE cadastre.audit_seal IS
    'The audit trail''s hash chain: link seq seals audit row audit_id with '
    'row_hash = sha256(prev_hash, seq, the row''s content); prev_hash is link seq-1''s row_hash. '
    'cadastre.verify_audit() recomputes it.';

-- Audit rows recorded before the chain began are not in it (registers older than 022).
CREATE TABLE cadastre.audit_chain (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    started_after  bigint NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO cadastre.audit_chain (started_after)
SELECT coalesce(max(id), 0) FROM cadastre.audit_transaction;
COMMENT ON TABLE cadastre.audit_chain IS
    'Where the hash chain began: audit rows with an id up to started_after predate it.';

-- Personal data: versioned and stamped with its dossier, like the party it belongs to.
ALTER TABLE cadastre.party_personal
    ADD COLUMN dossier_id bigint REFERENCES cadastre.dossier (id),
    ADD COLUMN sys_period tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
    ADD COLUMN sys_txid   bigint NOT NULL DEFAULT txid_current();
CREATE TABLE cadastre.party_personal_history (LIKE cadastre.party_personal);
COMMENT ON TABLE cadastre.party_personal_history IS
    'Closed versions of personal data (ID numbers, birth dates, addresses).';

CREATE TABLE cadastre.personal_data_access (
    id          bigserial PRIMARY KEY,
    party_id    bigint NOT NULL REFERENCES cadastre.party (id),
    db_role     text NOT NULL,
    app_user    text,
    accessed_at timestamptz NOT NULL,
    purpose     text
);
COMMENT ON TABLE cadastre.personal_data_access IS
    'Every read of a party''s personal data through cadastre.personal_data: who, when, which '
    'party (Vietnam''s personal-data rules). Append-only.';
CREATE INDEX personal_data_access_party ON cadastre.personal_data_access (party_id);

-- The register's clock: set only by its owner (cadastre.set_clock), checked on every use.
CREATE TABLE cadastre.clock_override (
    txid bigint PRIMARY KEY,
    at   timestamptz NOT NULL
);
COMMENT ON TABLE cadastre.clock_override IS
    'Transactions whose clock the owner set (cadastre.set_clock); cadastre.clock() honours the '
    'setting cadastre.clock only when its transaction is here.';

-- Object audit (pgAudit): any UPDATE or DELETE on the trail or the history is logged by the
-- server, since the role pgaudit.role names may do it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cadastre_auditor') THEN
        BEGIN
            CREATE ROLE cadastre_auditor NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END;
$$;
