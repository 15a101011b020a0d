-- 024_audit_trail_versions: the audit trail also finds the holders' shares and the parties a
-- transaction wrote (cadastre.audit_trail), by their transaction id.
CREATE INDEX IF NOT EXISTS rrr_share_sys_txid ON cadastre.rrr_share (sys_txid);
CREATE INDEX IF NOT EXISTS rrr_share_history_sys_txid ON cadastre.rrr_share_history (sys_txid);
CREATE INDEX IF NOT EXISTS party_sys_txid ON cadastre.party (sys_txid);
CREATE INDEX IF NOT EXISTS party_history_sys_txid ON cadastre.party_history (sys_txid);
