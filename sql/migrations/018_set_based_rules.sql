-- 018_set_based_rules: the per-parcel quality rules take a set of parcels, so a whole-commune
-- check runs each rule as one query over the commune instead of one call per parcel (a call
-- costs an executor start: most of the commune check's time). An edit check passes its one
-- or few edited geometries through the same functions.

-- The land uses travel with each checked parcel: the shape rule exempts linear land (roads,
-- canals, rivers) when any of its uses is linear.
ALTER TYPE cadastre.edit_item ADD ATTRIBUTE land_uses jsonb;
COMMENT ON TYPE cadastre.edit_item IS
    'One parcel as the quality rules read it: an edited geometry after parsing and validation '
    '(cadastre.check_edit), a parcel of the register (check_commune) or of a staged file.';

-- Replaced by the forms over a set of parcels (sql/functions/080_checks.sql); absent on a
-- new database, whose function files run after its migrations.
DROP FUNCTION IF EXISTS cadastre.shape_issues(geometry, text, boolean);
DROP FUNCTION IF EXISTS cadastre.right_issues(bigint, text, geometry);
DROP FUNCTION IF EXISTS cadastre.is_linear(jsonb);
