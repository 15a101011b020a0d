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

-- Roads, canals and rivers are long and narrow by nature: the shape rule leaves them alone.
ALTER TABLE cadastre.land_use_code ADD COLUMN linear boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN cadastre.land_use_code.linear IS
    'Linear land (roads, canals, rivers): exempt from the too_thin rule.';
UPDATE cadastre.land_use_code SET linear = true WHERE code IN ('DGT', 'DTL', 'SON', 'MNC');
