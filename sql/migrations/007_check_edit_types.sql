-- 007_check_edit_types: what the edit check works on, and the index its sheet look-up uses.

CREATE TYPE cadastre.edit_item AS (
    n              integer,
    ref            text,
    parcel_id      bigint,
    geom           geometry,
    commune_code   text,
    sheet_number   text,
    parcel_number  integer,
    legal_area     numeric,
    land_use       text,
    split_of       bigint
);
COMMENT ON TYPE cadastre.edit_item IS
    'One edited geometry as cadastre.check_edit reads it (after parsing and validation).';

CREATE INDEX map_sheet_number_idx ON cadastre.map_sheet (commune_code, number);
