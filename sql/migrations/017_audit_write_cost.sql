-- 017_audit_write_cost: every audited transaction inserts one audit row, so each index on the
-- trail is paid by every change to the register.
-- * The (db_role, app_user) index served no query: the trail's "who" filter is a role OR a
--   case-insensitive part of the application user, which a btree cannot answer.
-- * The trail is appended in time order, so a BRIN index finds a period as well as the btree
--   did, for a fraction of the upkeep.
DROP INDEX cadastre.audit_transaction_who;
DROP INDEX cadastre.audit_transaction_recorded_at;
CREATE INDEX audit_transaction_recorded_at ON cadastre.audit_transaction
    USING brin (recorded_at);
