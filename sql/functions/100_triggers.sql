-- 100_triggers: every trigger of the register, attached here and nowhere else, table by table.
-- The files before this one define the trigger functions only; this one runs after all of them
-- (function files are applied in name order, cadastre/db/migrate.py), so every function it
-- names exists. The one exception is the officer's QGIS layer (cadastre.officer_parcel, a view):
-- its INSTEAD OF trigger refuse_write is attached with the view in 085_submit.sql.
--
-- The firing order, and why the names carry prefixes. On one table, PostgreSQL fires the
-- triggers of one event in this order: BEFORE ... FOR EACH STATEMENT; for each row, BEFORE ...
-- FOR EACH ROW; at the end of the statement, AFTER ... FOR EACH ROW, then AFTER ... FOR EACH
-- STATEMENT; at commit, the deferred constraint triggers (DEFERRABLE INITIALLY DEFERRED).
-- Within each of these phases the triggers fire in the order of their names (byte order), and
-- a BEFORE ROW trigger that returns NULL skips the row for every trigger after it. So a BEFORE
-- ROW trigger's name prefix is its place in the chain:
--   a_   first: drop an update that changes nothing, start a version, check the caller's commune
--   b_   then: require an approved dossier at work and stamp the row with it
--   c_   then: validate the row as stamped
--   (no prefix) refusals (refuse_delete, refuse_change, guard_decided): before z_ by name
--   z_   last: keep the old version in history, once the new row is final
-- and zz_ marks the AFTER triggers that note public changes (093_public_changes) and withdraw
-- published pages (094_public_pages). Deferred checks (no_overlap, shares_sum_to_one) need no
-- prefix: they run at commit, after everything else. A new trigger takes the prefix of its
-- place; tests/db/test_trigger_chain.py checks that each table's chain listed below is what the
-- database fires, in order.
--
-- Each section lists what fires on the table, event by event, phase by phase, in firing order;
-- the statements that attach the triggers follow in the same order (row triggers, then
-- statement triggers, then those deferred to commit; the TRUNCATE guards last).

-- cadastre.parcel ---------------------------------------------------------------------------------
-- The parcel: every edit, from QGIS, psql, the CLI or an operation, passes here. Rows of a bulk
-- registration (cadastre.register_staged) were checked set by set: the INSERT row triggers skip
-- them (WHEN). Until migration 019 the parcel also had statement triggers zz_public_insert and
-- zz_public_update noting changed parcels; the web view now reads that from the parcels' own
-- sys_txid (public_register.changes_since) and zz_public_moved notes only where a moved parcel
-- was.
-- fires:
--   INSERT   before row       a_start_version, b_stamp_dossier, c_validate
--            at commit        no_overlap
--   UPDATE   before row       a_skip_unchanged, b_stamp_dossier_update, c_validate_update,
--                             z_keep_history
--            after row        zz_public_moved, zz_public_pages_update
--            at commit        no_overlap_update
--   DELETE   before row       refuse_delete, z_keep_history
--   TRUNCATE before statement refuse_truncate

