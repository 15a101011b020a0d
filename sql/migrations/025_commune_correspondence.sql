-- 025_commune_correspondence: the official correspondence between pre-2025 communes and the
-- communes in force since the 2025 reorganisation, so legacy files carrying old commune codes
-- are registered in the commune that absorbed them. Filled at `cadastre db init` from the
-- vietnamadminunits package (cadastre/register/admin_units.py), never typed by hand.

CREATE TABLE cadastre.commune_correspondence (
    old_code           text NOT NULL CHECK (old_code ~ '^[0-9]{5}$'),
    old_name           text NOT NULL CHECK (old_name <> ''),
    old_district       text,
    old_province_code  text NOT NULL CHECK (old_province_code ~ '^[0-9]{2}$'),
    new_code           text NOT NULL REFERENCES cadastre.admin_unit (code),
    divided            boolean NOT NULL DEFAULT false,
    effective          date NOT NULL,
    source             text NOT NULL,
    PRIMARY KEY (old_code, new_code)
);
COMMENT ON TABLE cadastre.commune_correspondence IS
    'Pre-2025 communes of the register''s province and the commune(s) in force that took them '
    'over (official correspondence, from the vietnamadminunits package). An import maps an old '
    'code through it and keeps the old code among the parcel''s old identifiers.';
COMMENT ON COLUMN cadastre.commune_correspondence.old_code IS 'Pre-2025 5-digit commune code.';
COMMENT ON COLUMN cadastre.commune_correspondence.old_name IS 'Pre-2025 official name.';
COMMENT ON COLUMN cadastre.commune_correspondence.old_district IS
    'The district the old commune belonged to (the level abolished in 2025).';
COMMENT ON COLUMN cadastre.commune_correspondence.old_province_code IS
    'The pre-2025 province (a merged province has several).';
COMMENT ON COLUMN cadastre.commune_correspondence.new_code IS 'The commune in force that took it.';
COMMENT ON COLUMN cadastre.commune_correspondence.divided IS
    'The old commune was divided among several communes in force (one row each): a parcel goes '
    'to the one whose boundary holds it, never to a guessed one.';
COMMENT ON COLUMN cadastre.commune_correspondence.effective IS 'When the correspondence took effect.';
COMMENT ON COLUMN cadastre.commune_correspondence.source IS 'Package and version it came from.';
CREATE INDEX ON cadastre.commune_correspondence (new_code);

ALTER TABLE cadastre.staged_parcel ADD COLUMN mapped_commune_code text;
COMMENT ON COLUMN cadastre.staged_parcel.mapped_commune_code IS
    'The commune in force a staged pre-2025 (or merged) commune code was registered in.';
