-- 100_triggers: every trigger of the register, attached in one place (the files before this one
-- define only the trigger functions). Loaded last: function files run in name order.

CREATE OR REPLACE TRIGGER zz_public_moved AFTER UPDATE ON cadastre.parcel
    FOR EACH ROW WHEN (OLD.geom::bytea IS DISTINCT FROM NEW.geom::bytea)
    EXECUTE FUNCTION public_register.parcel_moved();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.rrr
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.rrr
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.certificate_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.certificate
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.certificate_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.dossier_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.dossier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.dossier_changed();
CREATE OR REPLACE TRIGGER zz_public_insert AFTER INSERT ON cadastre.admin_unit
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.commune_changed();
CREATE OR REPLACE TRIGGER zz_public_update AFTER UPDATE ON cadastre.admin_unit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.commune_changed();

CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.parcel
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.commune_code IS DISTINCT FROM NEW.commune_code
                       OR OLD.sheet_number IS DISTINCT FROM NEW.sheet_number
                       OR OLD.parcel_number IS DISTINCT FROM NEW.parcel_number)
    EXECUTE FUNCTION public_register.parcel_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages AFTER INSERT ON cadastre.parcel_lineage
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.lineage_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_insert AFTER INSERT ON cadastre.rrr_share
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.rrr_share
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_delete AFTER DELETE ON cadastre.rrr_share
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.share_pages_changed();
CREATE OR REPLACE TRIGGER zz_public_delete AFTER DELETE ON cadastre.dossier_parcel
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.related_parcels_changed();
CREATE OR REPLACE TRIGGER zz_public_pages_update AFTER UPDATE ON cadastre.party
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_register.party_pages_changed();
DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['land_use_code', 'land_use_form', 'dossier_kind', 'rrr_kind']
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER zz_public_pages AFTER UPDATE OR DELETE '
                       'ON cadastre.%I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION public_register.reference_pages_changed()', v_table);
    END LOOP;
END;
$$;
