-- 016_map_sheet_current_index: the current sheet of a commune by number, from a btree.
-- The checks look a parcel's sheet up on every edit (its scale for the area tolerance, its
-- footprint for the label point) with `commune_code = … AND number = … AND upper_inf(valid)`.
-- The planner served that from the exclusion constraint's 3-column GiST (btree_gist) even with
-- the plain btree of 007 there (equal cost estimates), a descent ~6× slower (0.09 ms against
-- 0.015 ms a look-up on the 1M bench copy). This partial index holds the columns the look-ups
-- read, so they are index-only scans, which the planner costs below the GiST scan. At most one
-- sheet per (commune, number) is current (the exclusion constraint), hence UNIQUE.
-- Index-only scans need the visibility map: map_sheet is rarely written, autovacuum keeps it set.
CREATE UNIQUE INDEX map_sheet_current_idx ON cadastre.map_sheet (commune_code, number)
    INCLUDE (scale, footprint) WHERE upper_inf(valid);
ANALYZE cadastre.map_sheet;
