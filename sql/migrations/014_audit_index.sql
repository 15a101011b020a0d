-- 014_audit_index: the audit trail's unique (txid, dossier_id, action) key already serves
-- look-ups by transaction id, so the separate txid index only cost every audited write an
-- extra index insert.
DROP INDEX cadastre.audit_transaction_txid;
