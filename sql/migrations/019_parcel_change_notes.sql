-- 019_parcel_change_notes: the web view finds changed parcels by the transaction that wrote
-- their current version (cadastre.parcel.sys_txid, indexed), so an edit no longer writes a
-- note row for them. Only a parcel whose geometry moved still notes where it was
-- (public_register.parcel_moved, a row trigger in 090_public.sql): its current version no
-- longer says so. Notes for rights, certificates, dossiers and communes are unchanged.
DROP TRIGGER IF EXISTS zz_public_insert ON cadastre.parcel;
DROP TRIGGER IF EXISTS zz_public_update ON cadastre.parcel;
DROP FUNCTION IF EXISTS public_register.parcel_changed();
