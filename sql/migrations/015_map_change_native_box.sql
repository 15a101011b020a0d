-- 015_map_change_native_box: a change note keeps the box in the CRS it was measured in (the
-- register's VN-2000 TM-3 for parcels and communes) and the web view's change watcher
-- projects the boxes to Web Mercator when it reads them, one statement for many notes.
-- Projecting in the trigger cost every edit a PROJ set-up (~0.1 ms), a sixth of a
-- versioned update. Boxes already written in EPSG:3857 stay as they are.
ALTER TABLE public_register.map_change ALTER COLUMN bbox TYPE geometry(Polygon) USING bbox;
COMMENT ON COLUMN public_register.map_change.bbox IS
    'Bounding box of the changed parcel(s), with its SRID (the register''s CRS, or EPSG:3857 '
    'for "everywhere"); readers project it to Web Mercator.';
COMMENT ON TABLE public_register.map_change IS
    'Where the public picture changed: one box per changed parcel (or one box around a bulk '
    'change), written by triggers. The web view evicts cached tiles and look-ups that intersect '
    'boxes newer than the last id it saw.';