-- An UPDATE that changes nothing is dropped here, before any other trigger sees it: no new
-- version, no stamp, no check (PostgreSQL's built-in byte comparison of the two rows).
CREATE OR REPLACE TRIGGER a_skip_unchanged BEFORE UPDATE ON cadastre.parcel
    FOR EACH ROW
    EXECUTE FUNCTION suppress_redundant_updates_trigger();
-- The new row's version starts at the register's clock. A bulk registration sets sys_period
-- itself (the date each row's dossier decided).
CREATE OR REPLACE TRIGGER a_start_version BEFORE INSERT ON cadastre.parcel
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.start_version();
-- Only inside an approved dossier, and stamped with it.
CREATE OR REPLACE TRIGGER b_stamp_dossier BEFORE INSERT ON cadastre.parcel
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.stamp_dossier();
CREATE OR REPLACE TRIGGER b_stamp_dossier_update BEFORE UPDATE ON cadastre.parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.stamp_dossier();
-- Geometry, land uses, commune in force, retired parcels final, stale versions refused: on the
-- row as stamped.
CREATE OR REPLACE TRIGGER c_validate BEFORE INSERT ON cadastre.parcel
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.validate_parcel();
CREATE OR REPLACE TRIGGER c_validate_update BEFORE UPDATE ON cadastre.parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.validate_parcel();
-- Nothing is ever deleted.
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
-- Last before the write: closes the old version and copies it to the history table, once every
-- trigger before has had its say on the new row.
CREATE OR REPLACE TRIGGER z_keep_history BEFORE UPDATE OR DELETE ON cadastre.parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.keep_history();
-- Public notes (093_public_changes, 094_public_pages) after the row is written.
CREATE OR REPLACE TRIGGER zz_public_moved AFTER UPDATE ON cadastre.parcel
    FOR EACH ROW WHEN (OLD.geom::bytea IS DISTINCT FROM NEW.geom::bytea)
    EXECUTE FUNCTION public_register.parcel_moved();
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.parcel
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.commune_code IS DISTINCT FROM NEW.commune_code
                       OR OLD.sheet_number IS DISTINCT FROM NEW.sheet_number
                       OR OLD.parcel_number IS DISTINCT FROM NEW.parcel_number)
    EXECUTE FUNCTION public_register.parcel_pages_changed();
-- At commit, once every parcel of the transaction is in place: no overlap with a current
-- neighbour.
DROP TRIGGER IF EXISTS no_overlap ON cadastre.parcel;
CREATE CONSTRAINT TRIGGER no_overlap AFTER INSERT ON cadastre.parcel
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.check_no_overlap();
-- Geometries compared as bytes: pg_dump writes `IS DISTINCT FROM` without the operator's schema,
-- and a restore (search_path empty) cannot resolve geometry = geometry.
DROP TRIGGER IF EXISTS no_overlap_update ON cadastre.parcel;
CREATE CONSTRAINT TRIGGER no_overlap_update AFTER UPDATE ON cadastre.parcel
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.geom::bytea IS DISTINCT FROM NEW.geom::bytea
                       OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION cadastre.check_no_overlap();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.parcel
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.rrr ------------------------------------------------------------------------------------
-- Rights, restrictions and responsibilities.
-- fires:
--   INSERT   before row       a_require_commune, a_start_version, b_stamp_dossier, c_validate
--            after statement  zz_public_insert
--            at commit        shares_sum_to_one
--   UPDATE   before row       a_require_commune, a_skip_unchanged, b_stamp_dossier_update,
--                             c_validate, z_keep_history
--            after statement  zz_public_update
--            at commit        shares_sum_to_one_update
--   DELETE   before row       a_require_commune, refuse_delete, z_keep_history
--   TRUNCATE before statement refuse_truncate

-- A role bound to communes writes only rows of parcels (and parties) of its communes.
CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE ON cadastre.rrr
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER a_skip_unchanged BEFORE UPDATE ON cadastre.rrr
    FOR EACH ROW
    EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE OR REPLACE TRIGGER a_start_version BEFORE INSERT ON cadastre.rrr
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.start_version();
CREATE OR REPLACE TRIGGER b_stamp_dossier BEFORE INSERT ON cadastre.rrr
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.stamp_dossier();
CREATE OR REPLACE TRIGGER b_stamp_dossier_update BEFORE UPDATE ON cadastre.rrr
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.stamp_dossier();
CREATE OR REPLACE TRIGGER c_validate BEFORE INSERT OR UPDATE ON cadastre.rrr
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.validate_rrr();
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.rrr
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER z_keep_history BEFORE UPDATE OR DELETE ON cadastre.rrr
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.keep_history();
-- Public notes and page withdrawals, once per statement.
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.rrr
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.rrr
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.related_parcels_changed();
-- At commit: the holders' shares of every right sum to exactly 1.
DROP TRIGGER IF EXISTS shares_sum_to_one ON cadastre.rrr;
CREATE CONSTRAINT TRIGGER shares_sum_to_one AFTER INSERT ON cadastre.rrr
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.check_shares();
DROP TRIGGER IF EXISTS shares_sum_to_one_update ON cadastre.rrr;
CREATE CONSTRAINT TRIGGER shares_sum_to_one_update AFTER UPDATE ON cadastre.rrr
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.check_shares();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.rrr
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.rrr_share ------------------------------------------------------------------------------
-- Holders' shares of a right (no dossier column: a dossier must be at work).
-- fires:
--   INSERT   before row       a_require_commune, a_start_version, b_require_dossier
--            after statement  zz_public_pages_insert
--            at commit        shares_sum_to_one
--   UPDATE   before row       a_require_commune, a_skip_unchanged, b_require_dossier_change,
--                             z_keep_history
--            after statement  zz_public_pages_update
--            at commit        shares_sum_to_one_change
--   DELETE   before row       a_require_commune, b_require_dossier_change, z_keep_history
--            after statement  zz_public_pages_delete
--            at commit        shares_sum_to_one_change

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE ON cadastre.rrr_share
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER a_skip_unchanged BEFORE UPDATE ON cadastre.rrr_share
    FOR EACH ROW
    EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE OR REPLACE TRIGGER a_start_version BEFORE INSERT ON cadastre.rrr_share
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.start_version();
CREATE OR REPLACE TRIGGER b_require_dossier BEFORE INSERT ON cadastre.rrr_share
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.require_dossier_context();
CREATE OR REPLACE TRIGGER b_require_dossier_change BEFORE UPDATE OR DELETE ON cadastre.rrr_share
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_dossier_context();
CREATE OR REPLACE TRIGGER z_keep_history BEFORE UPDATE OR DELETE ON cadastre.rrr_share
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.keep_history();
CREATE OR REPLACE TRIGGER zz_public_pages_delete AFTER DELETE ON cadastre.rrr_share
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_insert AFTER INSERT ON cadastre.rrr_share
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.rrr_share
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.share_pages_changed();
DROP TRIGGER IF EXISTS shares_sum_to_one ON cadastre.rrr_share;
CREATE CONSTRAINT TRIGGER shares_sum_to_one AFTER INSERT ON cadastre.rrr_share
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.check_shares();
DROP TRIGGER IF EXISTS shares_sum_to_one_change ON cadastre.rrr_share;
CREATE CONSTRAINT TRIGGER shares_sum_to_one_change AFTER UPDATE OR DELETE ON cadastre.rrr_share
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.check_shares();

-- cadastre.party ----------------------------------------------------------------------------------
-- Parties (persons, households, organisations).
-- fires:
--   INSERT   before row       a_require_commune, a_start_version
--   UPDATE   before row       a_require_commune, a_skip_unchanged, z_keep_history
--            after statement  zz_public_pages_update
--   DELETE   before row       a_require_commune, refuse_delete, z_keep_history
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE ON cadastre.party
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER a_skip_unchanged BEFORE UPDATE ON cadastre.party
    FOR EACH ROW
    EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE OR REPLACE TRIGGER a_start_version BEFORE INSERT ON cadastre.party
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.start_version();
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.party
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER z_keep_history BEFORE UPDATE OR DELETE ON cadastre.party
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.keep_history();
-- A holder's (masked) name is on the pages of their parcels.
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.party
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.party_pages_changed();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.party
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.party_personal -------------------------------------------------------------------------
-- Personal data of individuals.
-- fires:
--   INSERT   before row       a_require_commune, a_start_version
--   UPDATE   before row       a_require_commune, a_skip_unchanged, z_keep_history
--   DELETE   before row       a_require_commune, z_keep_history

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.party_personal
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER a_skip_unchanged BEFORE UPDATE ON cadastre.party_personal
    FOR EACH ROW
    EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE OR REPLACE TRIGGER a_start_version BEFORE INSERT ON cadastre.party_personal
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.start_version();
CREATE OR REPLACE TRIGGER z_keep_history BEFORE UPDATE OR DELETE ON cadastre.party_personal
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.keep_history();

-- cadastre.party_member ---------------------------------------------------------------------------
-- Members of households and couples.
-- fires:
--   INSERT   before row       a_require_commune
--   UPDATE   before row       a_require_commune
--   DELETE   before row       a_require_commune

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.party_member
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();

-- cadastre.certificate ----------------------------------------------------------------------------
-- Land-use right certificates.
-- fires:
--   INSERT   before row       a_require_commune, a_start_version, b_stamp_dossier
--   UPDATE   before row       a_require_commune, a_skip_unchanged, b_stamp_dossier, z_keep_history
--            after statement  zz_public_update
--   DELETE   before row       a_require_commune, refuse_delete, z_keep_history
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.certificate
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER a_skip_unchanged BEFORE UPDATE ON cadastre.certificate
    FOR EACH ROW
    EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE OR REPLACE TRIGGER a_start_version BEFORE INSERT ON cadastre.certificate
    FOR EACH ROW WHEN (NOT cadastre.in_bulk_session())
    EXECUTE FUNCTION cadastre.start_version();
CREATE OR REPLACE TRIGGER b_stamp_dossier BEFORE INSERT OR UPDATE ON cadastre.certificate
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.stamp_dossier();
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.certificate
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER z_keep_history BEFORE UPDATE OR DELETE ON cadastre.certificate
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.keep_history();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.certificate
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.certificate_changed();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.certificate
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.certificate_parcel ---------------------------------------------------------------------
-- The parcels a certificate covers.
-- fires:
--   INSERT   before row       a_require_commune, b_require_dossier
--            after statement  zz_public_insert
--   UPDATE   before row       a_require_commune, b_require_dossier
--   DELETE   before row       a_require_commune, refuse_delete
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.certificate_parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER b_require_dossier BEFORE INSERT OR UPDATE ON cadastre.certificate_parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_dossier_context();
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.certificate_parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.certificate_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.certificate_parcel
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.certificate_holder ---------------------------------------------------------------------
-- The holders a certificate names.
-- fires:
--   INSERT   before row       a_require_commune, b_require_dossier
--   UPDATE   before row       a_require_commune, b_require_dossier
--   DELETE   before row       a_require_commune, b_require_dossier

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.certificate_holder
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER b_require_dossier BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.certificate_holder
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_dossier_context();

-- cadastre.parcel_lineage -------------------------------------------------------------------------
-- Which parcels a split or merge made from which.
-- fires:
--   INSERT   before row       b_require_dossier
--            after statement  zz_public_pages
--   UPDATE   before row       b_require_dossier
--   DELETE   before row       refuse_delete
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER b_require_dossier BEFORE INSERT OR UPDATE ON cadastre.parcel_lineage
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_dossier_context();
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.parcel_lineage
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER zz_public_pages AFTER INSERT ON cadastre.parcel_lineage
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.lineage_pages_changed();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.parcel_lineage
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.dossier --------------------------------------------------------------------------------
-- Registration dossiers.
-- fires:
--   UPDATE   before row       guard_decided
--            after statement  zz_public_update
--   DELETE   before row       refuse_delete
--   TRUNCATE before statement refuse_truncate

-- A decided dossier is final (an approved one may only be closed).
CREATE OR REPLACE TRIGGER guard_decided BEFORE UPDATE ON cadastre.dossier
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.guard_dossier();
CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.dossier
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.dossier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.dossier_changed();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.dossier
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.dossier_parcel -------------------------------------------------------------------------
-- The parcels a received dossier concerns (shown as in progress).
-- fires:
--   INSERT   before row       a_require_commune
--            after statement  zz_public_insert
--   UPDATE   before row       a_require_commune
--   DELETE   before row       a_require_commune
--            after statement  zz_public_delete

CREATE OR REPLACE TRIGGER a_require_commune BEFORE INSERT OR UPDATE OR DELETE
    ON cadastre.dossier_parcel
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.require_row_commune();
CREATE OR REPLACE TRIGGER zz_public_delete AFTER DELETE ON cadastre.dossier_parcel
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.dossier_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.related_parcels_changed();

-- cadastre.source_document ------------------------------------------------------------------------
-- Documents behind a dossier.
-- fires:
--   DELETE   before row       refuse_delete
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_delete BEFORE DELETE ON cadastre.source_document
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_delete();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.source_document
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_delete();

-- cadastre.admin_unit -----------------------------------------------------------------------------
-- Provinces and communes: a commune's boundary or name is on the map and the pages.
-- fires:
--   INSERT   after statement  zz_public_insert
--   UPDATE   after statement  zz_public_update

CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.admin_unit
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.commune_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.admin_unit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.commune_changed();

-- cadastre.land_use_code --------------------------------------------------------------------------
-- A reference table whose names the public pages show: a change withdraws every page.
-- fires:
--   UPDATE   after statement  zz_public_pages
--   DELETE   after statement  zz_public_pages

CREATE OR REPLACE TRIGGER zz_public_pages AFTER UPDATE OR DELETE ON cadastre.land_use_code
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.reference_pages_changed();

-- cadastre.land_use_form --------------------------------------------------------------------------
-- As cadastre.land_use_code.
-- fires:
--   UPDATE   after statement  zz_public_pages
--   DELETE   after statement  zz_public_pages

CREATE OR REPLACE TRIGGER zz_public_pages AFTER UPDATE OR DELETE ON cadastre.land_use_form
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.reference_pages_changed();

-- cadastre.dossier_kind ---------------------------------------------------------------------------
-- As cadastre.land_use_code.
-- fires:
--   UPDATE   after statement  zz_public_pages
--   DELETE   after statement  zz_public_pages

CREATE OR REPLACE TRIGGER zz_public_pages AFTER UPDATE OR DELETE ON cadastre.dossier_kind
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.reference_pages_changed();

-- cadastre.rrr_kind -------------------------------------------------------------------------------
-- As cadastre.land_use_code.
-- fires:
--   UPDATE   after statement  zz_public_pages
--   DELETE   after statement  zz_public_pages

CREATE OR REPLACE TRIGGER zz_public_pages AFTER UPDATE OR DELETE ON cadastre.rrr_kind
    FOR EACH STATEMENT
    EXECUTE FUNCTION public_register.reference_pages_changed();

-- cadastre.parcel_history -------------------------------------------------------------------------
-- Closed versions are immutable.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.parcel_history
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.parcel_history
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.party_history --------------------------------------------------------------------------
-- As cadastre.parcel_history.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.party_history
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.party_history
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.party_personal_history -----------------------------------------------------------------
-- As cadastre.parcel_history.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.party_personal_history
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.party_personal_history
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.rrr_history ----------------------------------------------------------------------------
-- As cadastre.parcel_history.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.rrr_history
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.rrr_history
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.rrr_share_history ----------------------------------------------------------------------
-- As cadastre.parcel_history.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.rrr_share_history
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.rrr_share_history
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.certificate_history --------------------------------------------------------------------
-- As cadastre.parcel_history.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.certificate_history
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.certificate_history
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.audit_transaction ----------------------------------------------------------------------
-- The audit trail: stamped when written, sealed into the hash chain at commit, never changed.
-- fires:
--   INSERT   before row       a_stamp
--            at commit        z_seal
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER a_stamp BEFORE INSERT ON cadastre.audit_transaction
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.stamp_audit();
CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.audit_transaction
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
DROP TRIGGER IF EXISTS z_seal ON cadastre.audit_transaction;
CREATE CONSTRAINT TRIGGER z_seal AFTER INSERT ON cadastre.audit_transaction
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.seal_audit();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.audit_transaction
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.audit_seal -----------------------------------------------------------------------------
-- The audit trail's hash chain.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.audit_seal
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.audit_seal
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.audit_chain ----------------------------------------------------------------------------
-- Where the hash chain began (one row). Unlike the other audit tables it has no TRUNCATE guard;
-- only its owner holds that privilege.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.audit_chain
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.personal_data_access -------------------------------------------------------------------
-- Every read of personal data.
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON cadastre.personal_data_access
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON cadastre.personal_data_access
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- online.application_event -----------------------------------------------------------------------
-- Every status change of an online application and who made it (087_applications).
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON online.application_event
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON online.application_event
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- online.application_access ----------------------------------------------------------------------
-- Every read of an online application's personal data (087_applications).
-- fires:
--   UPDATE   before row       refuse_change
--   DELETE   before row       refuse_change
--   TRUNCATE before statement refuse_truncate

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON online.application_access
    FOR EACH ROW
    EXECUTE FUNCTION cadastre.refuse_history_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON online.application_access
    FOR EACH STATEMENT
    EXECUTE FUNCTION cadastre.refuse_history_change();

-- cadastre.officer_parcel -------------------------------------------------------------------------
-- The officer's parcel layer in QGIS (a view).
-- fires:
--   INSERT   instead of row   refuse_write
--   UPDATE   instead of row   refuse_write
--   DELETE   instead of row   refuse_write

-- Attached in 085_submit.sql, beside the view it guards and its function (the one trigger not
-- attached here): QGIS's own Save edits is refused there; edits go through cadastre.submit_edits.
