-- 020_parcel_document_json: the public parcel document is one function that writes json (it is
-- only ever sent, never queried), where it was jsonb built by parcel_document_by_id. A return
-- type cannot be changed in place, so the old pair goes here and 090_public.sql creates the
-- new function.
DROP FUNCTION IF EXISTS public_register.parcel_document(text, text, integer);
DROP FUNCTION IF EXISTS public_register.parcel_document_by_id(bigint);
