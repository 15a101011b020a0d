-- 027_withdraw_pages_for_new_masks: households' masked names now keep their "Hộ ông"/"Hộ bà"
-- prefix (public_register.mask_name). Pages published before show the old mask: withdraw them
-- all, so look-ups compose the document with the new mask until `cadastre db publish` runs.
UPDATE public_register.parcel_page SET document = NULL, version = version + 1
WHERE document IS NOT NULL;
